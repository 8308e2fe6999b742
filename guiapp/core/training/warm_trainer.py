"""One trainer child kept warm (TensorFlow loaded, waiting) so that Start does not wait for imports.

Loading TensorFlow in a fresh process takes ~15 s on a two-core laptop: a lecturer pressing Start would
watch "TensorFlow loads first". The Training page asks :meth:`TrainerPool.warm` when it first comes on
screen and again after every run (a child trains one run: its graphs and memory go with it), so there is
always one spare; :meth:`TrainerPool.take` hands it its run — or starts a cold one if there is none.
The spare also builds and traces the default preset's network while it waits, so a run of it shows its
first batch in about a second (benchmarks/training.py --first-batch), not after ~1.5 s of Keras' tracing.
The spare is niced like every trainer and idles in a blocking read once warm: it costs memory
(~0.5 GB), not time.
"""

from __future__ import annotations

from collections.abc import Callable

from guiapp.core.training.trainer_process import RunRequest, TrainerProcess

__all__ = ["TrainerPool"]


class TrainerPool:
    """At most one warm :class:`TrainerProcess` waiting for a run; ``started`` counts the children started."""

    def __init__(self, factory: Callable[[], TrainerProcess] = TrainerProcess) -> None:
        self._factory = factory
        self._spare: TrainerProcess | None = None
        self.started = 0

    @property
    def spare(self) -> TrainerProcess | None:
        """The child waiting for a run, if it is still alive."""
        if self._spare is not None and (self._spare.ended or not self._spare.alive):
            self._spare.close()  # it died warming up (its one line is lost with it: a cold start will say it)
            self._spare = None
        return self._spare

    def warm(self) -> None:
        """Start a spare unless one is already there (or warming)."""
        if self.spare is None:
            self._spare = self._factory()
            self.started += 1

    def take(self, request: RunRequest) -> tuple[TrainerProcess, bool]:
        """A child running ``request``, and whether it was warm (TensorFlow already loaded in it)."""
        process = self.spare
        self._spare = None
        if process is None:
            process = self._factory()
            self.started += 1
        warm = process.check_ready()
        process.begin(request)
        return process, warm

    def close(self) -> None:
        """End the spare (the window is closing)."""
        if self._spare is not None:
            self._spare.close()
            self._spare = None
