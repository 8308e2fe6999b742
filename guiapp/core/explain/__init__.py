"""Explanations: tracing a unit back to the input, the patches that excite a filter."""

# The package's modules; each names what it exports in its own __all__.
__all__ = [
    "attribution", "counterfactual", "explanation", "filter_patches", "gradcam", "gradients", "heatmap",
    "integrated_gradients", "keras_gradients", "numpy_gradients", "occlusion", "trace", "trace_text",
]
