"""The live pipeline: one drawing to every layer's pictures, and the process that computes it."""
