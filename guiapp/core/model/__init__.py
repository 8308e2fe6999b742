"""The model: reading it, running it (NumPy or TensorFlow engine), its card and the architectures we build."""
