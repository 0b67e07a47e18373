"""Sealed fields: round trip, tampering, binding, wrong keys, truncation, versions."""

from __future__ import annotations

import traceback
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crypto import (
    CryptoError,
    DataKey,
    FieldBinding,
    MalformedSeal,
    SealBroken,
    UnknownKey,
    UnsupportedVersion,
    new_data_key,
    open_sealed,
    seal,
    sealed_key_id,
)

SECRET = "Мария Иванова, passport AB1234567"
# Header of a blob sealed by key "c1": version, id length, id.
HEADER = bytes((0x01, 2)) + b"c1"
MIN_LENGTH = len(HEADER) + 12 + 16


def assert_no_leak(error: BaseException, plaintext: str, key: DataKey) -> None:
    """The message and the whole chain are free of plaintext, key bytes and pyca errors."""
    rendered = "".join(traceback.format_exception(error))
    assert plaintext not in rendered
    assert key.material.hex() not in rendered
    assert error.__cause__ is None
    assert error.__context__ is None


def test_round_trip(client_key: DataKey, binding: FieldBinding) -> None:
    sealed = seal(client_key, SECRET, binding)
    assert open_sealed(client_key, sealed, binding) == SECRET
    assert SECRET.encode() not in sealed


def test_format_is_self_describing(client_key: DataKey, binding: FieldBinding) -> None:
    sealed = seal(client_key, "x", binding)
    assert sealed.startswith(HEADER)
    assert len(sealed) == MIN_LENGTH + 1
    assert sealed_key_id(sealed) == "c1"


def test_sealing_twice_gives_different_blobs(client_key: DataKey, binding: FieldBinding) -> None:
    assert seal(client_key, SECRET, binding) != seal(client_key, SECRET, binding)


def test_flipping_any_bit_of_any_byte_never_yields_plaintext(
    client_key: DataKey, binding: FieldBinding
) -> None:
    sealed = seal(client_key, SECRET, binding)
    for position in range(len(sealed)):
        for mask in (0x01, 0x80, 0xFF):
            tampered = bytearray(sealed)
            tampered[position] ^= mask
            with pytest.raises(CryptoError) as caught:
                open_sealed(client_key, bytes(tampered), binding)
            if position >= len(HEADER):  # nonce, ciphertext and tag
                assert type(caught.value) is SealBroken
            else:  # a changed header names another version or key, or is malformed
                assert isinstance(
                    caught.value, SealBroken | MalformedSeal | UnsupportedVersion | UnknownKey
                )
            assert_no_leak(caught.value, SECRET, client_key)


@pytest.mark.parametrize(
    "change",
    [
        {"row_id": str(uuid.uuid4())},
        {"column": "date_of_birth"},
        {"table": "contacts"},
        {"tenant_id": str(uuid.uuid4())},
    ],
    ids=["other row", "other column", "other table", "other tenant"],
)
def test_value_moved_elsewhere_fails(
    client_key: DataKey, binding: FieldBinding, change: dict[str, str]
) -> None:
    sealed = seal(client_key, SECRET, binding)
    parts = {
        "tenant_id": binding.tenant_id,
        "table": binding.table,
        "column": binding.column,
        "row_id": binding.row_id,
    }
    elsewhere = FieldBinding(**(parts | change))
    with pytest.raises(SealBroken) as caught:
        open_sealed(client_key, sealed, elsewhere)
    assert_no_leak(caught.value, SECRET, client_key)


def test_values_swapped_between_two_rows_fail(client_key: DataKey, tenant_id: str) -> None:
    alice = FieldBinding(tenant_id, "clients", "name", str(uuid.uuid4()))
    bob = FieldBinding(tenant_id, "clients", "name", str(uuid.uuid4()))
    sealed_alice, sealed_bob = seal(client_key, "Alice", alice), seal(client_key, "Bob", bob)
    with pytest.raises(SealBroken):
        open_sealed(client_key, sealed_alice, bob)
    with pytest.raises(SealBroken):
        open_sealed(client_key, sealed_bob, alice)


def test_binding_encoding_is_unambiguous(tenant_id: str) -> None:
    shifted = [
        FieldBinding(tenant_id, "ab", "c", "1"),
        FieldBinding(tenant_id, "a", "bc", "1"),
        FieldBinding(tenant_id, "a", "b", "c1"),
        FieldBinding(tenant_id + "a", "b", "c", "1"),
    ]
    assert len({b.associated_data for b in shifted}) == len(shifted)


def test_binding_is_immutable(binding: FieldBinding) -> None:
    with pytest.raises(AttributeError):
        binding.row_id = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        binding.associated_data = b""


