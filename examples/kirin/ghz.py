"""A GHZ state on four qubits, written as a bloqade squin kernel.

    navm compile examples/kirin/ghz.py:main
    navm run examples/kirin/ghz.py:main

docs/kirin.md walks through what navm does with it.
"""

from bloqade import squin

N = 4


@squin.kernel
def main():
    q = squin.qalloc(N)
    squin.h(q[0])
    for i in range(N - 1):
        squin.cx(q[i], q[i + 1])
    squin.broadcast.measure(q)
