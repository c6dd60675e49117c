"""The JSON Schemas navm ships are valid schemas (checked here, not at run time: navm/frontend/json_source)."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for

from navm.backends.routing_table.json_mirror import ENTRY_SCHEMA, SCHEMA
from navm.frontend.json_source.schema_check import fast_checker
from navm.frontend.sigma.parser import sigma_schema
from navm.devices import profile_schema

SHIPPED = {"device profile": profile_schema, "sigma": sigma_schema, "routing table": lambda: SCHEMA,
           "routing table entry": lambda: ENTRY_SCHEMA}


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_schema_is_valid_against_its_metaschema(name):
    schema = SHIPPED[name]()
    validator_for(schema, default=Draft202012Validator).check_schema(schema)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_schema_has_a_fast_check(name):
    """Valid documents are accepted without importing jsonschema only if the fast check covers the schema."""
    schema = SHIPPED[name]()
    assert validator_for(schema, default=Draft202012Validator) is Draft202012Validator
    assert fast_checker(schema) is not None
