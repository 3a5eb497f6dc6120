"""People, provinces, and the roles people hold in a province (and for which unit)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy

from portal.roles import UNIT_ROLES, Role


class Province(models.Model):
    """A tenant: a province, or the national level. Every object is scoped to one."""

    code = models.SlugField(unique=True)
    name = models.CharField(gettext_lazy("tên"), max_length=200)

    class Meta:
        verbose_name = gettext_lazy("tỉnh")
        verbose_name_plural = gettext_lazy("tỉnh")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    full_name = models.CharField(gettext_lazy("họ và tên"), max_length=200, blank=True)

    class Meta:
        verbose_name = gettext_lazy("người dùng")
        verbose_name_plural = gettext_lazy("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """A role a user holds in a province; unit roles (reporter, approver) name the unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(gettext_lazy("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )

    class Meta:
        verbose_name = gettext_lazy("vai trò")
        verbose_name_plural = gettext_lazy("vai trò")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "province", "role", "unit"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(UNIT_ROLES), unit__isnull=False)
                    | (~models.Q(role__in=sorted(UNIT_ROLES)) & models.Q(unit__isnull=True))
                ),
                name="membership_unit_roles_name_a_unit",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" — {self.unit}" if self.unit_id else ""
        return f"{self.user}: {self.get_role_display()}{suffix}"
