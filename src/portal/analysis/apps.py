from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AnalysisConfig(AppConfig):
    """Analysis for the office and leadership: how sure each rank is, and what-if rankings
    under other weights, policies or class bands. It reads a campaign's results (the
    official report's) and calls the core; it writes nothing."""

    name = "portal.analysis"
    label = "analysis"
    verbose_name = pgettext_lazy("section", "Phân tích kết quả")
