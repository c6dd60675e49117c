"""Every trap, from both engines: a VMTrap with the documented message, naming the source line."""

from __future__ import annotations

import pytest

from navm.diagnostics import NavmError
from navm.runtime.vm import VMTrap, execute

ENGINES = ("reference", "compiled")

TRAPS = [
    # (program, line of the trapping instruction, message fragment)
    ("QMOV r1, 4\nQDIV r1, 0\n", 2, "division by zero"),
    ("QMOV r1, 4.5\nQMOV r2, 0\nQDIV r1, r2\n", 3, "division by zero"),
    ("QMOV r2, -0.0\nQMOD r1, 3, r2\n", 2, "modulo by zero"),
    ("QSTORE 1, 12\n", 1, "address 12 is not a multiple of 8"),
    ("QMOV r3, -4\nQLOAD r1, r3\n", 2, "address -4 is not a multiple of 8"),
    ("QMOV r3, 8.0\nQLOAD r1, r3\n", 2, "address 8.0 is not an int"),
    ("QPUSH r1\nQPOP r1\nQPOP r2\n", 3, "QPOP on an empty value stack"),
    ("QMOV r1, 1\nQRET\n", 2, "QRET with an empty call stack"),
    ("loop: QADD r1, 1\nQJMP loop\n", None, "step limit of 1001 reached"),
    ("QMOV r1, 1\nQH q0\n", 2, "needs a quantum backend"),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("program,line,message", TRAPS, ids=[t[2] for t in TRAPS])
def test_trap(engine, program, line, message):
    with pytest.raises(VMTrap) as err:
        execute(program, engine=engine, max_steps=1001)
    assert message in err.value.message
    assert err.value.loc is not None
    if line is not None:
        assert err.value.loc.line == line
    assert isinstance(err.value, NavmError)


@pytest.mark.parametrize("engine", ENGINES)
def test_step_limit_names_the_instruction_it_stopped_before(engine):
    src = "QMOV r1, 1\nQMOV r2, 2\nQMOV r3, 3\n"
    with pytest.raises(VMTrap) as err:
        execute(src, engine=engine, max_steps=2)
    assert err.value.loc.line == 3
    assert execute(src, engine=engine, max_steps=3).steps == 3


@pytest.mark.parametrize("engine", ENGINES)
def test_trap_in_an_included_file_names_that_file(engine, tmp_path):
    (tmp_path / "lib.qbc").write_text("divide:\n    QDIV r1, r2\n    QRET\n")
    main = tmp_path / "main.qbc"
    main.write_text('.entry_point start\n.include "lib.qbc"\nstart:\n    QMOV r1, 7\n    QCALL divide\n')
    with pytest.raises(VMTrap) as err:
        execute(main, engine=engine)
    assert err.value.loc.file.endswith("lib.qbc") and err.value.loc.line == 2


def test_trap_is_reported_by_the_cli_style_formatter():
    with pytest.raises(VMTrap) as err:
        execute("QMOV r1, 1\nQMOD r1, 0\n", engine="compiled")
    text = str(err.value)
    assert ":2:" in text and "modulo by zero" in text
