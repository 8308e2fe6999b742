"""Layer arithmetic: shapes, parameter counts and the formulas that produce them; receptive fields."""

# The package's modules; each names what it exports in its own __all__.
__all__ = ["conv_arithmetic", "conv_grid", "layer_formulas", "ledger", "ledger_table", "receptive_field"]
