from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core import checks
from django.utils.translation import gettext_lazy


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = gettext_lazy("Người dùng và vai trò")

    def ready(self) -> None:
        from portal.accounts import sign_in  # noqa: F401  (connects remember_sign_in)
        from portal.site_checks import static_files_collected

        # the site's own deployment checks, registered with the site's first app
        checks.register(static_files_collected, checks.Tags.staticfiles, deploy=True)


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's site (admin_site.PortalAdminSite) as `admin.site`."""

    default = False  # "portal.accounts" in INSTALLED_APPS means AccountsConfig
    default_site = "portal.accounts.admin_site.PortalAdminSite"
