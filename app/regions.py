"""Nationality → UN M49 region, the coarse unit that pooled and State reports use.

``region_of("MD")`` is ``"Eastern Europe"``: a Moldovan client counts in Eastern Europe,
which no small cell can turn into a name as easily as "Moldova". The region is derived
when a client is saved and never typed in. Sub-regions follow the UN M49 standard
(https://unstats.un.org/unsd/methodology/m49/), with its intermediate regions for Africa
and the Americas (Western Africa, Caribbean, ...) because "Sub-Saharan Africa" or "Latin
America" would pool too much for anti-trafficking reporting. Taiwan (absent from M49 as a
separate area) counts in Eastern Asia; Antarctica, in no M49 region, is its own.
"""

from __future__ import annotations

#: M49 code of every region, so that screens can name it in the reader's language
#: (``babel.Locale.territories[code]``) while the stored value stays one English name.
REGION_CODES: dict[str, str] = {
    "Northern Africa": "015",
    "Eastern Africa": "014",
    "Middle Africa": "017",
    "Southern Africa": "018",
    "Western Africa": "011",
    "Caribbean": "029",
    "Central America": "013",
    "South America": "005",
    "Northern America": "021",
    "Central Asia": "143",
    "Eastern Asia": "030",
    "South-eastern Asia": "035",
    "Southern Asia": "034",
    "Western Asia": "145",
    "Eastern Europe": "151",
    "Northern Europe": "154",
    "Southern Europe": "039",
    "Western Europe": "155",
    "Australia and New Zealand": "053",
    "Melanesia": "054",
    "Micronesia": "057",
    "Polynesia": "061",
    "Antarctica": "AQ",
}

_MEMBERS: dict[str, str] = {
    "Northern Africa": "DZ EG EH LY MA SD TN",
    "Eastern Africa": "BI DJ ER ET IO KE KM MG MU MW MZ RE RW SC SO SS TF TZ UG YT ZM ZW",
    "Middle Africa": "AO CD CF CG CM GA GQ ST TD",
    "Southern Africa": "BW LS NA SZ ZA",
    "Western Africa": "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG",
    "Caribbean": (
        "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI"
    ),
    "Central America": "BZ CR GT HN MX NI PA SV",
    "South America": "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE",
    "Northern America": "BM CA GL PM US",
    "Central Asia": "KG KZ TJ TM UZ",
    "Eastern Asia": "CN HK JP KP KR MN MO TW",
    "South-eastern Asia": "BN ID KH LA MM MY PH SG TH TL VN",
    "Southern Asia": "AF BD BT IN IR LK MV NP PK",
    "Western Asia": "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE",
    "Eastern Europe": "BG BY CZ HU MD PL RO RU SK UA",
    "Northern Europe": "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ",
    "Southern Europe": "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA",
    "Western Europe": "AT BE CH DE FR LI LU MC NL",
    "Australia and New Zealand": "AU CC CX HM NF NZ",
    "Melanesia": "FJ NC PG SB VU",
    "Micronesia": "FM GU KI MH MP NR PW UM",
    "Polynesia": "AS CK NU PF PN TK TO TV WF WS",
    "Antarctica": "AQ",
}

#: Every ISO 3166-1 alpha-2 code (249) and its region.
REGION_OF_COUNTRY: dict[str, str] = {
    country: region for region, members in _MEMBERS.items() for country in members.split()
}
#: The officially assigned ISO 3166-1 alpha-2 codes, nothing else (no XK, EU, UN, ZZ).
COUNTRIES = frozenset(REGION_OF_COUNTRY)


def region_of(country: str | None) -> str | None:
    """UN M49 region of an ISO 3166-1 alpha-2 code; None for None or an unknown code."""
    if country is None:
        return None
    return REGION_OF_COUNTRY.get(country.upper())
