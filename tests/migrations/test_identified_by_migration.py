"""Migration 0007 turns the free text of identified_by into a body from the list: known
values to their body, anything else to "other"; the text itself is not kept."""

from __future__ import annotations

import uuid

from sqlalchemy import MetaData, create_engine, insert, select, text

from app.migrate import upgrade
from tests.migrations.test_migrations import empty_database_url  # noqa: F401 - fixture

TYPED = {
    "Police": "police",
    "gendarmerie nationale": "police",
    "NRM": "nrm_competent_authority",
    "Labour inspectorate, Lyon": "labour_inspectorate",
    "ngo": "ngo",
    "Tribunal de Lyon": "court",
    "Border police": "police",
    "<script>alert(1)</script>": "other",
    "Officer Jean Martin": "other",
    "": None,
}


def test_free_text_becomes_a_body_from_the_list(empty_database_url):  # noqa: F811
    upgrade(empty_database_url, "0006")
    engine = create_engine(empty_database_url)
    meta = MetaData()
    meta.reflect(engine, only=["organisations", "clients"])
    postgres = engine.dialect.name == "postgresql"

    def uid() -> uuid.UUID | str:  # reflected SQLite columns are CHAR(32): hex strings
        made = uuid.uuid4()
        return made if postgres else made.hex

    org = uid()
    with engine.begin() as conn:
        conn.execute(insert(meta.tables["organisations"]).values(
            id=org, name="North", slug="north", kind="shelter", country="FR",
            default_locale="en", created_at=text("CURRENT_TIMESTAMP"),
        ))  # fmt: skip
        if postgres:
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(org)})
        for i, typed in enumerate(TYPED):
            conn.execute(insert(meta.tables["clients"]).values(
                tenant_id=org, id=uid(), code=f"K7-TEST-{i:02d}", gender="not_stated",
                age_band="unknown", is_minor=False, languages=[], forms_of_exploitation=[],
                sector="unknown", movement="unknown", victim_status="potential",
                identified_by=typed, referral_source="unknown",
                created_at=text("CURRENT_TIMESTAMP"),
            ))  # fmt: skip
    upgrade(empty_database_url, "0007")
    clients = meta.tables["clients"]
    with engine.begin() as conn:
        if postgres:
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(org)})
        found = dict(conn.execute(select(clients.c.code, clients.c.identified_by)).all())
    assert [found[f"K7-TEST-{i:02d}"] for i in range(len(TYPED))] == list(TYPED.values())
    engine.dispose()
