"""axe-core (WCAG 2.1 A and AA rules) over every role's main screens, in Chromium, in
English and (the caseworker's) in Arabic.

axe-core is the npm package, installed by ``make axe`` into ``tests/.axe``; without it
these tests are skipped with that instruction (CI runs ``make axe`` first).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.auth.models import Role
from app.context import Actor
from app.demo import seed_casework
from tests.browser import sign_in_page

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[1] / ".axe/node_modules/axe-core/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe_or_skip() -> str:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: run `make axe`", pytrace=False)
        pytest.skip("axe-core is missing: run `make axe` to check accessibility")
    return AXE.read_text(encoding="utf-8")


def _violations(page, script: str) -> list[str]:
    page.add_script_tag(content=script)
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r =>"
        " r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))",
        TAGS,
    )
    return list(found)


def test_main_screens_have_no_wcag_a_or_aa_violations(_chromium, live_server, world, work):
    script = _axe_or_skip()
    with work(world.north, world.worker) as (session, _ctx):
        ctx = Actor(world.worker.user.id, world.north.id, frozenset({Role.caseworker}))
        client_id = seed_casework(session, ctx, "EUR")[0].id
    screens = [
        (
            world.worker,
            [
                "/",
                "/clients",
                "/clients/new",
                f"/clients/{client_id}",
                f"/clients/{client_id}/services",
                f"/clients/{client_id}/case",
                f"/clients/{client_id}/claims",
                f"/clients/{client_id}/referrals",
                f"/clients/{client_id}/consent",
                f"/clients/{client_id}/risks",
                "/services/group",
                "/contacts",
                "/referrals/incoming",
                "/risks/due",
            ],
        ),
        (world.supervisor, ["/", "/settings/grants", "/settings/service-types"]),
        (world.admin, ["/", "/admin/members", "/admin/members/invite", "/consent/notices"]),
    ]
    # The test injects axe's script; the app's CSP rightly refuses inline scripts.
    context = _chromium.new_context(
        viewport={"width": 1280, "height": 800}, locale="en-GB", bypass_csp=True
    )
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    for person, paths in screens:
        sign_in_page(page, live_server, person)
        for path in paths:
            page.goto(f"{live_server}{path}")
            found = _violations(page, script)
            if found:
                problems[path] = found
        if person is world.worker:
            _arabic(page, live_server, script, client_id, problems)
        page.context.clear_cookies()
    context.close()
    assert not problems, json.dumps(problems, indent=1)


def _arabic(page, live_server, script, client_id, problems) -> None:
    """The same rules in Arabic, right to left (chosen with the switcher in the header)."""
    page.locator("#ui-language").select_option("ar")
    page.locator("form.language button").click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    for path in ("/", "/clients/new", f"/clients/{client_id}", f"/clients/{client_id}/services"):
        page.goto(f"{live_server}{path}")
        found = _violations(page, script)
        if found:
            problems[f"ar {path}"] = found
