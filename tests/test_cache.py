"""navm's on-disk caches (navm/cache.py): the folder, NAVM_NO_CACHE, the VM's object code, JAX's compiled
statevector kernels. Each cache must be used when warm, give identical results, and ignore a damaged file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from navm import cache
from navm.runtime.vm import execute
from navm.runtime.vm.compiled import kernel

ROOT = Path(__file__).resolve().parents[1]
LATTICE = (ROOT / "examples" / "lattice.qbc").read_text()


@pytest.fixture
def cache_root(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "navm-cache"
    monkeypatch.setenv("NAVM_CACHE_DIR", str(root))
    monkeypatch.delenv("NAVM_NO_CACHE", raising=False)
    return root


# --- the folder ---------------------------------------------------------------------------------------


def test_cache_dir_is_under_navm_cache_dir(cache_root):
    folder = cache.cache_dir("vm")
    assert folder == cache_root / "vm" and folder.is_dir()


def test_xdg_cache_home_is_used_without_navm_cache_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("NAVM_CACHE_DIR", raising=False)
    monkeypatch.delenv("NAVM_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir("lark") == tmp_path / "navm" / "lark"


@pytest.mark.parametrize("value", ["1", "yes"])
def test_navm_no_cache_turns_every_cache_off(cache_root, monkeypatch, value):
    monkeypatch.setenv("NAVM_NO_CACHE", value)
    assert cache.cache_dir("vm") is None
    assert cache.lark_cache("qbc") is False
    assert not cache_root.exists()


def test_navm_no_cache_zero_means_on(cache_root, monkeypatch):
    monkeypatch.setenv("NAVM_NO_CACHE", "0")
    assert cache.cache_dir("vm") == cache_root / "vm"


def test_an_unwritable_cache_folder_is_not_used(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NAVM_CACHE_DIR", str(blocker))
    monkeypatch.delenv("NAVM_NO_CACHE", raising=False)
    assert cache.cache_dir("vm") is None


# --- the VM's object code -------------------------------------------------------------------------------


def _lattice(n: int = 300) -> str:
    line = next(ln for ln in LATTICE.splitlines() if ln.startswith(".define N "))
    return LATTICE.replace(line, f".define N {n}")


def _fresh_run(text: str):
    """The compiled engine on `text`, the per-process kernel cache cleared first; (result, STATS change)."""
    kernel._CACHE.clear()
    before = dict(kernel.STATS)
    result = execute(text, engine="compiled")
    return result, {k: kernel.STATS[k] - before[k] for k in before}


def test_vm_kernel_is_compiled_once_then_loaded_from_disk(cache_root):
    text = _lattice()
    first, stats = _fresh_run(text)
    assert stats == {"compiled": 1, "loaded": 0}
    objects = list((cache_root / "vm").glob("*.o"))
    assert len(objects) == 1
    second, stats = _fresh_run(text)
    assert stats == {"compiled": 0, "loaded": 1}
    assert second == first  # registers, memory, stack, steps: bit for bit


def test_vm_kernels_of_different_programs_are_kept_apart(cache_root):
    a, _ = _fresh_run(_lattice(300))
    b, _ = _fresh_run(_lattice(301))
    assert len(list((cache_root / "vm").glob("*.o"))) == 2
    a2, stats = _fresh_run(_lattice(300))
    assert stats == {"compiled": 0, "loaded": 1} and a2 == a and a2 != b


def test_vm_cache_off_writes_nothing(cache_root, monkeypatch):
    monkeypatch.setenv("NAVM_NO_CACHE", "1")
    text = _lattice()
    first, stats = _fresh_run(text)
    second, stats2 = _fresh_run(text)
    assert stats == stats2 == {"compiled": 1, "loaded": 0}
    assert first == second
    assert not cache_root.exists()


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_vm_object_file_is_ignored_and_replaced(cache_root, damage):
    text = _lattice()
    first, _ = _fresh_run(text)
    (path,) = (cache_root / "vm").glob("*.o")
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
    elif damage == "garbage":
        path.write_bytes(os.urandom(len(data)))
    else:
        path.write_bytes(b"")
    again, stats = _fresh_run(text)
    assert stats == {"compiled": 1, "loaded": 0}
    assert again == first
    assert path.read_bytes() == data  # written again, whole
    third, stats = _fresh_run(text)
    assert stats == {"compiled": 0, "loaded": 1} and third == first


def test_vm_cache_key_covers_the_pipeline_and_the_libraries(cache_root, monkeypatch):
    text = _lattice()
    _fresh_run(text)
    monkeypatch.setattr(kernel, "PIPELINE", kernel.PIPELINE + "-changed")
    _, stats = _fresh_run(text)
    assert stats == {"compiled": 1, "loaded": 0}
    assert len(list((cache_root / "vm").glob("*.o"))) == 2


# --- JAX's compiled statevector kernels -------------------------------------------------------------------

# One fresh process: simulate a Bell pair, count JAX's persistent-cache hits and misses.
_JAX_RUN = r"""
import json, sys
import jax.monitoring
events = {"hits": 0, "misses": 0}
def listen(name, **kwargs):
    if name == "/jax/compilation_cache/cache_hits":
        events["hits"] += 1
    elif name == "/jax/compilation_cache/cache_misses":
        events["misses"] += 1
