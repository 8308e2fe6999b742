"""The Selected map tab: one feature map, large, with its values."""
