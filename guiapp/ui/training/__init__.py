"""Widgets of the Training page: the learning curves and the kernels as they change."""
