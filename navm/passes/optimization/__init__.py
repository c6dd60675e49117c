"""The pieces of the `optimize` pass (navm/passes/optimize.py).

- `circuit`: the working form of a gate table (1-qubit gates as 2×2 matrices, every 2-qubit gate as
  `cz` between 1-qubit gates) and the table built back from it;
- `fusion`: 1-qubit matrices of the rows, and a fused matrix as `u3`/`rz` (or `r`/`rz`) rows;
- `commutation`: one sweep that fuses 1-qubit runs, floats diagonal gates through `cz`s and cancels
  `cz` pairs that meet across commuting gates;
- `resynthesis`: maximal 2-qubit blocks, their unitaries, the fewest `cz`s each needs, and the KAK
  synthesis of those that need fewer than they have.
"""
