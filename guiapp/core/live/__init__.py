"""The live pipeline: one drawing to every layer's pictures, and the process that computes it."""

# The package's modules; each names what it exports in its own __all__.
__all__ = ["compute_process", "layer_picture", "live_request", "live_update", "mosaic", "unsure"]
