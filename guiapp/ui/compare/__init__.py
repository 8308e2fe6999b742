"""The Compare page: two networks on one drawing — maps side by side, evidence, CKA, the test set, the sanity check."""
