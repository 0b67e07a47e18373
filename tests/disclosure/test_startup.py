"""The app refuses to start on a shipped policy set that does not validate, naming the file
and line; with the shipped sets it starts (every other test's app)."""

from __future__ import annotations

import shutil

import pytest

import policies.sets
from app import create_app
from policies import PolicyLoadError, load_set

BROKEN = """// A jurisdiction file with a typo in an entity id.

@id("share_with_polcie")
@reason("share_with_consent")
@explain("Typo.")
permit (principal, action in Action::"share", resource)
when { context.recipient_type == RecipientType::"polcie" };
"""


@pytest.fixture
def broken_sets(tmp_path, monkeypatch):
    shutil.copy(policies.sets.SETS_DIR / "default.cedar", tmp_path / "default.cedar")
    (tmp_path / "example_broken.cedar").write_text(BROKEN)
    monkeypatch.setattr(policies.sets, "SETS_DIR", tmp_path)
    load_set.cache_clear()
    yield
    load_set.cache_clear()


def test_start_up_refuses_a_set_that_does_not_validate(settings, broken_sets):
    with pytest.raises(PolicyLoadError) as refused:
        create_app(settings)
    assert "example_broken.cedar:3" in str(refused.value)
    assert "share_with_polcie" in str(refused.value)
