"""The live page: canvas, feature maps, network input, probabilities, and the worker that feeds them."""
