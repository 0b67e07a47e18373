"""The consent ledger: what each client agreed to, for what, with whom, until when.

- :mod:`.notices`: the organisation's notices, one text per language, versioned and
  hashed; an example set in en, fr, ru, uk, ar (:mod:`.defaults`) is created on first use.
- :mod:`.service`: recording (:func:`~.service.record_consent`), the history, the
  expiring list (:func:`~.service.consents_expiring`), and the validity question for a
  client (:func:`~.service.consent_for`); :mod:`.withdrawal`: withdrawing, one action.
- :mod:`.validity`: :func:`~.validity.consent_valid_for`, the one pure function that
  answers "is there valid consent for this purpose, recipient and field groups at T?".
- :mod:`.reading`: every rule of what a record may say; :mod:`.evidence`: scans (sealed)
  and signature hashes; :mod:`.receipts`: receipts safe to carry.
- :mod:`.sharing`: referrals carry identity only as far as a valid consent covers it,
  re-sealed for the receiver, who is told when the consent is withdrawn.

Records are append-only (``models``): terms are written once; withdrawals, supersessions
and expiries are events. On PostgreSQL the app role cannot update or delete them.
"""