def test_binding_rejects_empty_and_non_text_parts(tenant_id: str) -> None:
    with pytest.raises(ValueError):
        FieldBinding(tenant_id, "clients", "name", "")
    with pytest.raises(ValueError):
        FieldBinding(tenant_id, "clients", "name", 42)  # type: ignore[arg-type]


def test_other_key_with_same_id_fails(binding: FieldBinding) -> None:
    sealed = seal(new_data_key("c1"), SECRET, binding)
    impostor = new_data_key("c1")
    with pytest.raises(SealBroken) as caught:
        open_sealed(impostor, sealed, binding)
    assert_no_leak(caught.value, SECRET, impostor)


def test_key_with_other_id_is_unknown(client_key: DataKey, binding: FieldBinding) -> None:
    sealed = seal(client_key, SECRET, binding)
    with pytest.raises(UnknownKey, match="needs key c1, got key c2"):
        open_sealed(new_data_key("c2"), sealed, binding)


def test_every_truncation_fails(client_key: DataKey, binding: FieldBinding) -> None:
    sealed = seal(client_key, SECRET, binding)
    for length in range(len(sealed)):
        with pytest.raises(SealBroken) as caught:  # MalformedSeal is a SealBroken
            open_sealed(client_key, sealed[:length], binding)
        if length < MIN_LENGTH:
            assert isinstance(caught.value, MalformedSeal)
        assert_no_leak(caught.value, SECRET, client_key)


def test_truncation_below_minimum_is_malformed_for_empty_plaintext(
    client_key: DataKey, binding: FieldBinding
) -> None:
    sealed = seal(client_key, "", binding)
    assert open_sealed(client_key, sealed, binding) == ""
    for length in range(len(sealed)):
        with pytest.raises(MalformedSeal):
            open_sealed(client_key, sealed[:length], binding)
        if length >= 2 + 2:
            with pytest.raises(MalformedSeal):
                sealed_key_id(sealed[:length])


@pytest.mark.parametrize("version", [0x00, 0x02, 0x11, 0xFF])
def test_unknown_version_byte(client_key: DataKey, binding: FieldBinding, version: int) -> None:
    sealed = bytes((version,)) + seal(client_key, SECRET, binding)[1:]
    with pytest.raises(UnsupportedVersion):
        open_sealed(client_key, sealed, binding)
    with pytest.raises(UnsupportedVersion):
        sealed_key_id(sealed)


def test_non_ascii_key_id_in_blob_is_malformed(client_key: DataKey, binding: FieldBinding) -> None:
    sealed = bytearray(seal(client_key, SECRET, binding))
    sealed[2] = 0xC3
    with pytest.raises(MalformedSeal):
        sealed_key_id(bytes(sealed))


def test_lone_surrogate_is_refused_without_quoting_it(
    client_key: DataKey, binding: FieldBinding
) -> None:
    with pytest.raises(ValueError) as caught:
        seal(client_key, "secret\ud800", binding)
    assert "secret" not in str(caught.value)
    assert "\ud800" not in str(caught.value)


def test_key_repr_hides_material(client_key: DataKey) -> None:
    for text in (repr(client_key), str(client_key)):
        assert client_key.material.hex() not in text
        assert repr(client_key.material) not in text
    assert repr(client_key) == "DataKey(key_id='c1')"


def test_key_validation() -> None:
    with pytest.raises(ValueError):
        DataKey("c1", b"short")
    with pytest.raises(ValueError):
        DataKey("bad id with spaces", bytes(32))
    with pytest.raises(ValueError):
        DataKey("", bytes(32))


def test_keys_compare_by_identity_not_material() -> None:
    assert DataKey("c1", bytes(32)) != DataKey("c1", bytes(32))


bindings = st.tuples(*[st.text(min_size=1)] * 4).map(lambda parts: FieldBinding(*parts))


@given(plaintext=st.text(), binding=bindings)
def test_round_trip_property(plaintext: str, binding: FieldBinding) -> None:
    key = DataKey("c1", bytes(range(32)))
    assert open_sealed(key, seal(key, plaintext, binding), binding) == plaintext


@given(plaintext=st.text(), first=bindings, second=bindings)
def test_distinct_bindings_never_open_each_other(
    plaintext: str, first: FieldBinding, second: FieldBinding
) -> None:
    key = DataKey("c1", bytes(range(32)))
    sealed = seal(key, plaintext, first)
    if (first.tenant_id, first.table, first.column, first.row_id) == (
        second.tenant_id,
        second.table,
        second.column,
        second.row_id,
    ):
        assert first == second
        assert open_sealed(key, sealed, second) == plaintext
    else:
        assert first.associated_data != second.associated_data
        with pytest.raises(SealBroken):
            open_sealed(key, sealed, second)
