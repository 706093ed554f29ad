"""Key rotation loses nothing: a new field key (or a new SECRET_KEY with the old one as a
fallback) still opens what the old one wrote, ``fristad reencrypt`` moves every value to
the newest key so the old one can go, and a lost key is named by the deploy check."""

from __future__ import annotations

import io
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from fristad.housing.models import HousingUnit
from fristad.ops.checks import encrypted_values_open
from fristad.support import services as support
from fristad.support.models import SupportCase
from tests.conftest import Staff
from tests.housing_helpers import ADDRESS, make_unit

NUMBER = "0761234598"


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        (value,) = cursor.fetchone()
    return str(value)


def secrets_written(staff: Staff) -> tuple[HousingUnit, SupportCase]:
    unit = make_unit(staff.jour_a, staff.admin_a)
    case = support.support_case_open(actor=staff.kvinna_a, jour=staff.jour_a, alias="Vera", phone=NUMBER)
    return unit, case


def reencrypt() -> str:
    out = io.StringIO()
    call_command("reencrypt", stdout=out)
    return out.getvalue()


def readable(unit: HousingUnit, case: SupportCase) -> bool:
    return (
        HousingUnit.objects.get(pk=unit.pk).address == ADDRESS
        and SupportCase.objects.get(pk=case.pk).phone == NUMBER
    )


def test_field_key_rotation_with_reencrypt(staff: Staff, settings: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    unit, case = secrets_written(staff)
    token_before = raw("support_supportcase", "phone", case.pk)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert readable(unit, case)
    with pytest.raises(CommandError, match="2 values are still on an older key"):
        call_command("reencrypt", "--check", stdout=io.StringIO())
    assert raw("support_supportcase", "phone", case.pk) == token_before  # --check wrote nothing
    out = reencrypt()
    assert "housing.HousingUnit.address: 1 re-encrypted" in out
    assert "support.SupportCase.phone: 1 re-encrypted" in out
    token = raw("support_supportcase", "phone", case.pk)
    assert Fernet(new.encode()).decrypt(token.encode()).decode() == NUMBER
    assert "0 re-encrypted, 1 already on the newest key" in reencrypt()  # again: nothing to do
    call_command("reencrypt", "--check", stdout=io.StringIO())  # all on the newest key: exit 0
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key is gone
    assert readable(unit, case)
    assert encrypted_values_open() == []


def test_secret_key_rotation_keeps_derived_field_keys_readable(staff: Staff, settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.SECRET_KEY = "old-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = []
    unit, case = secrets_written(staff)
    settings.SECRET_KEY = "new-secret-key-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = ["old-secret-key-" + "x" * 40]
    assert readable(unit, case)
    assert "1 re-encrypted" in reencrypt()
    settings.SECRET_KEY_FALLBACKS = []
    assert readable(unit, case)


def test_a_lost_key_is_named_and_reencrypt_refuses(staff: Staff, settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    secrets_written(staff)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    problems = encrypted_values_open()
    assert {p.id for p in problems} == {"fristad.E102"}
    assert any("support.SupportCase.phone" in p.msg for p in problems)
    with pytest.raises(CommandError, match="could not be opened by any configured key"):
        reencrypt()
