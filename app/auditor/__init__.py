"""The auditor's side of the audit log: ``haven audit`` commands, the auditor workspace
(access log, consent ledger, statistics, bundles) and the public verifier key.

Apart from :mod:`app.audit` because it reads other domains (organisations, consent,
clients' pseudonyms) that themselves record audit events.
"""
