"""Units (đơn vị) of a province, their level and attributes, and their lineage through
mergers, splits and renames, so history follows a unit by identity and not by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy

from portal.accounts.models import Province
from portal.units.attributes import format_attributes

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

# The usual level codes and their names; a province may use others (shown as typed).
LEVEL_NAMES = {
    "so": gettext_lazy("Sở, ban, ngành"),
    "huyen": gettext_lazy("UBND huyện, thị xã, thành phố"),
    "xa": gettext_lazy("UBND xã, phường, thị trấn"),
    "bo": gettext_lazy("Bộ, cơ quan ngang bộ"),
}


def level_name(code: str) -> _StrOrPromise:
    return LEVEL_NAMES.get(code, code)


class Unit(models.Model):
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="units")
    code = models.SlugField(gettext_lazy("mã"), max_length=64)
    name = models.CharField(gettext_lazy("tên"), max_length=300)
    level = models.CharField(
        gettext_lazy("khối"), max_length=32
    )  # so, huyen, xa, ... (a campaign's level codes)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=gettext_lazy("đơn vị cấp trên"),
    )
    attributes = models.JSONField(gettext_lazy("thuộc tính"), default=dict, blank=True)
    aliases = models.JSONField(gettext_lazy("tên khác"), default=list, blank=True)
    active_from = models.DateField(gettext_lazy("hoạt động từ"), null=True, blank=True)
    active_until = models.DateField(gettext_lazy("hoạt động đến"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("đơn vị")
        verbose_name_plural = gettext_lazy("đơn vị")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="unit_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def level_name(self) -> _StrOrPromise:
        return level_name(self.level)

    @property
    def sorted_attributes(self) -> list[tuple[str, object]]:
        """Attributes in name order (PostgreSQL's jsonb does not keep insertion order)."""
        return sorted(self.attributes.items())

    @property
    def attributes_text(self) -> str:
        return format_attributes(self.attributes)


class Lineage(models.Model):
    """One unit became (part of) another on a date: merged into, split from, renamed."""

    class Kind(models.TextChoices):
        MERGED_INTO = "merged_into", gettext_lazy("Sáp nhập vào")
        SPLIT_FROM = "split_from", gettext_lazy("Tách ra từ")
        RENAMED = "renamed", gettext_lazy("Đổi tên thành")

    predecessor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="predecessor_links")
    kind = models.CharField(gettext_lazy("loại"), max_length=20, choices=Kind.choices)
    effective = models.DateField(gettext_lazy("có hiệu lực từ"))
    note = models.CharField(gettext_lazy("căn cứ"), max_length=300, blank=True)

    class Meta:
        verbose_name = gettext_lazy("quan hệ kế thừa")
        verbose_name_plural = gettext_lazy("quan hệ kế thừa")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "kind"], name="lineage_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")), name="lineage_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display()})"
