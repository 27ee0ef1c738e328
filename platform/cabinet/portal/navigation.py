"""What the platform core adds to the manage area, declared the way modules declare theirs: its sections
(each in an area of the navigation), its overview cards and its steps of the setup checklist."""

from django.utils.translation import gettext_lazy as _

from cabinet import registry
from cabinet.registry import ChecklistItem, ManageCard, ManageEntry

ALL_STAFF = registry.STAFF_ROLES

# The overview is the manage area's start page: the first link of the navigation, outside every area.
OVERVIEW_ENTRY = ManageEntry(_("Overview"), "portal:manage", roles=ALL_STAFF, icon="home", group="settings")

CORE_MANAGE_ENTRIES = (
    ManageEntry(_("Customers"), "portal:manage-customers", roles=("owner", "manager", "operator"), icon="people",
                group="customers"),
    ManageEntry(_("Customer groups"), "portal:manage-customer-groups", roles=("owner", "manager"), icon="people",
                group="customers"),
    ManageEntry(_("Branding"), "portal:manage-branding", roles=("owner", "manager"), icon="palette", group="settings"),
    ManageEntry(_("Legal details"), "portal:manage-legal", roles=("owner",), icon="file", group="settings"),
    ManageEntry(_("Modules"), "portal:manage-modules", roles=("owner", "manager"), icon="grid", group="settings"),
    ManageEntry(_("Staff"), "portal:manage-staff", roles=("owner",), icon="badge", group="settings"),
    ManageEntry(_("Delivery log"), "notifications:manage-log", roles=("owner", "manager"), icon="bell",
                group="settings"),
    ManageEntry(_("Card payments"), "billing:manage-stripe", roles=("owner",), icon="key", group="settings"),
)

CORE_MANAGE_CARDS = (
    ManageCard("cabinet.portal.cards.customers_card", roles=("owner", "manager")),
)

CORE_CHECKLIST = (
    ChecklistItem("branding", _("Brand your portal: logo and colours"), "portal:manage-branding",
                  done="cabinet.portal.selectors.is_branded"),
    ChecklistItem("customers", _("Invite your customers"), "portal:manage-customers",
                  done="cabinet.portal.selectors.has_customers",
                  help_text=_("Share your portal's address, or attach their contract numbers so they can sign in.")),
    ChecklistItem("first-sign-in", _("First customer signed in"), "portal:manage-customers",
                  done="cabinet.portal.selectors.customer_has_signed_in"),
    ChecklistItem("staff", _("Invite your staff"), "portal:manage-staff", roles=("owner",),
                  done="cabinet.portal.selectors.has_invited_staff"),
)

registry.check_manage_entries((OVERVIEW_ENTRY, *CORE_MANAGE_ENTRIES), "the core")
registry.check_checklist(CORE_CHECKLIST, "the core")
for _card in CORE_MANAGE_CARDS:
    registry.check_manage_card(_card, "the core")
