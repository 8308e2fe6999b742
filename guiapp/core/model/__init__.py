"""The model: reading it, running it (NumPy or TensorFlow engine), its card and the architectures we build."""

# The package's modules; each names what it exports in its own __all__.
__all__ = [
    "arch_edit", "architectures", "backend", "class_names", "fingerprint", "inference", "inference_build",
    "inference_result", "keras_engine", "keras_file", "limits", "model_check", "model_file", "modelcard",
    "numpy_backward", "numpy_engine", "param_count",
]
