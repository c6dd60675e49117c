"""What a user gets wrong with bloqade kernels: a NavmError naming the statement and its line,
or the file, attribute or argument at fault; never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from navm.diagnostics import NavmError
from navm.frontend import language_of, load
from navm.frontend.kirin import load_kernel, load_kernel_file

HERE = Path(__file__).parent
BAD = HERE / "bad_kernels.py"


def marked_line(marker: str) -> int:
    lines = BAD.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.endswith(f"# navm-error: {marker}"))


@pytest.fixture(scope="module")
def bad():
    pytest.importorskip("bloqade")
    from tests.frontend.kirin import bad_kernels

    return bad_kernels


@pytest.mark.parametrize("name, marker, statement", [
    ("leaks", "leaks", "squin.noise.qubit_leakage"),
    ("feedback", "feedback", "scf.if"),
    ("qasm2_feedback", "qasm2_feedback", "scf.if"),
    ("nested", "nested", "squin.noise.correlated_qubit_loss"),  # inside a sub-kernel: its own line
])
def test_unsupported_statement_is_named_at_its_line(bad, name, marker, statement):
    with pytest.raises(NavmError) as caught:
        load_kernel(getattr(bad, name))
    err = caught.value
    assert f"unsupported statement `{statement}`" in err.message
    assert err.loc is not None and Path(err.loc.file).resolve() == BAD.resolve()
    assert err.loc.line == marked_line(marker)
    assert f"# navm-error: {marker}" in err.render()  # the source line is quoted


@pytest.mark.parametrize("name, message", [
    ("out_of_range", r"`py.indexing.getitem`: index 5 is out of range \(it holds 2\)"),
    ("uneven", r"`squin.gate.cx` got qubit lists of different lengths \(2 and 1\)"),
    ("same_qubit_twice", "`squin.gate.cx` acts on qubit 0 more than once"),
    ("gate_on_a_number", r"`squin.gate.h` expects qubits, got IList\(\[3\]\)"),
    ("negative_register", "`qasm2.core.qreg.new` needs a size that is a non-negative integer, got -1"),
    ("measure_sizes", r"`qasm2.core.measure` measures 2 qubit\(s\) into 3 bit\(s\)"),
    ("bit_out_of_range", r"`qasm2.core.creg.get`: index 3 is out of range \(it holds 1\)"),
])
def test_bad_operands_are_errors_at_their_line(bad, name, message):
    with pytest.raises(NavmError, match=message) as caught:
        load_kernel(getattr(bad, name))
    assert caught.value.loc.line == marked_line(name)


def test_measurement_dependent_branch_says_why(bad):
    with pytest.raises(NavmError, match="measurement-dependent control flow is not supported"):
        load_kernel(bad.feedback)


def test_unbound_kernel_arguments_are_named(bad):
    with pytest.raises(NavmError, match=r"kernel 'takes_angle' takes arguments \(theta\); bind them") as caught:
        load_kernel(bad.takes_angle)
    assert caught.value.loc.line == marked_line_of_def("takes_angle")


def test_wrong_number_of_arguments(bad):
    with pytest.raises(NavmError, match=r"takes 1 argument\(s\) \(theta\), got 2"):
        load_kernel(bad.takes_angle, (0.1, 0.2))


def test_non_numeric_argument_is_an_error(bad):
    with pytest.raises(NavmError, match="could not unroll kernel .takes_angle.: TypeError: unsupported operand"):
        load_kernel(bad.takes_angle, ("half",))


def test_an_argument_that_is_not_a_real_number(bad):
    with pytest.raises(NavmError, match="`squin.gate.rx` needs a number, got complex"):
        load_kernel(bad.takes_angle, (1j,))


def test_load_kernel_rejects_what_is_not_a_kernel():
    pytest.importorskip("bloqade")
    with pytest.raises(NavmError, match="expects a bloqade kernel .* not function"):
        load_kernel(lambda: None)


def marked_line_of_def(name: str) -> int:
    lines = BAD.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(f"def {name}(")) - 1  # the decorator


# --- FILE.py:NAME ------------------------------------------------------------------------------


def test_python_files_are_the_kirin_language():
    assert language_of("examples/kirin/ghz.py:main") == "kirin"
    assert language_of("ghz.py") == "kirin"


@pytest.mark.parametrize("spec, message", [
    ("no/such/file.py:main", "no such file"),
    (f"{BAD}", "name the kernel after the file, as in"),
    (f"{BAD}:", "name the kernel after the file"),
    (f"{BAD}:not-a-name", "'not-a-name' is not a Python name"),
    (f"{BAD}:missing", "has no attribute 'missing'"),
    (f"{BAD}:NOT_A_KERNEL", "NOT_A_KERNEL is a int, not a bloqade kernel"),
])
def test_bad_kernel_spec(spec, message):
    pytest.importorskip("bloqade")
    with pytest.raises(NavmError, match=message):
        load(spec)


def test_missing_attribute_in_a_file_without_kernels(tmp_path):
    pytest.importorskip("bloqade")
    plain = tmp_path / "plain.py"
    plain.write_text("X = 1\n")
    with pytest.raises(NavmError, match="has no attribute 'main'") as caught:
        load_kernel_file(f"{plain}:main")
    assert caught.value.notes == ("it defines no kernels",)


def test_missing_attribute_lists_the_kernels_there():
    pytest.importorskip("bloqade")
    with pytest.raises(NavmError) as caught:
        load_kernel_file(f"{BAD}:missing")
    (note,) = caught.value.notes
    assert note.startswith("kernels in it: ") and "feedback" in note and "leaks" in note


def test_file_that_is_not_python(tmp_path):
    pytest.importorskip("bloqade")
    bad = tmp_path / "broken.py"
    bad.write_text("from bloqade import squin\n\ndef main(:\n    pass\n")
    with pytest.raises(NavmError, match="not valid Python") as caught:
        load_kernel_file(f"{bad}:main")
    assert caught.value.loc.line == 3


def test_file_whose_import_fails(tmp_path):
    pytest.importorskip("bloqade")
    bad = tmp_path / "raises.py"
    bad.write_text("raise RuntimeError('no device today')\n")
    with pytest.raises(NavmError, match="importing it failed: RuntimeError: no device today"):
        load_kernel_file(f"{bad}:main")


def test_kernel_that_bloqade_cannot_build(tmp_path):
    """kirin rejects the kernel while the file is imported (qasm2.main has no loops)."""
    pytest.importorskip("bloqade")
    bad = tmp_path / "loop.py"
    bad.write_text("from bloqade import qasm2\n\n@qasm2.main\ndef main():\n    q = qasm2.qreg(2)\n"
                   "    for i in range(2):\n        qasm2.h(q[i])\n")
    with pytest.raises(NavmError, match="kirin could not build this kernel: BuildError: unsupported call") as caught:
        load_kernel_file(f"{bad}:main")
    assert caught.value.loc.line == 6 and caught.value.loc.file.endswith("loop.py")


def test_sibling_modules_can_be_imported(tmp_path):
    pytest.importorskip("bloqade")
    (tmp_path / "helpers_for_navm_test.py").write_text("N = 3\n")
    main = tmp_path / "main.py"
    main.write_text("from bloqade import squin\nfrom helpers_for_navm_test import N\n\n@squin.kernel\n"
                    "def main():\n    q = squin.qalloc(N)\n    squin.h(q[0])\n")
    module = load_kernel_file(f"{main}:main")
    (op,) = module.body.block.ops
    assert op.qubit_placement.num_qubits == 3
    assert str(tmp_path) not in sys.path


def test_missing_extra_says_how_to_install(monkeypatch):
    for name in ("bloqade", "kirin"):
        monkeypatch.setitem(sys.modules, name, None)  # what `import bloqade` sees without the extra
    with pytest.raises(NavmError, match=r"pip install navm\[kirin\]"):
        load("examples/kirin/ghz.py:main")
    with pytest.raises(NavmError, match=r"pip install navm\[kirin\]"):
        load_kernel(object())
