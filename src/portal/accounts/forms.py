from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from portal.form_text import TextCheckedForm


class CodeForm(TextCheckedForm):
    """The second step: six digits from the authenticator app, or one recovery code."""

    code = forms.CharField(
        label=gettext_lazy("Mã xác thực"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
