"""The Kernels tab: the 3×3 filters of each convolution and the test-digit patches that excite them most."""
