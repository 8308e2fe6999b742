"""The architecture explorer page."""
