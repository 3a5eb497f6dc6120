"""Forms of the campaign pages. They check what a form can check (formats, required fields,
choices limited to the user's province); the services check the rest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from dti.reports.texts import DEFAULT_DETAIL_DEPTH, MAX_ROBUSTNESS, Grouping
from portal.accounts.models import Province
from portal.campaigns.deadlines import EXAMPLE, format_deadline, parse_deadline
from portal.campaigns.models import Campaign, CampaignUnit
from portal.campaigns.report_texts import ReportLayout
from portal.form_text import TextCheckedForm
from portal.frameworks.models import FrameworkVersion
from portal.units.models import Unit


class DeadlineField(forms.CharField):
    """A moment typed as dd/mm/yyyy HH:MM (a date alone: 23:59 that day)."""

    def __init__(self, **kwargs: Any) -> None:
        help_text = format_lazy(gettext_lazy("dd/mm/yyyy HH:MM, ví dụ {example}"), example=EXAMPLE)
        kwargs.setdefault("help_text", help_text)  # lazy: fields are built at import
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "dd/mm/yyyy HH:MM"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime | None:  # type: ignore[override]  # a CharField that cleans to a datetime
        text = super().to_python(value)
        return parse_deadline(text) if text else None

    def prepare_value(self, value: Any) -> Any:
        return format_deadline(value) if isinstance(value, datetime) else value


class CampaignForm(TextCheckedForm):
    province = forms.ModelChoiceField(
        Province.objects.none(), label=gettext_lazy("Tỉnh"), empty_label=None
    )
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Tên đợt đánh giá"), max_length=300)
    self_assessment_deadline = DeadlineField(label=gettext_lazy("Hạn tự đánh giá"), required=False)
    source = forms.CharField(
        label=gettext_lazy("Văn bản (kế hoạch, quyết định)"), max_length=300, required=False
    )

    def __init__(self, provinces: Sequence[Province], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.filter(  # type: ignore[attr-defined]  # Form.fields types every field as Field
            pk__in=[p.pk for p in provinces]
        )


def reason_field() -> forms.CharField:
    """Why a deadline changes: kept with the change in the audit trail."""
    return forms.CharField(
        label=gettext_lazy("Lý do thay đổi (ghi vào nhật ký)"), max_length=500, required=False
    )


class CampaignEditForm(TextCheckedForm):
    title = forms.CharField(label=gettext_lazy("Tên đợt đánh giá"), max_length=300)
    self_assessment_deadline = DeadlineField(label=gettext_lazy("Hạn tự đánh giá"), required=False)
    source = forms.CharField(
        label=gettext_lazy("Văn bản (kế hoạch, quyết định)"), max_length=300, required=False
    )
    reason = reason_field()


class LevelForm(TextCheckedForm):
    level = forms.SlugField(label=gettext_lazy("Mã khối (ví dụ so, huyen, xa)"), max_length=32)
    name = forms.CharField(label=gettext_lazy("Tên khối (ví dụ Sở, ban, ngành)"), max_length=200)
    framework = forms.ModelChoiceField(
        FrameworkVersion.objects.none(), label=gettext_lazy("Bộ chỉ số")
    )

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = FrameworkVersion.objects.filter(  # type: ignore[attr-defined]  # Form.fields types every field as Field
            province=campaign.province
        )


class UnitsForm(TextCheckedForm):
    level = forms.ChoiceField(label=gettext_lazy("Khối"))
    everyone = forms.BooleanField(
        label=gettext_lazy("Tất cả đơn vị của khối trong tỉnh"), required=False
    )
    units = forms.ModelMultipleChoiceField(
        Unit.objects.none(),
        label=gettext_lazy("Hoặc chọn đơn vị"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [  # type: ignore[attr-defined]  # Form.fields types every field as Field
            (level.level, level.name) for level in campaign.levels.order_by("level")
        ]
        self.fields["units"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]  # Form.fields types every field as Field
            province=campaign.province
        ).exclude(campaign_units__campaign=campaign)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("everyone") and not data.get("units"):
            raise forms.ValidationError(
                gettext("Hãy chọn đơn vị, hoặc chọn tất cả đơn vị của khối.")
            )
        return data


class RoundForm(TextCheckedForm):
    number = forms.IntegerField(label=gettext_lazy("Vòng thẩm định"), min_value=1, max_value=10)
    appraisal_due = DeadlineField(label=gettext_lazy("Hạn thẩm định (tổ thẩm định chấm)"))
    supplement_due = DeadlineField(
        label=gettext_lazy("Hạn bổ sung (đơn vị giải trình)"), required=False
    )
    reason = reason_field()


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in django-stubs only: not subscriptable at run time
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.unit.name)


class ExtensionForm(TextCheckedForm):
    campaign_unit = UnitChoiceField(CampaignUnit.objects.none(), label=gettext_lazy("Đơn vị"))
    until = DeadlineField(label=gettext_lazy("Gia hạn tự đánh giá đến"))
    reason = reason_field()

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign_unit"].queryset = campaign.units.select_related("unit")  # type: ignore[attr-defined]  # Form.fields types every field as Field


# The files the historic import reads: a table file, or a whole report (portal.campaigns.
# historic_report); the readers decide by content, this only guides the browser's picker.
HISTORIC_ACCEPT = ".xlsx,.csv,.tsv,.docx,.pdf,.html,.htm,.md,.txt"


class HistoricImportForm(TextCheckedForm):
    province = forms.ModelChoiceField(
        Province.objects.none(), label=gettext_lazy("Tỉnh"), empty_label=None
    )
    year = forms.IntegerField(label=gettext_lazy("Năm đánh giá"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Tên đợt đánh giá"), max_length=300)
    source = forms.CharField(
        label=gettext_lazy("Văn bản công bố kết quả"), max_length=300, required=False
    )
    level = forms.SlugField(label=gettext_lazy("Mã khối (ví dụ so, huyen, xa)"), max_length=32)
    level_name = forms.CharField(label=gettext_lazy("Tên khối"), max_length=200)
    framework = forms.ModelChoiceField(
        FrameworkVersion.objects.none(), label=gettext_lazy("Bộ chỉ số")
    )
    table = forms.FileField(
        label=gettext_lazy("Bảng kết quả hoặc báo cáo đã công bố"),
        help_text=gettext_lazy(
            "Bảng xếp hạng tổng thể của khối (XLSX, CSV hoặc TSV: cột Đơn vị, điểm từng chỉ số "
            "chính), hoặc cả báo cáo đã công bố (DOCX, PDF có lớp chữ, HTML, markdown, văn bản, "
            "XLSX nhiều trang tính): cổng lấy bảng xếp hạng chung của khối trong báo cáo, và "
            "kiểm tra mọi bảng và mọi câu nêu số liệu của báo cáo."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": HISTORIC_ACCEPT}),
    )

    def __init__(self, provinces: Sequence[Province], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pks = [p.pk for p in provinces]
        self.fields["province"].queryset = Province.objects.filter(pk__in=pks)  # type: ignore[attr-defined]  # Form.fields types every field as Field
        self.fields["framework"].queryset = FrameworkVersion.objects.filter(  # type: ignore[attr-defined]  # Form.fields types every field as Field
            province__in=pks
        )


def _lines_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Mỗi dòng một đoạn; để trống: dùng nội dung mặc định."),
    )


GROUPING_CHOICES = [
    (Grouping.NONE.value, gettext_lazy("Một danh sách")),
    (Grouping.PARENT.value, gettext_lazy("Theo đơn vị cấp trên (huyện cũ)")),
    (Grouping.GROUP.value, gettext_lazy("Theo nhóm xếp hạng của khối")),
]


class ReportTextsForm(TextCheckedForm):
    """The office's texts of the report, then one remark box per main index of each level."""

    parent_body = forms.CharField(label=gettext_lazy("Cơ quan chủ quản"), required=False)
    issuing_body = forms.CharField(label=gettext_lazy("Cơ quan ban hành"), required=False)
    number = forms.CharField(label=gettext_lazy("Số văn bản"), required=False)
    place_date = forms.CharField(label=gettext_lazy("Địa danh, ngày tháng"), required=False)
    title = forms.CharField(label=gettext_lazy("Tên báo cáo"), required=False, max_length=300)
    legal_bases = _lines_field(gettext_lazy("Căn cứ"))
    purpose = _lines_field(gettext_lazy("Mục đích"))
    method = _lines_field(gettext_lazy("Phương pháp (đoạn thêm)"))
    process = _lines_field(gettext_lazy("Quá trình thực hiện"))
    general_remarks = _lines_field(gettext_lazy("Nhận xét chung"))
    recommendations = _lines_field(gettext_lazy("Kiến nghị, đề xuất"))
    recipients = _lines_field(gettext_lazy("Nơi nhận"))
    signer_title = forms.CharField(label=gettext_lazy("Chức danh người ký"), required=False)
    signer_name = forms.CharField(label=gettext_lazy("Người ký"), required=False)
    detail_depth = forms.TypedChoiceField(
        label=gettext_lazy("Mức chi tiết trong phụ lục và thống kê"),
        choices=[
            (0, gettext_lazy("Chỉ các chỉ số chính")),
            (1, gettext_lazy("Chỉ số chính và các chỉ số thành phần")),
            (2, gettext_lazy("Thêm các tiêu chí con của chỉ số thành phần")),
        ],
        coerce=int,
        required=False,
        empty_value=None,  # left out: the default
        initial=DEFAULT_DETAIL_DEPTH,
        help_text=gettext_lazy(
            "Chỉ áp dụng khi kết quả có điểm của từng chỉ số thành phần; kết quả chỉ có điểm "
            "chỉ số chính thì phụ lục chỉ có các chỉ số chính."
        ),
    )

    robustness = forms.IntegerField(
        label=gettext_lazy("Phụ lục độ tin cậy của thứ hạng: trọng số thay đổi ± (%)"),
        min_value=0,
        max_value=MAX_ROBUSTNESS,
        required=False,  # left out: no annex
        initial=0,
        error_messages={
            key: format_lazy(
                gettext_lazy("Nhập một số từ {low} đến {high}."), low=0, high=MAX_ROBUSTNESS
            )
            for key in ("min_value", "max_value", "invalid")
        },
        help_text=gettext_lazy(
            "0: không có phụ lục. Ví dụ 10: mỗi khối có thêm phụ lục cho biết thứ hạng chung "
            "của mỗi đơn vị thay đổi đến đâu khi trọng số mỗi chỉ số chính thay đổi ±10%."
        ),
    )

    def __init__(self, levels: Sequence[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.remark_levels = []
        self.layout_levels = []
        for level in levels:
            self.fields[f"grouping__{level.code}"] = forms.ChoiceField(
                label=gettext_lazy("Cách liệt kê đơn vị trong phụ lục"),
                choices=GROUPING_CHOICES,
                required=False,  # left out: one list
                initial=Grouping.NONE.value,
            )
            self.fields[f"not_assessed__{level.code}"] = forms.CharField(
                label=gettext_lazy("Lý do chưa đánh giá (khi khối chưa có kết quả)"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.layout_levels.append(
                (level, [f"grouping__{level.code}", f"not_assessed__{level.code}"])
            )
            names = []
            for slot in level.slots:
                name = f"remark__{slot.key}"
                self.fields[name] = forms.CharField(
                    label=f"{slot.code}. {slot.name}",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                names.append(name)
            self.remark_levels.append((level, names))

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if "__" not in name]

    def remark_groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(level, [self[name] for name in names]) for level, names in self.remark_levels]

    def layout_groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(level, [self[name] for name in names]) for level, names in self.layout_levels]

    def split(self) -> tuple[dict[str, str], dict[str, str], ReportLayout]:
        """(texts, remarks keyed "level.index", layout) from the cleaned data."""
        data = self.cleaned_data
        layout_keys = {"detail_depth", "robustness"}
        texts = {k: v for k, v in data.items() if "__" not in k and k not in layout_keys}
        layout = ReportLayout(
            detail_depth=_or_default(data.get("detail_depth")),
            robustness=data.get("robustness") or 0,
            grouping={
                level: choice or Grouping.NONE.value
                for level, choice in _by_level(data, "grouping__").items()
            },
            not_assessed=_by_level(data, "not_assessed__"),
        )
        return texts, _by_level(data, "remark__"), layout


def _or_default(depth: int | None) -> int:
    return DEFAULT_DETAIL_DEPTH if depth is None else depth


def _by_level(data: dict[str, Any], prefix: str) -> dict[str, str]:
    return {k.removeprefix(prefix): v for k, v in data.items() if k.startswith(prefix)}


class ReportTemplateForm(TextCheckedForm):
    template = forms.FileField(
        label=gettext_lazy("Mẫu báo cáo của Sở (DOCX, tối đa 5 MB)"),
        help_text=gettext_lazy(
            "Trong mẫu, ghi trường dữ liệu giữa hai cặp ngoặc nhọn, ví dụ {{ province }}; "
            "các trường có sẵn được liệt kê ngay dưới."
        ),
    )
