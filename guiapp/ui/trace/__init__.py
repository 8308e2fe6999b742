"""The Trace unit tab: one unit's inputs, weights and receptive field, outlined on the input and the maps."""
