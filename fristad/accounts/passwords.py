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
        longest = max(_longest_run(lowered, run) for seq in _SEQUENCES for run in (seq, seq[::-1]))
        # Mostly a run ("qwertyuiopås", "abcdefghij12") is as weak as a run.
        if longest >= max(6, int(len(lowered) * 0.75)):
            raise ValidationError(_("This password is a keyboard or alphabet run. Choose another."))

    def get_help_text(self) -> str:
        return _("Your password cannot be a repetition or a keyboard run.")


def _longest_run(password: str, sequence: str) -> int:
    """Length of the longest piece of the password that stands in the sequence."""
    best = 0
    for start in range(len(password)):
        for end in range(len(password), start + best, -1):
            if password[start:end] in sequence:
                best = end - start
                break
    return best
