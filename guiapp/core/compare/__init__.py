"""Two networks, one input: how their layers pair, how alike they are inside (CKA), where they differ on the
test digits, and the randomised twin whose evidence maps show whether a method explains the model at all."""

# The package's modules; each names what it exports in its own __all__.
__all__ = ["cka", "live_similarity", "pairing", "sanity", "test_set", "twin"]
