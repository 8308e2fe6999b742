"""The explorer's one line comparing an edited network with where it started: totals, changed, added, removed.

Pure text from two architectures and the edited one's ledger (no Qt). The layers after an invalid one
were not computed (the ledger stops where the network breaks): they are named as such, not as removed.
"""

from __future__ import annotations

from guiapp.core.arithmetic.ledger import Ledger, ledger_for_architecture
from guiapp.core.model.architectures import Architecture

__all__ = ["NOT_COMPUTED", "comparison_text"]

NOT_COMPUTED = "not computed: a layer before is invalid"


def comparison_text(baseline: Architecture, arch: Architecture, ledger: Ledger) -> str:
    """What changed from ``baseline`` to ``arch`` (whose ledger is ``ledger``), in one line."""
    base = ledger_for_architecture(baseline)
    if arch == baseline:
        return (f"{baseline.name} as in the article: {base.total_params:,} parameters. "
                "Edit a layer to see what changes.")
    before = {row.name: row.params for row in base.rows}
    computed = {row.name for row in ledger.rows}
    names = [spec.name for spec in arch.layers]
    changes = [f"{row.name} {before[row.name]:,} → {row.params:,}" for row in ledger.rows
               if row.name in before and before[row.name] != row.params and not row.error]
    added = [row.name for row in ledger.rows if row.name not in before]
    removed = [name for name in before if name not in names]  # gone from the network, not merely unreached
    unreached = [name for name in names if name not in computed]
    if ledger.error:  # the layers after the break have no numbers: there is no total to compare
        parts = [f"vs {baseline.name}: total {base.total_params:,} → none (the network is invalid)"]
    else:
        delta = ledger.total_params - base.total_params
        parts = [f"vs {baseline.name}: total {base.total_params:,} → {ledger.total_params:,} ({delta:+,})"]
    if changes:
        parts.append("changed: " + "; ".join(changes))
    if added:
        parts.append("added: " + ", ".join(added))
    if removed:
        parts.append("removed: " + ", ".join(removed))
    if unreached:
        parts.append(f"{NOT_COMPUTED}: " + ", ".join(unreached))
    return " · ".join(parts)
