"""The Why tab: evidence maps for a class (why_view) and what would make it another (counterfactual_view)."""
