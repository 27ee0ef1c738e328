"""Creates a business from the command line, the same way signup does (replaces django-tenants' command)."""

import sys

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

import verticals
from cabinet.accounts.services import issue_login_token
from tenants import services


class Command(BaseCommand):
    help = "Create a business tenant: schema, domain, owner. Prints the portal URL and a one-time owner sign-in link."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="sub-domain, e.g. acme")
        parser.add_argument("--name", required=True, help="company name")
        parser.add_argument("--vertical", required=True, choices=sorted(verticals.VERTICALS))
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-name", default="", help="the owner's name, e.g. \"Olena Kovalenko\"")
        parser.add_argument("--language", default="", choices=["", *(code for code, _name in settings.LANGUAGES)],
                            help="the language the owner's manage area opens in (default: the browser's)")
        parser.add_argument("--password-stdin", action="store_true",
                            help="read the owner's password from standard input; otherwise the owner sets "
                                 "one through the printed sign-in link")
        parser.add_argument("--demo", action="store_true", help="also seed the vertical's demo customers")

    def handle(self, *args, **options):
        password = sys.stdin.readline().rstrip("\n") if options["password_stdin"] else None
        try:
            created = services.create_tenant(
                slug=options["slug"], name=options["name"], vertical=options["vertical"],
                owner_email=options["owner_email"], owner_password=password, owner_name=options["owner_name"],
                owner_language=options["language"], is_demo=options["demo"])
        except ValidationError as exc:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            raise CommandError(problems) from exc
        except services.ProvisioningError as exc:
            raise CommandError(str(exc)) from exc
        url = services.tenant_url(created.tenant)
        with tenant_context(created.tenant):
            token = issue_login_token(created.owner, lifetime=services.OPERATOR_LINK_LIFETIME)
        self.stdout.write(self.style.SUCCESS(f"Created {created.tenant.name} ({created.tenant.schema_name})"))
        self.stdout.write(f"Portal: {url}/")
        self.stdout.write(f"Owner sign-in link (single use, 72 h): {url}/manage/enter/{token}/")
