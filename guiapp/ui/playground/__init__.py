"""The conv-arithmetic playground page."""
