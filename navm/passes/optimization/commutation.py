"""One sweep over the nodes: fuse 1-qubit runs, float diagonal gates through `cz`s, cancel `cz` pairs.

Per qubit the sweep holds the product of the 1-qubit gates seen since its last emitted gate
(`pending`). A `cz` commutes with every diagonal 1-qubit gate on its qubits and with every other
`cz`, so:
- a pending product that is diagonal is not emitted at a `cz` but carried past it, to merge with
  the qubit's next 1-qubit gates (`rz` merging through `cz`, `cz`·`rz`·`cz` → `rz`);
- a pending product that is not diagonal is emitted before the `cz` as one gate (1-qubit fusion);
  a product that is the identity up to a phase is dropped;
- each qubit keeps the `cz`s it has had since its last non-commuting event (a non-diagonal gate, or
  a row the pass does not look into): a `cz a, b` cancels against an earlier live `cz a, b` that
  is in both qubits' sets, since everything on a and b between them commutes with it. With `cx` and
  `swap` entered as H·cz·H, this also cancels `cx` pairs across gates that commute with them
  (an X rotation on the target, a Z rotation on the control, a `cx` sharing the control or the
  target).
Rows the pass does not look into flush their qubits' pending gates before them. The result is
exact up to a global phase.
"""

from __future__ import annotations

from navm.passes.optimization.circuit import ALL, CZ, ONE, Node
from navm.passes.optimization.fusion import EPS, is_identity


def sweep(nodes: list[Node], num_qubits: int) -> list[Node]:
    """The nodes after one sweep (the hot loop of the pass: 2×2 products and tests written out)."""
    out: list = []
    pending: list = [None] * num_qubits  # [matrix, src (a lone, unchanged gate) or -1, loc]
    czs: list[dict[int, int]] = [{} for _ in range(num_qubits)]  # partner -> index in `out`
    dead: set[int] = set()
    append = out.append

    for node in nodes:
        kind = node[0]
        if kind == ONE:
            q = node[1][0]
            p = pending[q]
            if p is None:
                pending[q] = [node[2], node[3], node[4]]
            else:
                a, b, c, d = node[2]
                e, f, g, h = p[0]
                p[0] = (a * e + b * g, a * f + b * h, c * e + d * g, c * f + d * h)
                p[1] = -1
        elif kind == CZ:
            qubits = node[1]
            for q in qubits:
                p = pending[q]
                if p is not None:
                    m = p[0]
                    if abs(m[1]) >= EPS or abs(m[2]) >= EPS:  # not diagonal: emit before the cz
                        append((ONE, (q,), m, p[1], p[2]))
                        pending[q] = None
                        czs[q] = {}
            a, b = qubits
            j = czs[a].get(b)
            if j is not None and czs[b].get(a) == j:
                dead.add(j)
                del czs[a][b], czs[b][a]
            else:
                czs[a][b] = czs[b][a] = len(out)
                append(node)
        else:
            for q in (range(num_qubits) if kind == ALL else node[1]):
                p = pending[q]
                if p is not None:
                    if not is_identity(p[0]):
                        append((ONE, (q,), p[0], p[1], p[2]))
                    pending[q] = None
                if czs[q]:
                    czs[q] = {}
            append(node)
    for q in range(num_qubits):
        p = pending[q]
        if p is not None and not is_identity(p[0]):
            append((ONE, (q,), p[0], p[1], p[2]))
    if dead:
        out = [node for i, node in enumerate(out) if i not in dead]
    return out
