"""The folders and files a window reads and writes outside its settings, given to it whole.

The window and its wirings never look these up themselves: whoever builds the window (the
command line, a test) chooses them, so a test's window writes into the test's folders and a
user's into the user's. Shipped files (the models, MNIST) are :mod:`guiapp.paths`'s business.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from guiapp.ui.kernels.patch_worker import default_cache_dir
from guiapp.ui.settings import trained_models_dir
from guiapp.ui.where.where_worker import default_where_cache

# The Where tab's test digits from another file (a .npz with x_test, y_test) than the MNIST copy guiapp ships:
# the tests point it at a slice, so a `guiapp --screenshot --where` run in a test fits in seconds.
WHERE_DIGITS_ENV = "GUIAPP_WHERE_DIGITS"


@dataclass(frozen=True)
class WindowPaths:
    """Where one window keeps its caches and trained models, and which test digits its Where tab reads."""

    filter_patches: Path  # each filter's favourite MNIST patches, one file per model
    where_cache: Path  # the Where tab's features and maps, per model
    where_digits: Path | None  # the digits the Where tab compares with; None: the MNIST copy shipped with guiapp
    trained_models: Path  # the models, cards and histories the Training page writes

    @classmethod
    def default(cls) -> WindowPaths:
        """The user's folders (e.g. ~/.cache/guiapp/…, ~/.local/share/guiapp/models) and the shipped digits."""
        return cls(default_cache_dir(), default_where_cache(), None, trained_models_dir())

    @classmethod
    def from_environment(cls, env: Mapping[str, str] = os.environ) -> WindowPaths:
        """:meth:`default`, the caches and models following XDG_CACHE_HOME / XDG_DATA_HOME as Qt reads them,
        the Where tab's digits from ``$GUIAPP_WHERE_DIGITS`` when it is set."""
        paths = cls.default()
        digits = env.get(WHERE_DIGITS_ENV)
        return replace(paths, where_digits=Path(digits)) if digits else paths
