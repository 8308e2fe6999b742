"""Drawings and pictures: strokes, stroke files, rasterising and preprocessing for the network."""

# The package's modules; each names what it exports in its own __all__.
__all__ = ["images", "picture", "preprocess", "stroke_file", "strokes"]
