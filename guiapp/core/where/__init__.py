"""Where a drawing stands among the test digits: the network's own features, neighbours, the mistakes."""

# The package's modules; each names what it exports in its own __all__.
__all__ = ["atlas", "cache", "embedding", "layers", "map_process", "raster", "shipped"]
