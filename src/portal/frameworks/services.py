"""Writing frameworks: import (YAML or XLSX), clone, edit, delete. Every document is checked
exactly as the core checks a file, and every problem is reported at once; a version used
by a campaign that has left the draft state is frozen (clone it to change it)."""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext, gettext_noop

from dti.framework.documents import DocumentError
from portal.accounts.models import Province, User
from portal.frameworks.documents import (
    check_framework,
    decode,
    exact_document,
    framework_of_file,
    parse_yaml_text,
)
from portal.frameworks.models import FrameworkVersion
from portal.frameworks.workbook import read_framework_workbook

# Kept as the Vietnamese text (tests and pages compare it); translated where it is shown.
FROZEN = gettext_noop(
    "Bộ chỉ số này đã được dùng trong một đợt đánh giá đã mở nên không thể sửa hay xoá: "
    "điểm của các đơn vị đã được chấm theo nó. Hãy nhân bản thành một phiên bản mới rồi sửa."
)
_VERSION_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")  # FrameworkVersion.code is a slug
EDITED = "nội dung bộ chỉ số"  # where the core's problems point: stays as the core writes


def _problems(error: DocumentError) -> ValidationError:
    return ValidationError([str(problem) for problem in error.problems])


@transaction.atomic
def framework_create(
    *,
    province: Province,
    year: int,
    level: str,
    framework: dict[str, Any],
    user: User | None,
    cloned_from: FrameworkVersion | None = None,
) -> FrameworkVersion:
    """A new version from a framework mapping the core has already accepted."""
    version = FrameworkVersion(
        province=province,
        year=year,
        level=level,
        document=framework,
        created_by=user,
        cloned_from=cloned_from,
    )
    _take_identity(version, framework)
    version.save()
    return version


def _take_identity(version: FrameworkVersion, framework: dict[str, Any]) -> None:
    """Code, name and source come from the document, so the two never disagree."""
    version.code = str(framework["code"])
    version.name = str(framework["name"])
    version.source = str(framework.get("source", ""))
    errors: dict[str, str] = {}
    if not _VERSION_CODE.match(version.code):
        errors["code"] = gettext(
            "Mã bộ chỉ số “%(code)s” chỉ được gồm chữ cái không dấu, chữ số, - và _."
        ) % {"code": version.code}
    taken = FrameworkVersion.objects.filter(province_id=version.province_id, code=version.code)
    if version.pk is not None:
        taken = taken.exclude(pk=version.pk)
    if taken.exists():
        errors["code"] = gettext("Tỉnh đã có bộ chỉ số mã “%(code)s”: hãy chọn mã khác.") % {
            "code": version.code
        }
    if len(version.name) > 300 or len(version.source) > 300:
        errors["name"] = gettext("Tên bộ chỉ số và văn bản ban hành dài tối đa 300 ký tự.")
    if errors:
        raise ValidationError(errors)
    version.full_clean(validate_constraints=False)


@transaction.atomic
def framework_import_yaml(
    *, province: Province, year: int, level: str, data: bytes, file: str, user: User | None
) -> FrameworkVersion:
    """A `kind: framework` YAML file (docs/frameworks.md), checked as `dti framework
    validate` checks it."""
    try:
        framework = framework_of_file(parse_yaml_text(decode(data, file), file), file)
    except DocumentError as error:
        raise _problems(error) from error
    return framework_create(
        province=province, year=year, level=level, framework=framework, user=user
    )


@transaction.atomic
def framework_import_xlsx(
    *, province: Province, year: int, level: str, data: bytes, user: User | None
) -> FrameworkVersion:
    """The office's workbook: cells first (sheet, row, column), then the core's checks,
    pointed back at rows."""
    framework, locator = read_framework_workbook(data)
    try:
        check_framework(framework, "tệp Excel")
    except DocumentError as error:
        raise ValidationError([locator.describe(p) for p in error.problems]) from error
    return framework_create(
        province=province, year=year, level=level, framework=framework, user=user
    )


@transaction.atomic
def framework_clone(
    *, version: FrameworkVersion, year: int, level: str, code: str, name: str, user: User | None
) -> FrameworkVersion:
    """A new, editable version with the same tree and policies (last year's, usually)."""
    framework = deepcopy(exact_document(version.document))
    framework["code"], framework["name"] = code.strip(), name.strip()
    try:
        check_framework(framework, EDITED)
    except DocumentError as error:
        raise _problems(error) from error
    return framework_create(
        province=version.province,
        year=year,
        level=level,
        framework=framework,
        user=user,
        cloned_from=version,
    )


@transaction.atomic
def framework_update(
    *, version: FrameworkVersion, year: int, level: str, text: str
) -> FrameworkVersion:
    """Replace a version's document by YAML text (the `framework:` mapping)."""
    if version.frozen:
        raise ValidationError(gettext(FROZEN))
    try:
        framework = parse_yaml_text(text, EDITED)
        check_framework(framework, EDITED)
    except DocumentError as error:
        raise _problems(error) from error
    version.year, version.level, version.document = year, level, framework
    _take_identity(version, framework)
    version.save()
    return version


@transaction.atomic
def framework_delete(*, version: FrameworkVersion) -> None:
    if version.frozen:
        raise ValidationError(gettext(FROZEN))
    try:
        version.delete()
    except ProtectedError as error:
        raise ValidationError(
            gettext(
                "Bộ chỉ số đang được gắn với một đợt đánh giá (bản nháp): "
                "gỡ khỏi đợt đó trước khi xoá."
            )
        ) from error
