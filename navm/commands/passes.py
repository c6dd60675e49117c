"""`navm passes`: every registered pass, its one-line purpose and its options as `-p` writes them."""

from __future__ import annotations

import json


def pass_catalogue() -> list[dict]:
    """[{name, purpose, options: [{name, type, default, written, doc}]}] for every pass, by name."""
    from navm.passes import PASSES
    from navm.passes.spec import pass_options

    out = []
    for name in sorted(PASSES):
        cls = PASSES[name]()
        doc = (cls.__doc__ or "").strip()
        module_doc = (__import__(cls.__module__, fromlist=["_"]).__doc__ or "").strip()
        purpose = _first_sentence(module_doc) or _first_sentence(doc)
        options = [{"name": o.name, "type": o.kind + (" or none" if o.optional else ""), "default": o.default,
                    "written": o.written(), "doc": o.doc} for o in pass_options(cls)]
        out.append({"name": name, "purpose": purpose, "options": options})
    return out


def _first_sentence(text: str) -> str:
    """`place`: assign … → the text after the pass name's backticked prefix, up to the first period."""
    first = " ".join(text.split("\n\n")[0].split())
    if first.startswith("`") and "`:" in first:
        first = first.split("`:", 1)[1].strip()
    return first.split(". ")[0].rstrip(".")


def passes_command(*, json_output: bool, console) -> None:
    catalogue = pass_catalogue()
    if json_output:
        print(json.dumps(catalogue, indent=2, default=str))
        return
    lines = ["passes: navm opt FILE -p 'a,b{option=value,...}'; each with its options and their defaults", ""]
    for p in catalogue:
        written = "{" + ",".join(o["written"] for o in p["options"]) + "}" if p["options"] else ""
        lines.append(f"{p['name']}{written}")
        lines.append(f"    {p['purpose']}")
        for o in p["options"]:
            lines.append(f"    {o['name']:<10} {o['type']:<18} {o['doc']}".rstrip())
        lines.append("")
    console.print("\n".join(lines).rstrip(), markup=False, highlight=False)
