"""The gate matrices moved to the IR layer (navm/ir/unitaries.py), where passes can use them too."""

from navm.ir.unitaries import *  # noqa: F401,F403
from navm.ir.unitaries import embed, gate_matrices, u3_matrix  # noqa: F401
