"""The target size: 196,883 entries emit and decode losslessly (the benchmark times it)."""

from __future__ import annotations

import numpy as np

from navm.backends.routing_table import load, save
from tests.backends.routing_table.tables import grid_table

N = 196_883


def test_full_size_round_trip(tmp_path):
    table = grid_table(N)
    size = save(table, tmp_path / "big.bin")
    assert size == 512 + 128 * N == (tmp_path / "big.bin").stat().st_size
    back = load(tmp_path / "big.bin")
    assert back == table
    k = np.array([0, 1, 98_765, N - 1])
    assert back.nearest_sigma(8.0 * k / N).tolist() == k.tolist()
    assert back.find_node(N - 1)["neighbours"] == table.find_node(N - 1)["neighbours"]
