"""Every revision upgrades and downgrades; the schema at head equals the models."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, make_url, text

import app.models  # noqa: F401
from app.db import Base
from app.migrate import alembic_config, downgrade, upgrade
from tests.conftest import ON_POSTGRES, PG_OWNER_URL


@pytest.fixture
def empty_database_url(tmp_path):
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    url = make_url(PG_OWNER_URL).set(database=make_url(PG_OWNER_URL).database + "_migrations")
    rendered = url.render_as_string(hide_password=False)
    downgrade(rendered, "base")
    return rendered


def _revisions(url):
    script = ScriptDirectory.from_config(alembic_config(url))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_history_is_linear_and_file_names_follow_the_convention(empty_database_url):
    script = ScriptDirectory.from_config(alembic_config(empty_database_url))
    assert len(script.get_heads()) == 1
    for revision in script.walk_revisions():
        name = os.path.basename(revision.path)
        date, time, rev, *_slug = name.split("_")
        assert len(date) == 8 and len(time) == 4 and rev == revision.revision, name


def test_every_revision_upgrades_and_downgrades(empty_database_url):
    revisions = _revisions(empty_database_url)
    for revision in revisions:
        upgrade(empty_database_url, revision)
        downgrade(empty_database_url, "-1")
        upgrade(empty_database_url, revision)
    downgrade(empty_database_url, "base")
    tables = set(inspect(create_engine(empty_database_url)).get_table_names())
    assert tables <= {"alembic_version"}


def test_schema_at_head_matches_the_models(empty_database_url):
    upgrade(empty_database_url)
    engine = create_engine(empty_database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
        if ON_POSTGRES:
            assert conn.execute(text("SELECT count(*) FROM pg_policy")).scalar() >= 4
    assert diff == []
    downgrade(empty_database_url, "base")
