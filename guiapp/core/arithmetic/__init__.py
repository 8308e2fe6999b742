"""Layer arithmetic: shapes, parameter counts and the formulas that produce them; receptive fields."""
