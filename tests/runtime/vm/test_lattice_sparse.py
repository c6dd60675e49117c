"""examples/lattice_sparse.qbc (five regions 4 GiB apart) at small N: both engines agree bit for bit, every
region holds what the header comment says (computed here with NumPy), and nothing else is written.
Also the compiled engine's page pool: growth within the reservation moves nothing, growth beyond it and
the copying fallback give the same results."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from navm.runtime.vm import execute
from navm.runtime.vm.compiled import driver, pool
from navm.runtime.vm.memory import PAGE_WORDS
from tests import qbc_defines
from tests.qbc_defines import with_defines

ROOT = Path(__file__).resolve().parents[3]
SOURCE = (ROOT / "examples" / "lattice_sparse.qbc").read_text(encoding="utf-8")
WORDS = 32  # words written per record
GiB = 1 << 30


def define(name: str) -> int | float:
    return qbc_defines.define(SOURCE, name)


D = {name: define(name) for name in ("NODES", "PHASES", "BELOW", "RIGHT", "HOPS", "NODE_REC", "PHASE_REC",
                                     "BELOW_REC", "RIGHT_REC", "HOP_REC", "SPACING", "HALF", "SQRT3_2",
                                     "ROW_PITCH", "TWO_PI")}
BASES = [D[r] for r in ("NODES", "PHASES", "BELOW", "RIGHT", "HOPS")]
RECS = [D[r] for r in ("NODE_REC", "PHASE_REC", "BELOW_REC", "RIGHT_REC", "HOP_REC")]


def source_for(n: int, w: int) -> str:
    return with_defines(SOURCE, N=n, W=w)


@functools.lru_cache(maxsize=None)
def run(n: int, w: int, engine: str = "reference"):
    return execute(source_for(n, w), engine=engine)


def by_addition(first: np.ndarray, step) -> np.ndarray:
    """(n, WORDS): term 0 = first, term m+1 = term m + step, in float64 one addition at a time."""
    terms = np.empty((len(first), WORDS))
    terms[:, 0] = first
    terms[:, 1:] = np.broadcast_to(np.asarray(step, float).reshape(-1, 1), (len(first), WORDS - 1))
    return np.add.accumulate(terms, axis=1)


def expected(n: int, w: int) -> dict[int, tuple[np.ndarray, bool | np.ndarray]]:
    """Per region base: the (n, WORDS) words' raw 64 bits and whether each is a float."""
    k = np.arange(n)
    row, col = k // w, k % w
    x = ((row % 2) * D["HALF"] + col) * D["SPACING"]
    y = row * D["SPACING"] * D["SQRT3_2"]
    theta = k * D["TWO_PI"] / n
    nodes = np.full((n, WORDS), -1, dtype=np.int64)  # raw bits: ints as themselves, floats' patterns
    nodes[:, 0], nodes[:, 1], nodes[:, 2] = k, row, col
    nodes[:, 3], nodes[:, 4] = x.view(np.int64), y.view(np.int64)
    node_float = np.zeros((n, WORDS), bool)
    node_float[:, 3:5] = True
    hops = k[:, None] + np.arange(WORDS)[None, :] * w
    return {
        D["NODES"]: (nodes, node_float),
        D["PHASES"]: (by_addition(np.zeros(n), theta).view(np.int64), True),
        D["BELOW"]: (by_addition(y, D["ROW_PITCH"]).view(np.int64), True),
        D["RIGHT"]: (by_addition(x, D["SPACING"]).view(np.int64), True),
        D["HOPS"]: (np.where(hops < n, hops, -1), False),
    }


def test_the_regions_are_4_gib_apart_with_records_of_256_to_512_bytes():
    assert BASES == [k * 4 * GiB for k in range(1, 6)]
    assert all(256 <= rec <= 512 for rec in RECS) and D["HOP_REC"] == 512
    assert D["ROW_PITCH"] == pytest.approx(D["SPACING"] * D["SQRT3_2"], rel=1e-15)


@pytest.mark.parametrize("n, w", [(300, 7), (97, 10), (1, 5)])
def test_engines_agree_bit_for_bit(n, w):
    assert run(n, w, "compiled") == run(n, w, "reference")


