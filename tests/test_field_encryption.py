"""Fields encrypted at rest: the database holds ciphertext, the model the text."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from fristad.web import crypto


def test_round_trip_and_no_plaintext() -> None:
    token = crypto.encrypt("Storgatan 1, 111 22 Stockholm")
    assert "Storgatan" not in token
    assert crypto.decrypt(token) == "Storgatan 1, 111 22 Stockholm"


def test_each_encryption_differs() -> None:
    assert crypto.encrypt("same") != crypto.encrypt("same")


def test_rotation_old_values_still_open() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        token = crypto.encrypt("address")
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        assert crypto.decrypt(token) == "address"
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]), pytest.raises(crypto.InvalidToken):
        crypto.decrypt(token)


def test_bad_key_is_a_configuration_error() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=["not-a-key"]), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")


def test_field_keeps_empty_and_none() -> None:
    field = crypto.EncryptedTextField()
    assert field.get_prep_value("") == ""
    assert field.get_prep_value(None) is None
    stored = field.get_prep_value("secret")
    assert stored != "secret"
    assert field.from_db_value(stored, None, None) == "secret"
