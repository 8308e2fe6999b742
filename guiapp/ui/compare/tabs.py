"""The Compare page's tabs, in order: their indices, and their names on the command line (--compare-tab)."""

LAYERS, EVIDENCE, INSIDE, TEST_SET, SANITY = range(5)
TAB_NAMES = ("layers", "evidence", "cka", "test", "sanity")
