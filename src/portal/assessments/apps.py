from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AssessmentsConfig(AppConfig):
    name = "portal.assessments"
    label = "assessments"
    verbose_name = pgettext_lazy("section", "Tự đánh giá")
