"""paths: the shipped files are found in the checkout."""

from __future__ import annotations

from guiapp import paths


def test_shipped_files_exist_in_the_checkout():
    assert paths.MODELS_DIR.is_dir() and paths.RESOURCES_DIR.is_dir()
    for path in (paths.DEFAULT_MODEL, paths.SEED_MODEL, paths.MNIST_SAMPLES, paths.MNIST):
        assert path.is_file(), path
    assert paths.DEFAULT_MODEL.name == "mnist_cnn_drawn.keras"
    assert paths.SEED_MODEL.name == "mnist_cnn.keras"
    assert len(paths.MNIST_SHA256) == 64 and int(paths.MNIST_SHA256, 16) >= 0


def test_checkout_layout_is_beside_the_package():
    assert paths.MODELS_DIR == paths.PACKAGE_DIR.parent / "models" or paths.MODELS_DIR.parent.name == "_shipped"
    assert paths._shipped("resources") == paths.RESOURCES_DIR
