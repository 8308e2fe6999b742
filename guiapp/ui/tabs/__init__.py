"""The tabs beside the live network: ledger, trace, kernels, selected map, preprocessing."""
