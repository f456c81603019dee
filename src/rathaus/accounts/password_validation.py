"""Rejects passwords built from patterns that cracking tools try first.

Complements Django's length and common-password validators: the e-mail address or name of
the user, keyboard and alphabet runs, repeated characters and "word + year" passwords.
"""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertzuiopü",
    "qwertyuiop",
    "asdfghjklöä",
    "yxcvbnm",
    "zxcvbnm",
    "1qaz2wsx3edc",
)
SEQUENCE_RUN = 5
REPEAT_RUN = 4
MIN_PERSONAL_PART = 3
WORD_AND_YEAR = re.compile(
    r"^[^\W\d_]+[\W_]*(19|20)\d\d[\W_]*$|^[\W_]*(19|20)\d\d[\W_]*[^\W\d_]+[\W_]*$"
)


def _has_sequence(password: str) -> bool:
    lowered = password.lower()
    for sequence in SEQUENCES:
        for candidate in (sequence, sequence[::-1]):
            for start in range(len(candidate) - SEQUENCE_RUN + 1):
                if candidate[start : start + SEQUENCE_RUN] in lowered:
                    return True
    return False


def _personal_parts(user: Any) -> list[str]:
    parts: list[str] = []
    email = getattr(user, "email", "") or ""
    if email:
        parts.append(email.split("@")[0])
    for attribute in ("first_name", "last_name"):
        parts.append(getattr(user, attribute, "") or "")
    words = [w for part in parts for w in re.split(r"[\W_]+", part.lower())]
    return [w for w in words if len(w) >= MIN_PERSONAL_PART]


class GuessablePatternValidator:
    """Django password validator; see the module docstring for the rules."""

    def validate(self, password: str, user: Any = None) -> None:
        errors: list[ValidationError] = []
        lowered = password.lower()
        if user is not None and any(part in lowered for part in _personal_parts(user)):
            errors.append(
                ValidationError(
                    _("The password must not contain your name or your e-mail address."),
                    code="password_contains_personal_data",
                )
            )
        if _has_sequence(password):
            errors.append(
                ValidationError(
                    _(
                        "The password must not contain a keyboard or alphabet sequence "
                        "such as “qwertz” or “12345”."
                    ),
                    code="password_has_sequence",
                )
            )
        if re.search(r"(.)\1{" + str(REPEAT_RUN - 1) + ",}", password):
            errors.append(
                ValidationError(
                    _("The password must not repeat the same character four times or more."),
                    code="password_repeats_character",
                )
            )
        if WORD_AND_YEAR.match(password):
            errors.append(
                ValidationError(
                    _("The password must not be just a word and a year (like “Summer2024!”)."),
                    code="password_word_and_year",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "Do not use your name or e-mail address, keyboard sequences, repeated characters "
            "or a word followed by a year."
        )
