"""The call-back number is encrypted at rest: the database holds a Fernet token, never digits
of the number; the application reads it back; rotating keys keeps it readable."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from fristad.support import services
from fristad.support.models import SupportCase
from tests.conftest import Staff

pytestmark = pytest.mark.django_db

NUMBER = "0761234598"


def raw_phone(case_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM support_supportcase WHERE id = %s", [case_id])
        (value,) = cursor.fetchone()
    return str(value)


def test_raw_sql_shows_no_digits_of_the_number(staff: Staff) -> None:
    case = services.support_case_open(
        actor=staff.kvinna_a, jour=staff.jour_a, alias="Vera", phone="076-123 45 98"
    )
    raw = raw_phone(case.pk)
    assert raw.startswith("gAAAAA"), "a Fernet token"
    assert NUMBER not in raw and NUMBER[1:] not in raw and "123 45 98" not in raw and "1234598" not in raw
    # Any run of four or more of her digits in a row would be a leak.
    assert not any(NUMBER[i : i + 4] in raw for i in range(len(NUMBER) - 3))
    assert SupportCase.objects.get(pk=case.pk).phone == NUMBER


def test_the_same_number_encrypts_differently_each_time(staff: Staff) -> None:
    first = services.support_case_open(actor=staff.kvinna_a, jour=staff.jour_a, alias="Vera", phone=NUMBER)
    second = services.support_case_open(actor=staff.kvinna_a, jour=staff.jour_a, alias="Wilma", phone=NUMBER)
    assert raw_phone(first.pk) != raw_phone(second.pk), "no equal ciphertexts to match cases on"


def test_no_number_stays_empty(staff: Staff) -> None:
    case = services.support_case_open(actor=staff.kvinna_a, jour=staff.jour_a, alias="Vera")
    assert raw_phone(case.pk) == ""


def test_a_number_changed_through_the_form_is_stored_encrypted(staff: Staff) -> None:
    case = services.support_case_open(actor=staff.kvinna_a, jour=staff.jour_a, alias="Vera")
    client = Client()
    client.force_login(staff.kvinna_a)
    url = reverse("support:case_edit", kwargs={"jour_id": staff.jour_a.pk, "case_id": case.pk})
    assert client.post(url, {"alias": "Vera", "phone": "+46 76 123 45 98"}).status_code == 302
    raw = raw_phone(case.pk)
    assert raw.startswith("gAAAAA") and "761234598" not in raw
    assert SupportCase.objects.get(pk=case.pk).phone == "+46761234598"


def test_key_rotation_keeps_the_number_readable(staff: Staff) -> None:
    from cryptography.fernet import Fernet

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old_key]):
        case = services.support_case_open(actor=staff.kvinna_a, jour=staff.jour_a, alias="Vera", phone=NUMBER)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, old_key]):
        assert SupportCase.objects.get(pk=case.pk).phone == NUMBER
