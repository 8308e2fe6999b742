"""Data and training: MNIST and drawn-digit data, training and evaluation."""
