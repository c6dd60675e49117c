"""Write the rotated surface-code memory-Z examples next to this script.

    .venv/bin/python examples/surface_code/generate.py

One QBC program per distance (d rounds, uniform noise p = 0.005), as
tests/backends/test_stim_surface_code.py samples them against stim's own
generated circuit. Edit navm/codes/surface_code.py, not the .qbc files.
"""

from __future__ import annotations

from pathlib import Path

from navm.codes.surface_code import rotated_memory_z_qbc

HERE = Path(__file__).parent
DISTANCES = (3, 5)
P = 0.005


def example_name(distance: int) -> str:
    return f"memory_z_d{distance}.qbc"


def main() -> None:
    for d in DISTANCES:
        path = HERE / example_name(d)
        path.write_text(rotated_memory_z_qbc(d, d, P), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
