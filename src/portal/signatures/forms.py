"""The office's forms on the signatures page: they validate, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from portal.form_text import TextCheckedForm
from portal.signatures.models import SubmissionMode

MODE_MEANINGS = {
    SubmissionMode.OFF: gettext_lazy(
        "Thủ trưởng đơn vị phê duyệt bản tự đánh giá trên cổng, không ký số."
    ),
    SubmissionMode.OPTIONAL: gettext_lazy(
        "Thủ trưởng có thể tải bản PDF của bản tự đánh giá, ký số bằng công cụ của mình rồi "
        "tải lên; phê duyệt không cần chữ ký."
    ),
    SubmissionMode.REQUIRED: gettext_lazy(
        "Phê duyệt chỉ hoàn tất khi thủ trưởng tải lên bản PDF đã ký số và chữ ký được kiểm "
        "tra là hợp lệ, đúng người ký, đúng bản đã gửi."
    ),
}


class SettingsForm(TextCheckedForm):
    submission_mode = forms.ChoiceField(
        label=gettext_lazy("Chữ ký số của thủ trưởng trên bản tự đánh giá"),
        choices=SubmissionMode.choices,
        widget=forms.RadioSelect,
    )
    unchecked_revocation_ok = forms.BooleanField(
        label=gettext_lazy("Chấp nhận chữ ký chưa kiểm tra được việc thu hồi chứng thư"),
        help_text=gettext_lazy(
            "Phần lớn tệp đã ký không kèm dữ liệu thu hồi (OCSP, CRL), và cổng không tra cứu "
            "trực tuyến. Bỏ chọn thì chữ ký như vậy bị từ chối; để chọn thì chữ ký vẫn được "
            "nhận, kèm lời lưu ý."
        ),
        required=False,
    )


class RootForm(TextCheckedForm):
    file = forms.FileField(
        label=gettext_lazy("Tệp chứng thư gốc (PEM hoặc DER)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pem,.crt,.cer,.der"}),
    )


class RefuseForm(TextCheckedForm):
    reason = forms.CharField(
        label=gettext_lazy("Lý do từ chối"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
