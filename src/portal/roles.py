"""The roles a person holds in a province (the glossary's cast)."""

from django.db import models
from django.utils.translation import gettext_lazy


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", gettext_lazy("Quản trị (Sở chủ trì)")
    REPORTER = "reporter", gettext_lazy("Cán bộ đầu mối của đơn vị")
    APPROVER = "approver", gettext_lazy("Thủ trưởng đơn vị (phê duyệt)")
    APPRAISER = "appraiser", gettext_lazy("Thành viên tổ thẩm định")
    LEADERSHIP = "leadership", gettext_lazy("Lãnh đạo")


UNIT_ROLES = frozenset({Role.REPORTER, Role.APPROVER})
READ_ALL_ROLES = frozenset({Role.OFFICE_ADMIN, Role.APPRAISER, Role.LEADERSHIP})
