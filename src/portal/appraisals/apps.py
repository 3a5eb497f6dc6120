from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AppraisalsConfig(AppConfig):
    name = "portal.appraisals"
    label = "appraisals"
    verbose_name = pgettext_lazy("section", "Thẩm định")