jax.monitoring.register_event_listener(listen)
from navm.api import compile
from navm.backends.statevector import simulate
c = compile("examples/qbc/bell.qbc")
r = simulate(c.table, c.num_qubits, shots=2000, seed=5, keep_records=False)
print(json.dumps({"counts": r.counts, **events}))
"""


def _jax_process(cache_root: Path, *, no_cache: bool = False) -> tuple[dict, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NAVM_NO_CACHE", "JAX_COMPILATION_CACHE_DIR")}
    env["NAVM_CACHE_DIR"] = str(cache_root)
    if no_cache:
        env["NAVM_NO_CACHE"] = "1"
    proc = subprocess.run([sys.executable, "-c", _JAX_RUN], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


def test_jax_kernels_are_reused_by_a_second_process(cache_root):
    first, _ = _jax_process(cache_root)
    assert first["misses"] > 0 and first["hits"] == 0
    entries = sorted(p.name for p in (cache_root / "jax").iterdir())
    assert entries
    second, _ = _jax_process(cache_root)
    assert second["hits"] > 0 and second["misses"] == 0
    assert second["counts"] == first["counts"]
    assert sorted(p.name for p in (cache_root / "jax").iterdir()) == entries


def test_jax_cache_off(cache_root):
    first, _ = _jax_process(cache_root, no_cache=True)
    assert first["hits"] == first["misses"] == 0
    assert not cache_root.exists()


def test_damaged_jax_cache_files_are_ignored(cache_root):
    first, _ = _jax_process(cache_root)
    for path in (cache_root / "jax").iterdir():
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    again, stderr = _jax_process(cache_root)
    assert again["counts"] == first["counts"]
    assert "Error reading persistent compilation cache" not in stderr


def test_vm_cache_folder_is_pruned_least_recently_used_first(cache_root, monkeypatch):
    texts = [_lattice(300 + k) for k in range(4)]
    for text in texts:
        _fresh_run(text)
    folder = cache_root / "vm"
    files = sorted(folder.glob("*.o"), key=lambda p: p.stat().st_mtime_ns)
    size = files[0].stat().st_size
    for k, path in enumerate(files):  # distinct, well-separated use times: files[0] the oldest
        os.utime(path, ns=(10**18 + k * 10**9, 10**18 + k * 10**9))
    _fresh_run(texts[[_key_of(t) for t in texts].index(files[0].stem)])  # loading marks files[0] used
    monkeypatch.setattr(kernel, "MAX_CACHE_BYTES", 4 * size + size // 2)
    _fresh_run(_lattice(400))  # a fifth file takes the folder over the limit
    left = {p.name for p in folder.glob("*.o")}
    assert files[0].name in left  # used most recently
    assert files[1].name not in left and files[2].name not in left  # least recently used: dropped
    assert sum(p.stat().st_size for p in folder.glob("*.o")) <= kernel.MAX_CACHE_BYTES * 3 // 4


def _key_of(text: str) -> str:
    """The cache file stem of a program's kernel."""
    from navm.frontend import load_text
    from navm.runtime.vm.compiled import codegen
    from navm.runtime.vm.compiled.cfg import build_cfg
    from navm.runtime.vm.compiled.program import decode_program
    from navm.runtime.vm.compiled.register_types import infer_block_states

    program = decode_program(load_text(text, "qbc"))
    cfg = build_cfg(program)
    ir = codegen.generate_kernel(program, cfg, infer_block_states(program, cfg)).ir
    return kernel._object_path(ir, kernel._target_machine()).stem
