"""Strict JSON with source positions (Lark), and JSON Schema validation with positions.

`parse_json(text, file)` → `JsonDocument` (plain values + `locate(path)`);
`validate(doc, schema, what=...)` raises NavmError at the failing value.
"""

from navm.frontend.json_source.document import MAX_DEPTH, JsonDocument, parse_json, trusted_json
from navm.frontend.json_source.validation import validate

__all__ = ["MAX_DEPTH", "JsonDocument", "parse_json", "trusted_json", "validate"]