@pytest.mark.parametrize("n, w", [(300, 7), (97, 10), (40, 444), (1, 5)])
@pytest.mark.parametrize("engine", ["reference", "compiled"])
def test_region_contents(n, w, engine):
    result = run(n, w, engine)
    addrs, bits, is_float = result.memory.words()
    assert len(addrs) == 5 * WORDS * n  # nothing else is written: HOPS words 32..63 stay unwritten
    for base, rec in zip(BASES, RECS):
        want, want_float = expected(n, w)[base]
        got_addrs = base + rec * np.arange(n)[:, None] + 8 * np.arange(WORDS)[None, :]
        i = np.searchsorted(addrs, got_addrs.ravel())
        assert np.array_equal(addrs[i], got_addrs.ravel()), f"region {base:#x}: words missing"
        assert np.array_equal(is_float[i], np.broadcast_to(want_float, (n, WORDS)).ravel())
        assert np.array_equal(bits[i], want.ravel()), f"region {base:#x}"
    assert result.read(D["HOPS"] + 256) == 0 and type(result.read(D["RIGHT"])) is float  # unwritten: int 0


def test_region_reads_typed_tables():
    n, w = 97, 10
    result = run(n, w, "compiled")
    nodes = result.region(D["NODES"], D["NODE_REC"], n, [("id", "int"), ("row", "int"), ("col", "int"),
                                                         ("x", "float"), ("y", "float"), ("reserved", "int")])
    assert nodes["id"].tolist() == list(range(n)) and set(nodes["reserved"].tolist()) == {-1}
    hops = result.region(D["HOPS"], D["HOP_REC"], n, [(f"h{m}", 8 * m, "int") for m in range(64)])
    assert hops["h1"].tolist() == [k + w if k + w < n else -1 for k in range(n)]
    assert not hops["h63"].any()  # unwritten words read as 0


def test_about_600_instructions_per_node():
    per_node = (run(300, 7).steps - run(97, 10).steps) / (300 - 97)
    assert 580 <= per_node <= 640  # about 120 M instructions at N = 196,883


# ------------------------------------------------------------------ the compiled engine's page pool

MANY_PAGES = """
.define N 3000
loop:   QMUL    r2, r1, 4096
        QADD    r2, 0x300000000
        QSTORE  r1, r2
        QMUL    r3, r1, 0.5
        QADD    r2, 8
        QSTORE  r3, r2
        QADD    r1, 1
        QJLT    r1, N, loop
"""


def test_growth_within_the_reservation_moves_nothing():
    p = pool.PagePool()
    if not p.reserved:
        pytest.skip("no reserved address space on this OS")
    bits, tags = p.bits.ctypes.data, p.tags.ctypes.data
    p.bits[:PAGE_WORDS] = 7
    p.grow(p.capacity, 1)
    assert (p.bits.ctypes.data, p.tags.ctypes.data) == (bits, tags)
    kept_bits, kept_tags = p.hand_over(1)
    assert kept_bits.shape == (1, PAGE_WORDS) and (kept_bits == 7).all() and not kept_tags.any()
    assert kept_bits.ctypes.data == bits  # handed over in place


@pytest.mark.parametrize("reserve_pages", [1, 4])
def test_growth_beyond_the_reservation(reserve_pages, monkeypatch):
    monkeypatch.setattr(driver, "PagePool", lambda: pool.PagePool(reserve_pages))
    p = pool.PagePool(reserve_pages)
    p.bits[:PAGE_WORDS] = 5
    p.grow(100, 1)
    assert p.capacity >= 100 and (p.bits[:PAGE_WORDS] == 5).all() and not p.bits[PAGE_WORDS:].any()
    assert p.reserved == pool._LINUX  # on Linux grown by mremap, not by copying
    assert execute(MANY_PAGES) == execute(MANY_PAGES, engine="reference")


def test_the_copying_fallback(monkeypatch):
    monkeypatch.setattr(pool, "_LINUX", False)
    monkeypatch.setattr(pool, "FALLBACK_PAGES", 2)
    assert not pool.PagePool().reserved
    assert execute(MANY_PAGES) == execute(MANY_PAGES, engine="reference")
    assert run(40, 7, "reference") == execute(source_for(40, 7))
