"""Helpers of the `place` and `route` passes: the site graph, the interaction graph,
embedding, greedy placement and SWAP routing. Each pass stays one module in navm/passes/."""
