from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class CampaignsConfig(AppConfig):
    name = "portal.campaigns"
    label = "campaigns"
    verbose_name = pgettext_lazy("section", "Đợt đánh giá")
