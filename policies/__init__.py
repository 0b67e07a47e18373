"""Disclosure policy sets (Cedar, one per jurisdiction) and their evaluator.

Not built yet: DESIGN.md "Disclosure policy" describes it. Until it exists, nothing in Haven
discloses identifying data to anyone outside the organisation (deny by default).
"""
