"""The schema's enumerations and the Python vocabulary (and the app's roles) agree."""

from __future__ import annotations

import enum
import re

import pytest

from app.auth.models import Role
from policies import load_set
from policies.vocabulary import FieldGroup, LegalBasis, Purpose, RecipientType

ENUMS: dict[str, type[enum.StrEnum]] = {
    "FieldGroup": FieldGroup,
    "RecipientType": RecipientType,
    "Purpose": Purpose,
    "LegalBasis": LegalBasis,
    "Role": Role,
}


def _schema_enums() -> dict[str, set[str]]:
    # str(Schema) is Cedar's own normalised rendering: one `entity X enum [...]` each.
    rendered = str(load_set("default").schema)
    found = re.findall(r"entity (\w+) enum \[([^\]]*)\];", rendered)
    return {name: set(re.findall(r'"([^"]+)"', values)) for name, values in found}


@pytest.mark.parametrize("name", sorted(ENUMS))
def test_schema_enumerates_exactly_the_vocabulary(name: str) -> None:
    assert _schema_enums()[name] == {str(member) for member in ENUMS[name]}
