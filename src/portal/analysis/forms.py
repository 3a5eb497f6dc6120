"""The analysis pages' choices, read from the query string (nothing is written, so a
scenario is a link the office can send). Bounds are checked before anything is computed."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from dti.framework.model import ClassBand, Comparability, Framework, RankingPolicy
from dti.lineage import MergeRule
from dti.planner import Goal, Target
from portal.form_text import TextCheckedForm

MAX_DRAWS = 2_000  # about 2 s at 3,300 units with both spreads (docs/performance-robustness.md)


def between(low: object, high: object) -> dict[str, Any]:
    """Error messages that say the bounds in plain words."""
    message = format_lazy(gettext_lazy("Nhập một số từ {low} đến {high}."), low=low, high=high)
    return {"min_value": message, "max_value": message, "invalid": message, "required": message}


class RobustnessForm(TextCheckedForm):
    bien_do = forms.IntegerField(
        label=gettext_lazy("Trọng số mỗi chỉ số chính thay đổi trong khoảng ± (%)"),
        min_value=0,
        max_value=90,
        initial=10,
        error_messages=between(0, 90),
    )
    do_lech = forms.DecimalField(
        label=gettext_lazy("Điểm thẩm định mỗi tiêu chí có thể lệch khoảng (% điểm tối đa)"),
        min_value=Decimal(0),
        max_value=Decimal(50),
        decimal_places=1,
        initial=Decimal(0),
        error_messages={**between(0, 50), "max_decimal_places": between(0, 50)["invalid"]},
        help_text=gettext_lazy("0 nếu chỉ xét trọng số; 5 nếu hai người chấm thường lệch nhau 5%."),
    )
    so_lan = forms.IntegerField(
        label=gettext_lazy("Số lần thử"),
        min_value=100,
        max_value=MAX_DRAWS,
        initial=1_000,
        error_messages=between(100, MAX_DRAWS),
    )


def initial_data(fields: Mapping[str, forms.Field], data: Any) -> dict[str, Any]:
    """The query string over the fields' defaults: a page opened without choices shows the
    defaults' result at once."""
    values = {name: field.initial for name, field in fields.items()}
    values.update({key: data.get(key) for key in data if key in values})
    return values


COMPARABILITY_LABELS = {
    Comparability.RATIO_TO_APPLICABLE_MAX: gettext_lazy("Tỷ lệ điểm trên điểm tối đa áp dụng (%)"),
    Comparability.PLAIN_TOTAL: gettext_lazy("Tổng điểm"),
    Comparability.REMOVE_BLOCK: gettext_lazy("Tổng điểm, loại trừ một khối cho mọi đơn vị"),
    Comparability.NATIONAL_WEIGHTED: gettext_lazy(
        "Chỉ số theo cách tính của Bộ (0–1, có trọng số)"
    ),
}


class WhatIfForm(TextCheckedForm):
    """A weight per main index (% of its published weight), the comparability policy and,
    when the ranking classifies, each class's lower bound."""

    def __init__(self, data: Any, *, framework: Framework, policy: RankingPolicy) -> None:
        super().__init__(data)
        self.framework, self.policy = framework, policy
        for index in framework.main_indices:
            self.fields[f"w_{index.code}"] = forms.DecimalField(
                label=index.name,
                min_value=Decimal(0),
                max_value=Decimal(500),
                decimal_places=2,
                initial=Decimal(100),
                error_messages=between(0, 500),
            )
        self.fields["cach_tinh"] = forms.ChoiceField(
            label=gettext_lazy("Cách so sánh các đơn vị"),
            choices=[(c.value, COMPARABILITY_LABELS[c]) for c in self._comparabilities()],
            initial=policy.comparability.value,
            error_messages={
                "invalid_choice": gettext_lazy(
                    "Cách so sánh này không dùng được với bộ chỉ số của khối."
                )
            },
        )
        for i, band in enumerate(self._bands()):
            self.fields[f"muc_{i}"] = forms.DecimalField(
                label=gettext("Mức “%(label)s” từ") % {"label": band.label},
                min_value=Decimal(0),
                max_digits=12,
                decimal_places=4,
                initial=band.min,
            )

    def _comparabilities(self) -> list[Comparability]:
        allowed = [self.policy.comparability]
        for option in Comparability:
            if option in allowed:
                continue
            if option is Comparability.REMOVE_BLOCK and self.policy.block is None:
                continue
            if option is Comparability.NATIONAL_WEIGHTED and any(
                index.weight is None for index in self.framework.main_indices
            ):
                continue
            allowed.append(option)
        return allowed

    def _bands(self) -> tuple[ClassBand, ...]:
        classification = self.policy.classification
        return classification.bands if classification is not None else ()

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("w_")]

    def band_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("muc_")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = [cleaned.get(f"muc_{i}") for i in range(len(self._bands()))]
        bands = [band for band in given if band is not None]
        if len(bands) == len(given) and bands != sorted(bands, reverse=True):
            raise forms.ValidationError(gettext("Các mức xếp loại phải giảm dần từ trên xuống."))
        return cleaned

    def weights(self) -> dict[str, Decimal]:
        return {
            index.code: self.cleaned_data[f"w_{index.code}"] / 100
            for index in self.framework.main_indices
        }

    def comparability(self) -> Comparability:
        return Comparability(self.cleaned_data["cach_tinh"])

    def bands(self) -> list[ClassBand] | None:
        published = self._bands()
        if not published:
            return None
        return [
            ClassBand(band.label, self.cleaned_data[f"muc_{i}"], band.aliases)
            for i, band in enumerate(published)
        ]


class PlanForm(TextCheckedForm):
    """What the unit aims at: the next class (when the ranking classifies) or N ranks up."""

    muc_tieu = forms.ChoiceField(label=gettext_lazy("Mục tiêu"), initial="hang")
    so_hang = forms.IntegerField(
        label=gettext_lazy("Số hạng muốn tăng"),
        min_value=1,
        max_value=100,
        initial=1,
        error_messages=between(1, 100),
    )

    def __init__(self, data: Any, *, classified: bool) -> None:
        super().__init__(data)
        choices = [("hang", gettext_lazy("Tăng thứ hạng"))]
        if classified:
            choices.insert(0, ("loai", gettext_lazy("Lên loại kế tiếp")))
        field = self.fields["muc_tieu"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        field.error_messages["invalid_choice"] = gettext_lazy("Xếp hạng này không xếp loại.")

    def target(self) -> Target:
        if self.cleaned_data["muc_tieu"] == "loai":
            return Target(Goal.NEXT_CLASS)
        return Target(Goal.RANKS, self.cleaned_data["so_hang"])


class HistoryForm(TextCheckedForm):
    """How a merged unit takes its predecessors' values."""

    cach = forms.ChoiceField(
        label=gettext_lazy("Đơn vị hợp nhất lấy điểm của các đơn vị tiền thân theo"),
        choices=[
            (MergeRule.MEAN.value, gettext_lazy("trung bình cộng (như Bộ tính năm 2025)")),
            (MergeRule.WEIGHTED.value, gettext_lazy("bình quân theo một thuộc tính (dân số…)")),
        ],
        initial=MergeRule.MEAN.value,
    )
    thuoc_tinh = forms.CharField(
        label=gettext_lazy("Thuộc tính làm trọng số"), max_length=64, required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("cach") == MergeRule.WEIGHTED.value and not cleaned.get("thuoc_tinh"):
            self.add_error("thuoc_tinh", gettext("Chọn thuộc tính làm trọng số."))
        return cleaned

    def rule(self) -> MergeRule:
        return MergeRule(self.cleaned_data["cach"])
