"""Where a drawing stands among the test digits: the network's own features, neighbours, the mistakes."""
