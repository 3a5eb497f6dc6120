"""Frameworks stored per province, year and level: the core's framework document (the YAML
format of docs/frameworks.md) kept as JSON with exact numbers as text."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy

from dti.framework.loader import build_framework
from dti.framework.model import Framework
from portal.accounts.models import Province

BUILT_KEPT = 64  # frameworks kept built per process (a province has a few per year)
_BUILT: dict[str, Framework] = {}


class FrameworkVersion(models.Model):
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="frameworks")
    year = models.PositiveSmallIntegerField(gettext_lazy("năm"))
    level = models.CharField(gettext_lazy("khối"), max_length=32)
    code = models.SlugField(gettext_lazy("mã"), max_length=64)
    name = models.CharField(gettext_lazy("tên"), max_length=300)
    source = models.CharField(gettext_lazy("văn bản ban hành"), max_length=300, blank=True)
    document = models.JSONField(gettext_lazy("nội dung"), encoder=DjangoJSONEncoder)
    cloned_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="clones"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("bộ chỉ số")
        verbose_name_plural = gettext_lazy("bộ chỉ số")
        ordering = ["-year", "level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="framework_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year}, {self.level})"

    def build(self) -> Framework:
        """The core's Framework for this version (numbers come back from JSON as exact text).
        Built once per process for each document: a Framework is immutable, and every
        save of a unit's answers asks for it (keyed by the document's text, so an edited
        draft is built again)."""
        key = self.code + "\n" + json.dumps(self.document, cls=DjangoJSONEncoder)
        built = _BUILT.get(key)
        if built is None:
            built = build_framework(self.document, file=f"bộ chỉ số {self.code}", path="framework")
            if len(_BUILT) >= BUILT_KEPT:
                _BUILT.pop(next(iter(_BUILT)), None)  # the oldest first
            _BUILT[key] = built
        return built

    @property
    def frozen(self) -> bool:
        """A version used by a campaign that has been opened can no longer change."""
        return self.campaign_levels.exclude(campaign__state="draft").exists()
