"""Rows of one benchmark organisation: grants, subtypes, clients with keys, one case each,
and assistance records. Realistic coarse facts, skewed sizes; see ``casework_data``."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from app.assistance.models import AssistanceRecord, Grant, ServiceSubtype
from app.cases.models import Case
from app.clients.indexes import index_of
from app.clients.models import Client
from app.clients.pseudonyms import CODE_PATTERN
from app.db.tenancy import acting_in
from app.keys.models import ClientKey
from app.keys.service import CLIENT_KEY_ID, active_tenant_key
from app.regions import region_of
from app.taxonomy import LANGUAGE_REQUIRED, ServiceCategory
from bench.casework_data import TODAY, insert_batches, utc
from crypto import (
    DataKey,
    FieldBinding,
    client_context,
    new_data_key,
    seal,
    wrap_key,
)

#: (ISO 3166 code, main language, weight: how often they appear).
NATIONALITIES = (
    ("NG", "en", 12),
    ("RO", "ro", 10),
    ("UA", "uk", 8),
    ("VN", "vi", 7),
    ("AL", "sq", 5),
    ("BG", "bg", 5),
    ("CN", "zh", 4),
    ("ER", "ti", 4),
    ("MA", "ar", 4),
    ("PH", "tl", 3),
    ("MD", "ro", 3),
    ("BR", "pt", 3),
    ("IN", "hi", 3),
    ("SY", "ar", 2),
    ("GH", "en", 2),
    ("FR", "fr", 3),
    ("RU", "ru", 3),
    ("PK", "ur", 2),
)
FORMS = (
    "sexual",
    "labour",
    "domestic_servitude",
    "forced_criminality",
    "forced_begging",
    "forced_marriage",
    "other",
)
FORM_WEIGHTS = (38, 34, 10, 8, 4, 3, 3)
SECTORS = (
    "agriculture",
    "construction",
    "hospitality",
    "domestic_work",
    "garment",
    "sex_industry",
    "other",
    "unknown",
)
AGE_BANDS = ("under_12", "12_17", "18_24", "25_34", "35_49", "50_plus", "unknown")
AGE_WEIGHTS = (2, 8, 25, 32, 20, 6, 7)
SOURCES = (
    "self_referral",
    "police",
    "labour_inspectorate",
    "ngo",
    "helpline",
    "health_service",
    "social_services",
    "embassy",
    "nrm",
    "other",
    "unknown",
)
#: Category share of records, then the unit and a typical quantity range.
CATEGORIES = {
    "accommodation": (18, "nights", (1, 60)),
    "counselling": (16, "sessions", (1, 1)),
    "interpretation": (6, "hours", (1, 4)),
    "medical": (9, "sessions", (1, 2)),
    "psychological": (9, "sessions", (1, 1)),
    "material": (12, "items", (1, 10)),
    "legal": (10, "hours", (1, 6)),
    "criminal_proceedings_support": (4, "hours", (1, 8)),
    "compensation": (1, "hours", (1, 3)),
    "education_employment": (5, "sessions", (1, 5)),
    "child_services": (1, "sessions", (1, 3)),
    "return_support": (1, "amount", (50, 800)),
    "reintegration": (2, "sessions", (1, 3)),
    "helpline_outreach": (4, "contacts", (1, 3)),
    "referral": (2, "contacts", (1, 1)),
}
FIRST = (
    "Amara",
    "Ioana",
    "Olena",
    "Thi Lan",
    "Blessing",
    "Mariana",
    "Фатима",
    "Анна",
    "Chidi",
    "Elena",
    "Minh",
    "Aisha",
    "Светлана",
    "Joy",
    "Florin",
    "Nadia",
)
LAST = (
    "Okafor",
    "Popescu",
    "Kovalenko",
    "Nguyen",
    "Hoxha",
    "Ivanova",
    "Мельник",
    "Diallo",
    "Santos",
    "Rahman",
    "Петрова",
    "Mensah",
    "Dumitru",
    "Haddad",
    "Reyes",
    "Sokolova",
)
NOTES = (
    "Attended with the interpreter; follow-up booked.",
    "Client tired, asked to continue next week.",
    "Accompanied to the appointment; documents copied.",
)
#: The alphabet of app.clients.pseudonyms, drawn from the seeded generator instead.
LEADS, CONSONANTS, VOWELS = "ABCDEFGHJKLMNPRSTUVWXYZ", "BDFGKLMNPRSTVZ", "AEIOU"


class Person(NamedTuple):
    client_id: uuid.UUID
    intake: date
    key: DataKey
    languages: list[str]
    case_id: uuid.UUID


class OrgRows:
    """Generates and inserts everything of one organisation inside ``acting_in``."""

    def __init__(self, session: Session, tenant_id: uuid.UUID, rng: random.Random) -> None:
        self.session, self.tenant_id, self.rng = session, tenant_id, rng
        self.tenant = str(tenant_id)
        self.codes: set[str] = set()
        self.grants: list[uuid.UUID] = []
        self.subtypes: dict[str, list[uuid.UUID]] = {}

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def write(self, clients: int, records: int) -> None:
        with acting_in(self.session, self.tenant_id):
            tenant_key = active_tenant_key(self.session)
            self._grants_and_subtypes()
            people = self._clients(clients, tenant_key)
            self._records(people, records)

    def _grants_and_subtypes(self) -> None:
        grants = []
        for n in range(3):
            grants.append(
                {
                    "tenant_id": self.tenant_id,
                    "id": self.uuid(),
                    "code": f"GRANT-{2024 + n}-{n}",
                    "name": f"Programme {n}",
                    "funder": ("AMIF", "State fund", "Foundation")[n],
                    "starts_on": date(2022 + n, 1, 1),
                    "ends_on": date(2026 + n, 12, 31),
                    "budget": Decimal(250_000 + 50_000 * n),
                    "currency": "EUR",
                }
            )
        insert_batches(self.session, Grant.__table__, grants)
        self.grants = [g["id"] for g in grants]
        subtypes = []
        for category in ("accommodation", "counselling", "legal", "medical", "material"):
            for name in ("standard", "urgent"):
                subtypes.append(
                    {
                        "tenant_id": self.tenant_id,
                        "id": self.uuid(),
                        "category": category,
                        "name": f"{category} {name}",
                    }
                )
                self.subtypes.setdefault(category, []).append(subtypes[-1]["id"])
        insert_batches(self.session, ServiceSubtype.__table__, subtypes)

    def code(self) -> str:
        """A pronounceable pseudonym like K7-MORA-42, unique in the organisation."""
        while True:
            rng = self.rng
            middle = "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(2))
            value = f"{rng.choice(LEADS)}{rng.randint(2, 9)}-{middle}-{rng.randint(0, 99):02d}"
            assert CODE_PATTERN.fullmatch(value)
            if value not in self.codes:
                self.codes.add(value)
                return value

    def _clients(self, count: int, tenant_key: DataKey) -> list[Person]:
        """Clients, their keys and one case each."""
        clients, keys, cases, people = [], [], [], []
        for _ in range(count):
            client_id, intake = self.uuid(), TODAY - timedelta(days=self.rng.randint(0, 5 * 365))
            dek = new_data_key(CLIENT_KEY_ID)
            row = self._client_row(client_id, intake)
            if self.rng.random() < 0.30:
                name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
                where = FieldBinding(self.tenant, "clients", "name", str(client_id))
                row["sealed_name"] = seal(dek, name, where)
                row["blind_index_name"] = index_of(tenant_key, "name", name)
            clients.append(row)
            keys.append(
                {
                    "tenant_id": self.tenant_id,
                    "client_id": client_id,
                    "version": 1,
                    "key_id": dek.key_id,
                    "tenant_key_id": tenant_key.key_id,
                    "wrapped": wrap_key(
                        tenant_key, dek, client_context(self.tenant, str(client_id))
                    ),
                    "created_at": utc(intake),
                    "destroyed_at": None,
                }
            )
            cases.append(self._case_row(client_id, intake))
            people.append(Person(client_id, intake, dek, row["languages"], cases[-1]["id"]))
        insert_batches(self.session, Client.__table__, clients)
        insert_batches(self.session, ClientKey.__table__, keys)
        insert_batches(self.session, Case.__table__, cases)
        return people

    def _client_row(self, client_id: uuid.UUID, intake: date) -> dict[str, Any]:
        rng = self.rng
        nationality, language, _w = rng.choices(
            NATIONALITIES, weights=[n[2] for n in NATIONALITIES]
        )[0]
        band = rng.choices(AGE_BANDS, weights=AGE_WEIGHTS)[0]
        forms = sorted(set(rng.choices(FORMS, weights=FORM_WEIGHTS, k=rng.choice((1, 1, 1, 2)))))
        languages = [language] + (["en"] if language != "en" and rng.random() < 0.4 else [])
        status = rng.choices(
            ("potential", "presumed", "formally_identified", "not_identified"),
            weights=(35, 30, 30, 5),
        )[0]
        row: dict[str, Any] = {name: None for name in _SEALED_COLUMNS}
        row.update(
            {
                "tenant_id": self.tenant_id,
                "id": client_id,
                "code": self.code(),
                "created_at": utc(intake),
                "created_by": None,
                "erased_at": None,
                "gender": rng.choices(
                    ("female", "male", "non_binary", "not_stated"), weights=(62, 33, 1, 4)
                )[0],
                "age_band": band,
                "is_minor": band in ("under_12", "12_17"),
                "nationality": nationality,
                "nationality_region": region_of(nationality),
                "languages": languages,
                "preferred_language": language,
                "forms_of_exploitation": forms,
                "sector": rng.choice(SECTORS),
                "movement": rng.choices(("cross_border", "domestic", "unknown"), (70, 20, 10))[0],
                "victim_status": status,
                "identified_by": "police" if status == "formally_identified" else None,
                "identified_on": intake + timedelta(days=30)
                if status == "formally_identified"
                else None,
                "referral_source": rng.choice(SOURCES),
            }
        )
        return row

    def _case_row(self, client_id: uuid.UUID, intake: date) -> dict[str, Any]:
        closed = intake < TODAY - timedelta(days=365) and self.rng.random() < 0.7
        return {
            "tenant_id": self.tenant_id,
            "id": self.uuid(),
            "client_id": client_id,
            "opened_on": intake,
            "closed_on": intake + timedelta(days=self.rng.randint(30, 360)) if closed else None,
            "close_reason": "goals_met" if closed else None,
            "reflection_start": intake,
            "reflection_end": intake + timedelta(days=90),
            "permit_track": self.rng.choice(
                ("none", "reflection_period", "victim_residence_permit")
            ),
            "nrm_state": self.rng.choice(("not_referred", "referred", "positive_conclusive")),
            "created_at": utc(intake),
        }

    def _records(self, people: list[Person], count: int) -> None:
        """``count`` records over the clients, skewed: a few clients get many (shelter
        residents: nightly accommodation), most a handful."""
        weights = [self.rng.lognormvariate(0, 1.0) for _ in people]
        categories = list(CATEGORIES)
        category_weights = [CATEGORIES[c][0] for c in categories]
        rows: list[dict[str, Any]] = []
        for person in self.rng.choices(people, weights=weights, k=count):
            rows.append(self._record_row(person, self.rng.choices(categories, category_weights)[0]))
            if len(rows) == 20_000:
                insert_batches(self.session, AssistanceRecord.__table__, rows)
                rows = []
        insert_batches(self.session, AssistanceRecord.__table__, rows)

    def _record_row(self, person: Person, category: str) -> dict[str, Any]:
        rng = self.rng
        client_id, intake, dek, languages, case_id = person
        _share, unit, (low, high) = CATEGORIES[category]
        started = intake + timedelta(days=rng.randint(0, max(0, (TODAY - intake).days)))
        quantity = rng.randint(low, high)
        record_id = self.uuid()
        needs_language = ServiceCategory(category) in LANGUAGE_REQUIRED
        language = rng.choice(languages) if needs_language or rng.random() < 0.3 else None
        paid = rng.random() < 0.6
        notes = None
        if rng.random() < 0.10:
            where = FieldBinding(self.tenant, "assistance_records", "notes", str(record_id))
            notes = seal(dek, rng.choice(NOTES), where)
        return {
            "tenant_id": self.tenant_id,
            "id": record_id,
            "client_id": client_id,
            "case_id": case_id,
            "category": category,
            "subtype_id": rng.choice(self.subtypes[category])
            if category in self.subtypes and rng.random() < 0.5
            else None,
            "started_on": started,
            "ended_on": started + timedelta(days=quantity) if unit == "nights" else None,
            "quantity": Decimal(quantity),
            "unit": unit,
            "language": language,
            "interpreter_used": language is not None
            and language not in ("en", "fr")
            and rng.random() < 0.7,
            "grant_id": rng.choice(self.grants) if paid else None,
            "cost": Decimal(rng.randint(20, 400)) if paid else None,
            "currency": "EUR" if paid else None,
            "outcome": rng.choices(
                ("delivered", "partially_delivered", "declined_by_client"), (90, 7, 3)
            )[0],
            "sealed_notes": notes,
            "group_id": None,
            # None marks generated rows: the records the load test POSTs have an author
            # and are removed after the run, so every run sees the same data.
            "recorded_by": None,
            "recorded_at": utc(started),
        }


_SEALED_COLUMNS = (
    "sealed_name",
    "sealed_aliases",
    "sealed_date_of_birth",
    "sealed_phone",
    "sealed_contact_details",
    "sealed_identity_document",
    "sealed_address",
    "sealed_immigration_status",
    "sealed_health_notes",
    "sealed_narrative",
    "blind_index_name",
    "blind_index_date_of_birth",
    "blind_index_identity_document",
    "blind_index_phone",
)
