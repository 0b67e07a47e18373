"""Fixtures for the crypto package tests: keys and bindings, no mocks."""

from __future__ import annotations

import uuid

import pytest

from crypto import DataKey, FieldBinding, new_data_key


@pytest.fixture
def tenant_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def client_key() -> DataKey:
    return new_data_key("c1")


@pytest.fixture
def binding(tenant_id: str) -> FieldBinding:
    return FieldBinding(tenant_id, "clients", "name", str(uuid.uuid4()))
