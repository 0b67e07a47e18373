"""The disclosure package: a JSON document and a PDF with only the fields released, the
disclosure number, recipient, legal basis and policy set hash, signed with the
organisation's Ed25519 ``exports`` key, handed out as one zip.

Zip contents (``<number>`` is the disclosure number, e.g. ``D-7KQ3M9XA``):

- ``<number>.json``: the package (UTF-8, sorted keys); it names the PDF's SHA-256,
- ``<number>.json.sig``: the raw 64-byte Ed25519 signature over ``<number>.json``,
- ``<number>.pdf``: the same content for people,
- ``signing-key.pem``: the organisation's public key (SubjectPublicKeyInfo PEM); its
  fingerprint is in the JSON, so the recipient can compare it with the one the
  organisation publishes.

Check (README "Checking a disclosure package")::

    openssl pkeyutl -verify -pubin -inkey signing-key.pem -rawin \\
        -in D-7KQ3M9XA.json -sigfile D-7KQ3M9XA.json.sig
    sha256sum D-7KQ3M9XA.pdf     # equals "pdf_sha256" in the JSON

XXX: the package is the only place Haven puts client plaintext on purpose. It is made at
release, revealed field by field through the audited reveal path, and never stored: the
register keeps its SHA-256 only.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assistance.models import AssistanceRecord
from app.clients.service import reveal_field

# The sealed client fields each group releases: the same list consent covers, in one place.
from app.consent.sharing import GROUP_FIELDS
from app.context import Actor
from app.db.base import utcnow
from app.disclosure.service import Releasable, mark_released, prepare_release
from app.documents.pdf import Document
from app.i18n import N_
from app.keys.signing import SigningPurpose, fingerprint, private_key, sign
from app.tenants.models import Organisation
from policies.vocabulary import FieldGroup

FORMAT = "haven-disclosure-package/1"
#: Coarse facts in the clear (no reveal needed).
CASE_FACTS = (
    "gender", "age_band", "nationality", "victim_status", "forms_of_exploitation",
    "sector", "identified_by", "identified_on",
)  # fmt: skip
WORDS = {
    "title": N_("Disclosure %(number)s"),
    "intro": N_(
        "Only the information below was released to the recipient named here, under the "
        "legal basis and policy stated. The JSON file in this package is signed."
    ),
    "recipient": N_("Recipient"),
    "purpose": N_("Purpose"),
    "basis": N_("Legal basis"),
    "released": N_("Released on"),
    "policy": N_("Policy set"),
    "client": N_("Client (pseudonym)"),
    "field": N_("Field"),
    "value": N_("Value"),
}


@dataclass(frozen=True)
class Package:
    number: str
    zip_bytes: bytes
    json_sha256: str

    @property
    def filename(self) -> str:
        return f"{self.number}.zip"


def release_package(
    session: Session,
    ctx: Actor,
    request_id: Any,
    translate: Callable[[str], str] = str,
) -> Package:
    """Decide again, reveal the released fields now (each reveal audited), build, sign
    and record the release. ``translate`` puts the PDF's labels in the user's language."""
    release = prepare_release(session, ctx, request_id)
    content = _content(session, ctx, release)
    pdf = _pdf(content, translate)
    content["pdf_sha256"] = hashlib.sha256(pdf).hexdigest()
    key_row, _ = private_key(session, SigningPurpose.exports)  # made on first use
    content["signing_key"] = {"fingerprint": fingerprint(key_row), "version": key_row.version}
    document = json.dumps(content, sort_keys=True, ensure_ascii=False, indent=2).encode()
    _, signature = sign(session, SigningPurpose.exports, document)
    digest = hashlib.sha256(document).hexdigest()
    mark_released(session, ctx, release, digest, key_row.version)
    number = release.request.number
    files = {
        f"{number}.json": document,
        f"{number}.json.sig": signature,
        f"{number}.pdf": pdf,
        "signing-key.pem": _pem(key_row.public_key),
    }
    return Package(number, _zip(files), digest)


def _content(session: Session, ctx: Actor, release: Releasable) -> dict[str, Any]:
    row, client = release.request, release.client
    organisation = session.get(Organisation, ctx.tenant_id)
    fields: dict[str, Any] = {}
    for group in release.groups:
        if group in GROUP_FIELDS:
            values = {f: reveal_field(session, ctx, client.id, f) for f in GROUP_FIELDS[group]}
            fields[str(group)] = {k: v for k, v in values.items() if v is not None}
        elif group is FieldGroup.case_facts:
            fields[str(group)] = {f: _plain(getattr(client, f)) for f in CASE_FACTS}
        elif group is FieldGroup.service_history:
            fields[str(group)] = _services(session, client.id)
    return {
        "format": FORMAT,
        "number": row.number,
        "organisation": organisation.name if organisation else None,
        "client_pseudonym": client.code,
        "recipient": {"type": str(row.recipient_type), "name": row.recipient_name},
        "purpose": str(row.purpose),
        "legal_basis": str(row.legal_basis),
        "legal_reference": row.legal_reference,
        "policy_set": release.decision.policy_set,
        "policy_set_hash": release.decision.policy_set_hash,
        "decision": {
            str(g.field_group): {"outcome": str(g.outcome), "policy_ids": list(g.policy_ids)}
            for g in release.decision.groups
        },
        "released_at": utcnow().isoformat(timespec="seconds"),
        "fields": fields,
    }


def _services(session: Session, client_id: Any) -> list[dict[str, Any]]:
    records = session.scalars(
        select(AssistanceRecord)
        .where(AssistanceRecord.client_id == client_id)
        .order_by(AssistanceRecord.started_on)
    )
    return [
        {
            "category": str(r.category),
            "started_on": r.started_on.isoformat(),
            "ended_on": r.ended_on.isoformat() if r.ended_on else None,
            "quantity": str(r.quantity),
            "unit": str(r.unit),
        }
        for r in records
    ]


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, bool, list)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _pdf(content: dict[str, Any], translate: Callable[[str], str]) -> bytes:
    def t(key: str) -> str:
        return translate(WORDS[key])

    title = t("title") % {"number": content["number"]}
    pdf = Document(title=title, footer_text=content["number"])
    pdf.add_page()
    pdf.heading(title)
    pdf.paragraph(t("intro"))
    recipient = content["recipient"]
    basis = content["legal_basis"] + (
        f" ({content['legal_reference']})" if content["legal_reference"] else ""
    )
    pdf.data_table(
        [t("field"), t("value")],
        [
            [t("recipient"), f"{recipient['name']} ({recipient['type']})"],
            [t("purpose"), content["purpose"]],
            [t("basis"), basis],
            [t("released"), content["released_at"]],
            [t("policy"), f"{content['policy_set']} sha256:{content['policy_set_hash']}"],
            [t("client"), content["client_pseudonym"]],
        ],
    )
    for group, values in content["fields"].items():
        pdf.heading(group, level=2)
        rows = values if isinstance(values, list) else [values]
        for entry in rows:
            pdf.data_table([t("field"), t("value")], [[k, _cell(v)] for k, v in entry.items()])
    return pdf.bytes()


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _pem(raw_public_key: bytes) -> bytes:
    return Ed25519PublicKey.from_public_bytes(raw_public_key).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            # A fixed date: the zip's timestamps are the package's, not the server's clock.
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            archive.writestr(info, data)
    return buffer.getvalue()
