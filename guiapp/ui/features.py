"""Every page and tab of the window, in the order they appear: adding one is a folder and a line here.

Each entry is a :class:`~guiapp.ui.feature.Feature` subclass, built with the window's
:class:`~guiapp.ui.feature.Door`. The live page ("Live network") is built first, by the window, since the
tabs sit beside its feature maps.
"""

from __future__ import annotations

from guiapp.ui.compare.feature import CompareFeature
from guiapp.ui.explain.feature import ExplainFeature
from guiapp.ui.explorer.feature import ExplorerFeature
from guiapp.ui.feature import FeatureFactory
from guiapp.ui.kernels.feature import KernelsFeature
from guiapp.ui.ledger.feature import LedgerFeature
from guiapp.ui.map_detail.feature import MapDetailFeature
from guiapp.ui.playground.feature import PlaygroundFeature
from guiapp.ui.preprocess.feature import PreprocessFeature
from guiapp.ui.trace.feature import TraceFeature
from guiapp.ui.training.feature import TrainingFeature
from guiapp.ui.where.feature import WhereFeature

#: The tabs beside the live page's feature maps.
TABS: tuple[FeatureFactory, ...] = (LedgerFeature, ExplainFeature, WhereFeature, TraceFeature, KernelsFeature,
                                    MapDetailFeature, PreprocessFeature)
#: The pages after "Live network".
PAGES: tuple[FeatureFactory, ...] = (PlaygroundFeature, ExplorerFeature, TrainingFeature, CompareFeature)
