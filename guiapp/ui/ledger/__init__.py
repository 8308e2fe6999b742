"""The Ledger tab: each layer's shape and parameter count with the arithmetic that produces them."""
