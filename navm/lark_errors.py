"""A Lark syntax error as a `NavmError` in plain words, for the small line-based grammars (QBC, .naviz).

"unexpected X; expected A, B or C" at the error's file:line:column, with each grammar naming its
terminals in its own words (`words`, in the order they should be listed). OpenQASM 2 has a richer
variant of its own (frontend/qasm2/errors.py: suggestions, keywords).
"""

from __future__ import annotations

from lark.exceptions import UnexpectedCharacters, UnexpectedInput

from navm.diagnostics import NavmError, SourceLocation


def lark_syntax_error(err: UnexpectedInput, file: str, words: dict[str, str],
                      notes: tuple[str, ...] = ()) -> NavmError:
    line, column = getattr(err, "line", None), getattr(err, "column", None)
    loc = SourceLocation(file, line if isinstance(line, int) and line > 0 else 1,
                         column if isinstance(column, int) and column > 0 else 1)
    if isinstance(err, UnexpectedCharacters):
        what = f"character {err.char!r}"
        expected = getattr(err, "allowed", None) or ()
    else:
        token = getattr(err, "token", None)
        if token is None or token.type == "$END":
            what = "end of the file"
        elif token.type == "_NL":
            what = "line break"
        else:
            what = f"'{token}'" if str(token) else "input"
        expected = getattr(err, "expected", None) or ()
    order = list(words)
    names = sorted(set(expected), key=lambda n: (order.index(n) if n in order else len(order), n))
    listed = list(dict.fromkeys(words.get(name, name) for name in names))
    message = f"unexpected {what}"
    if listed:
        message += "; expected " + (", ".join(listed[:-1]) + " or " + listed[-1] if len(listed) > 1 else listed[0])
    return NavmError(message, loc, notes=notes)
