from django.conf import settings
from django.core.management.base import BaseCommand

import verticals
from cabinet import mailbox
from tenants import services
from tenants.management.commands.setup_platform import DEMO_OWNER_PASSWORD
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Print the platform URL, every demo tenant's URL and the demo logins."

    def handle(self, *args, **options):
        w = self.stdout.write
        w("")
        w(self.style.SUCCESS("Kabinet is running"))
        w(f"  Platform:  {services.platform_url()}/   (signup: {services.platform_url()}/signup/)")
        if settings.PLATFORM_ADMIN_EMAIL:
            w(f"  Console:   {services.platform_url()}/console/   login {settings.PLATFORM_ADMIN_EMAIL}"
              f" / {settings.PLATFORM_ADMIN_PASSWORD}")
        for tenant in Tenant.objects.filter(kind=Tenant.Kind.BUSINESS, is_demo=True).order_by("slug"):
            vertical = verticals.get_vertical(tenant.vertical)
            w(f"  {vertical.title if vertical else tenant.vertical:<10} {services.tenant_url(tenant)}/   "
              f"manage: {services.tenant_url(tenant)}/manage/  login {tenant.owner_email} / {DEMO_OWNER_PASSWORD}")
            if vertical and vertical.demo_customers:
                w(f"{'':13}customer login {vertical.demo_customers[0][1]} / {verticals.DEMO_PASSWORD}")
        if mailbox.is_active() and settings.LOCAL_MAILBOX_PAGE:
            w(f"  Mailbox:   {mailbox.page_url()}   e-mails sent by Kabinet (opens on this machine only)")
        w(f"  Health:    {services.platform_url()}/healthz")
        w("")
