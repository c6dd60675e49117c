"""Reading a source file as text, the same way and with the same messages for every input language.

QBC, σ documents, OpenQASM 2, IR text, included files and device profiles all
come through `read_source_text`, so a user who hands navm a directory, a
binary file or a Latin-1 file gets one kind of answer whatever the suffix:
`file:line:column: error: …` at the first byte that is not UTF-8 text. A
UTF-8 byte-order mark (which Windows editors write) is dropped; UTF-16 text
is recognised by its mark and named.
"""

from __future__ import annotations

from pathlib import Path

from navm.diagnostics import NavmError, SourceLocation, register_source

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

_FILE_READS_FORBIDDEN: str | None = None
"""Why a program may not read files (its `include`s), or None: set by the job service's workers,
which compile programs sent as text and must not open the server's files for them."""


def forbid_file_reads(reason: str) -> None:
    """From now on, in this process, a program's includes are errors (`reason` says why)."""
    global _FILE_READS_FORBIDDEN
    _FILE_READS_FORBIDDEN = reason


def check_file_reads(name: str, loc: SourceLocation | None) -> None:
    """Raise at `loc` if this process may not read the file a program names (before looking for it,
    so that not even a file's existence shows)."""
    if _FILE_READS_FORBIDDEN is not None:
        raise NavmError(f"cannot include '{name}': {_FILE_READS_FORBIDDEN}", loc)


def read_source_text(path: str | Path, loc: SourceLocation | None = None, *, what: str = "source file") -> str:
    """The text of `path`: UTF-8, a leading byte-order mark dropped. Every failure is a NavmError:
    at `loc` (an include's position) for files that cannot be opened, at the bad byte for bad text."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise NavmError(f"{name}: no such file", loc) from None
    except IsADirectoryError:
        raise NavmError(f"{name} is a directory, not a {what}", loc) from None
    except PermissionError:
        raise NavmError(f"cannot read {name}: permission denied", loc) from None
    except OSError as err:
        raise NavmError(f"cannot read {name}: {err.strerror or err}", loc) from None
    except ValueError:  # a NUL byte in the name
        raise NavmError(f"cannot read {name!r}: not a valid file name", loc) from None
    text = decode_source(data, name)
    register_source(name, text)
    return text


def decode_source(data: bytes, name: str) -> str:
    """Bytes → text as `read_source_text` decodes them, errors located at the offending byte."""
    if data.startswith(_UTF16_BOMS):
        raise NavmError("the file is UTF-16 text; save it as UTF-8", SourceLocation(name, 1, 1),
                        source_text="")
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    nul = data.find(b"\0")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        if 0 <= nul < err.start:
            raise _binary(data, nul, name) from None
        raise _at(data, err.start, name, f"not UTF-8 text (byte 0x{data[err.start]:02x})", "navm reads source files as UTF-8; is this a binary file, or text in another encoding "
                  "(Latin-1, Windows-1252)?") from None
    if nul >= 0:
        raise _binary(data, nul, name)
    return text


def _binary(data: bytes, offset: int, name: str) -> NavmError:
    return _at(data, offset, name, "a NUL byte: this looks like a binary file, not source text",
               "navm reads source files as UTF-8 text")


def _at(data: bytes, offset: int, name: str, message: str, note: str) -> NavmError:
    """A NavmError at byte `offset` of `data`: line and column count characters, as the lexers do."""
    start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    end = data.find(b"\n", offset)
    shown = data[start: end if end >= 0 else len(data)].decode("utf-8", errors="replace")
    shown = "".join(c if c.isprintable() or c == "\t" else "?" for c in shown[: max(column + 20, 80)])
    return NavmError(message, SourceLocation(name, line, column), notes=(note,), source_text=shown)
