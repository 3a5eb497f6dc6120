"""Text typed into the portal's forms: control characters are refused where they come in.

A control character (a vertical tab pasted from a document, a NUL from a broken client) is
invisible on the page, answers 500 on PostgreSQL (NUL) and makes every XLSX that carries it
unreadable. Everything a person types reaches the portal through a form: Django forms, all
built on `TextCheckedForm`, and the hand-written readers of the answer and scoring sheets
(`AnswersForm`, `SheetForm`, `ResponseForm`), which ask `control_character_message`. The
refusal names the character (`dti.text.control_characters`) and sits beside the field, so
the person sees which one; nothing is saved. tests/portal/security/test_form_text.py walks
every form class of the portal, so a new one that skips the check fails there."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from dti.text import control_characters


def control_character_message(text: str) -> str | None:
    """Why `text` is refused, in the active language; None when it is clean."""
    found = control_characters(text)
    if found is None:
        return None
    return gettext(
        "Có ký tự điều khiển không được phép (%(character)s), thường do dán từ một tệp khác; "
        "hãy xoá ký tự đó rồi gửi lại."
    ) % {"character": found}


def refuse_control_characters(value: object) -> None:
    message = control_character_message(str(value))
    if message is not None:
        raise ValidationError(message, code="control_character")


class TextCheckedForm(forms.Form):
    """The base of every Django form of the portal: each text field refuses control
    characters. Checked when the form is cleaned, so fields a form adds in its own
    `__init__` are covered too."""

    def full_clean(self) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and refuse_control_characters not in (
                field.validators
            ):
                field.validators.append(refuse_control_characters)
        super().full_clean()
