"""A password validator for the weak shapes the common-password list misses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SEQUENCES = ("abcdefghijklmnopqrstuvwxyzåäö", "qwertyuiopåasdfghjklöäzxcvbnm", "01234567890")


class RepetitivePasswordValidator:
    """Refuses passwords made of one repeated chunk ("abcabcabcabc") or a keyboard run."""

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.casefold()
        for size in range(1, len(lowered) // 2 + 1):
            if len(lowered) % size == 0 and lowered[:size] * (len(lowered) // size) == lowered:
                raise ValidationError(_("This password is a repetition. Choose a less predictable one."))
        for run in _SEQUENCES:
            if lowered in run or lowered in run[::-1]:
                raise ValidationError(_("This password is a keyboard or alphabet run. Choose another."))

    def get_help_text(self) -> str:
        return _("Your password cannot be a repetition or a keyboard run.")
