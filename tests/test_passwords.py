"""Staff passwords: Argon2, at least 12 characters, not common, not a repetition or a run."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.contrib.auth.password_validation import get_default_password_validators, validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from fristad.accounts import services
from fristad.accounts.forms import InviteAcceptForm
from fristad.accounts.models import Role, User
from fristad.accounts.passwords import RepetitivePasswordValidator
from tests.conftest import STAFF_PASSWORD, Staff

GOOD = ["morgondimma-over-sjon-42", "Lingon & kanel i november", "trött-katt-på-tågperrongen", STAFF_PASSWORD]
TOO_SHORT = ["", "a", "kort-ord", "Abc!23456#x"]  # the last is 11 characters
COMMON = ["password1234", "qwertyuiop12", "Password1234", "123456789012"]
REPETITIVE = ["abcabcabcabc", "aaaaaaaaaaaa", "ABABABABABAB", "hej!hej!hej!hej!", "121212121212"]
KEYBOARD_RUNS = ["qwertyuiopåa", "asdfghjklöäz", "abcdefghijklmn", "åäöåäöåäöåäö", "mnbvcxzäölkjh"]


def refused(password: str, user: object = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


# --- The hasher ------------------------------------------------------------------


def test_argon2_is_the_hasher() -> None:
    from fristad import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert get_hasher("default").algorithm == "argon2"


def test_stored_passwords_are_argon2(staff: Staff) -> None:
    staff.admin_a.refresh_from_db()
    assert staff.admin_a.password.startswith("argon2")
    assert identify_hasher(staff.admin_a.password).algorithm == "argon2"
    assert STAFF_PASSWORD not in staff.admin_a.password
    assert staff.admin_a.check_password(STAFF_PASSWORD)


def test_invited_user_gets_an_argon2_hash(staff: Staff) -> None:
    issued = services.invite_create(
        invited_by=staff.admin_a, email="ny@staff.test", role=Role.JOURKVINNA, jour=staff.jour_a
    )
    user = services.invite_accept(token=issued.token, password=GOOD[0], full_name="Ny")
    assert user.password.startswith("argon2")


def test_old_pbkdf2_hashes_still_work_and_are_upgraded(db: None) -> None:
    from django.contrib.auth.hashers import make_password

    user = User.objects.create_user("gammal@staff.test", "x")
    User.objects.filter(pk=user.pk).update(password=make_password(GOOD[0], hasher="pbkdf2_sha256"))
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256")
    assert user.check_password(GOOD[0])
    user.refresh_from_db()
    assert user.password.startswith("argon2")


# --- The validators ------------------------------------------------------------------


def test_the_validators_in_use() -> None:
    names = {type(v).__name__ for v in get_default_password_validators()}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
        "RepetitivePasswordValidator",
    }
    minimum = next(
        v for v in get_default_password_validators() if type(v).__name__ == "MinimumLengthValidator"
    )
    assert minimum.min_length == 12


@pytest.mark.parametrize("password", GOOD)
def test_a_good_passphrase_is_accepted(password: str) -> None:
    assert refused(password) == []
    assert refused(password, User(email="nora@staff.test", full_name="Nora Ny")) == []


@pytest.mark.parametrize("password", TOO_SHORT)
def test_fewer_than_12_characters_is_refused(password: str) -> None:
    assert refused(password)


def test_exactly_12_characters_is_enough() -> None:
    assert refused("Lugn-sjo-92!") == []


@pytest.mark.parametrize("password", COMMON)
def test_a_common_password_is_refused(password: str) -> None:
    assert refused(password)


@pytest.mark.parametrize("password", REPETITIVE)
def test_a_repetition_is_refused_by_our_validator(password: str) -> None:
    with pytest.raises(ValidationError):
        RepetitivePasswordValidator().validate(password)
    assert refused(password)


@pytest.mark.parametrize("password", KEYBOARD_RUNS)
def test_a_keyboard_or_alphabet_run_is_refused_by_our_validator(password: str) -> None:
    with pytest.raises(ValidationError):
        RepetitivePasswordValidator().validate(password)
    assert refused(password)


@pytest.mark.parametrize("password", ["aåpoiuytrewq", "zyxwvutsrqpo", "ölkjhgfdsaåp"])
def test_a_reversed_run_is_refused(password: str) -> None:
    assert refused(password)


@pytest.mark.parametrize("password", ["qwertyuiopås", "abcdefghij12", "1234567890ab", "Qwertyuiop!!"])
def test_mostly_a_run_is_refused(password: str) -> None:
    """The Swedish top row plus a key is as weak as the row itself."""
    with pytest.raises(ValidationError):
        RepetitivePasswordValidator().validate(password)
    assert refused(password)


@pytest.mark.parametrize(
    "password", ["abc-trygg-sjo-hav-ljus", "qwe och lingonsylt 7", "123 gröna ängar i maj"]
)
def test_a_short_run_inside_a_passphrase_is_fine(password: str) -> None:
    RepetitivePasswordValidator().validate(password)


def test_our_validator_accepts_a_passphrase_and_explains_itself() -> None:
    validator = RepetitivePasswordValidator()
    for password in GOOD:
        validator.validate(password)
    with translation.override("en"):
        assert "repetition" in validator.get_help_text()


def test_a_password_like_her_name_or_email_is_refused() -> None:
    user = User(email="kristina.lindqvist@staff.test", full_name="Kristina Lindqvist")
    assert refused("kristina.lindqvist", user)
    assert refused("KristinaLindqvist", user)


def test_long_passwords() -> None:
    long_phrase = " ".join(f"ord{i}-{chr(0x61 + i % 26)}" for i in range(30))
    assert len(long_phrase) > 150
    assert refused(long_phrase) == []
    assert refused("lång-fras-" * 20)  # 200 characters, but one chunk repeated


# --- Through the invite form ----------------------------------------------------------


def form(password: str, again: str | None = None, name: str = "Nora Ny") -> InviteAcceptForm:
    return InviteAcceptForm(
        {"full_name": name, "password1": password, "password2": password if again is None else again},
        email="nora.ny@staff.test",
    )


@pytest.mark.parametrize("password", GOOD)
def test_invite_form_accepts_a_good_passphrase(password: str) -> None:
    assert form(password).is_valid()


@pytest.mark.parametrize("password", TOO_SHORT[1:] + COMMON + REPETITIVE + KEYBOARD_RUNS)
def test_invite_form_refuses_a_weak_password(password: str) -> None:
    bound = form(password)
    assert not bound.is_valid()
    assert "password1" in bound.errors


def test_invite_form_refuses_her_own_name_or_email() -> None:
    assert "password1" in form("nora.ny@staff.test").errors
    assert "password1" in form("NoraNyNoraNy", name="NoraNyNoraNy").errors


def test_invite_form_refuses_a_mismatch_without_validating_further() -> None:
    bound = form(GOOD[0], again=GOOD[1])
    assert not bound.is_valid()
    assert "password2" in bound.errors


def test_invite_form_refuses_an_overlong_password() -> None:
    bound = form("x" * 201)
    assert not bound.is_valid()
    assert "password1" in bound.errors


def test_invite_page_shows_the_validator_messages(staff: Staff) -> None:
    issued = services.invite_create(
        invited_by=staff.admin_a, email="ny@staff.test", role=Role.JOURKVINNA, jour=staff.jour_a
    )
    url = f"/en/personal/inbjudan/{issued.token}/"
    for password, message in [
        ("kort-ord", "at least 12 characters"),
        ("password1234", "too common"),
        ("abcabcabcabc", "repetition"),
        ("asdfghjklöäz", "keyboard or alphabet run"),
    ]:
        response = Client().post(url, {"full_name": "Ny", "password1": password, "password2": password})
        assert response.status_code == 200, password
        assert message in response.content.decode(), password
    assert not User.objects.filter(email="ny@staff.test").exists()
