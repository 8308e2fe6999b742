"""The Where tab: the test digits nearest the drawing, a map of the network's view, and its mistakes."""
