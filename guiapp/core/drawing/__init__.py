"""Drawings and pictures: strokes, stroke files, rasterising and preprocessing for the network."""
