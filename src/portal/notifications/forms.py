from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from portal.form_text import TextCheckedForm
from portal.notifications.models import EmailFrequency


class SettingsForm(TextCheckedForm):
    """How a person wants the notifications by e-mail (in the portal, always)."""

    email_frequency = forms.ChoiceField(
        label=gettext_lazy("Nhận thông báo qua e-mail"),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
    )
