"""Sections of the manage area that belong to the platform core rather than to a module."""

from django.utils.translation import gettext_lazy as _

from cabinet.registry import ManageEntry

CORE_MANAGE_ENTRIES = (
    ManageEntry(_("Overview"), "portal:manage", roles=("owner", "manager", "operator", "editor"), icon="home"),
    ManageEntry(_("Branding"), "portal:manage-branding", roles=("owner", "manager"), icon="palette"),
    ManageEntry(_("Modules"), "portal:manage-modules", roles=("owner", "manager"), icon="grid"),
    ManageEntry(_("Customers"), "portal:manage-customers", roles=("owner", "manager"), icon="people"),
    ManageEntry(_("Staff"), "portal:manage-staff", roles=("owner",), icon="badge"),
)
