"""Explanations: tracing a unit back to the input, the patches that excite a filter."""
