"""Forms of the manage area's core sections: branding, staff invitations, module settings, numbers."""

from __future__ import annotations

import re
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse_lazy
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

import verticals
from cabinet import images
from cabinet.accounts.selectors import AccountNumberKind
from cabinet.registry import Module

from .models import Branding, StaffInvite
from .selectors import contrast_report

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MESSENGER_SCHEMES = ("tg:", "viber:", "whatsapp:", "skype:", "sms:")


def contrast_problem(colour: str) -> str | None:
    """The refusal message for a brand colour that is hard to read as text on white, else None."""
    report = contrast_report(colour)
    if report["ok"]:
        return None
    return str(_("Contrast %(ratio)s is too low for text on white (needs %(needed)s). Try %(suggestion)s.") % {
        "ratio": report["ratio_text"], "needed": report["needed"], "suggestion": report["suggestion"]})


def check_messenger_link(line: str) -> None:
    lowered = line.lower()
    if lowered.startswith(("http://", "https://")):
        URLValidator(schemes=["http", "https"])(line)
        return
    scheme = next((s for s in MESSENGER_SCHEMES if lowered.startswith(s)), None)
    if scheme is None or len(line) == len(scheme) or any(ch.isspace() or ch in "<>\"'" for ch in line):
        raise ValidationError("bad link")


class ColourInput(forms.TextInput):
    """A #RRGGBB text box with a colour picker beside it; a small script keeps both in step."""

    template_name = "portal/widgets/colour_input.html"

    def __init__(self, attrs=None):
        super().__init__({"pattern": "#[0-9a-fA-F]{6}", "maxlength": "7", "size": "8", "spellcheck": "false",
                          "autocomplete": "off", **(attrs or {})})


def contrast_check(name: str) -> dict[str, object]:
    """htmx attributes that ask the server for the contrast of the typed colour while the user types."""
    return {"hx-get": reverse_lazy("portal:manage-branding-contrast"), "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#contrast-{name}", "hx-swap": "innerHTML", "hx-sync": "this:replace",
            "aria-describedby": f"contrast-{name}"}


def _country_choices():
    from django.conf import settings

    from cabinet.accounts.identifiers import country_choices

    choices = country_choices()
    default = dict(choices).get(settings.DEFAULT_COUNTRY, settings.DEFAULT_COUNTRY)
    return [("", _("Platform default (%(country)s)") % {"country": default}), *choices]


class BrandingForm(forms.ModelForm):
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=_country_choices,
        help_text=_("Phone numbers of this country may be typed without the country code and are shown in its "
                    "national format."))
    time_zone = forms.ChoiceField(
        label=_("Time zone"), required=False, choices=lambda: [(name, name) for name in sorted(zoneinfo.available_timezones())],
        help_text=_("Where your business is: quiet hours of SMS and push notifications and the day recurring "
                    "orders are placed follow it."))

    class Meta:
        model = Branding
        fields = ["portal_name", "logo", "favicon", "primary_color", "accent_color", "welcome_text", "terms_text",
                  "contact_addresses", "contact_phones", "working_hours", "messenger_links", "country",
                  "time_zone"]
        widgets = {
            "primary_color": ColourInput(attrs={"data-preview": "--brand", **contrast_check("primary_color")}),
            "accent_color": ColourInput(attrs={"data-preview": "--accent", **contrast_check("accent_color")}),
            "portal_name": forms.TextInput(attrs={"data-preview": "name"}),
            "welcome_text": forms.Textarea(attrs={"rows": 3, "data-preview": "welcome"}),
            "terms_text": forms.Textarea(attrs={"rows": 4}),
            "contact_addresses": forms.Textarea(attrs={"rows": 2, "data-preview": "addresses"}),
            "contact_phones": forms.Textarea(attrs={"rows": 2, "data-preview": "phones"}),
            "working_hours": forms.Textarea(attrs={"rows": 2, "data-preview": "hours"}),
            "messenger_links": forms.Textarea(attrs={"rows": 2, "data-preview": "links"}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp",
                                                    "data-preview": "logo"}),
            "favicon": forms.ClearableFileInput(attrs={"accept": "image/png,image/x-icon,image/gif,image/jpeg,"
                                                                 "image/webp"}),
        }
        help_texts = {
            "logo": _("PNG, JPEG, GIF or WebP, up to 1 MB and 2000 pixels a side."),
            "favicon": _("The small icon of browser tabs: PNG or ICO, up to 256 KB and 512 pixels a side."),
            "primary_color": _("Header background and links. It must read well as text on white (4.5:1)."),
            "accent_color": _("Buttons and highlights. It must read well as text on white (4.5:1)."),
            "messenger_links": _("One link per line: https://…, tg:…, viber:… or whatsapp:…"),
        }

    @staticmethod
    def is_colour(value: str) -> bool:
        return bool(HEX_COLOUR.match(value or ""))

    def clean_time_zone(self):
        return self.cleaned_data.get("time_zone") or "UTC"

    def clean_portal_name(self):
        name = self.cleaned_data["portal_name"].strip()
        if not name:
            raise ValidationError(_("Enter the name of your portal."))
        return name

    def _clean_colour(self, name: str) -> str:
        colour = (self.cleaned_data.get(name) or "").strip().lower()
        if not colour.startswith("#"):
            colour = "#" + colour
        if not HEX_COLOUR.match(colour):
            raise ValidationError(_("Enter a colour as #RRGGBB, for example #1f5eff."))
        problem = contrast_problem(colour)
        if problem:
            raise ValidationError(problem)
        return colour

    def clean_primary_color(self):
        return self._clean_colour("primary_color")

    def clean_accent_color(self):
        return self._clean_colour("accent_color")

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        images.check_image(logo, images.LOGO)
        return logo

    def clean_favicon(self):
        favicon = self.cleaned_data.get("favicon")
        images.check_image(favicon, images.FAVICON)
        return favicon

    def clean_contact_phones(self):
        lines = [line.strip() for line in self.cleaned_data["contact_phones"].splitlines() if line.strip()]
        for line in lines:
            if not re.fullmatch(r"\+?[\d\s().\-]+", line) or sum(ch.isdigit() for ch in line) < 5:
                raise ValidationError(_("“%(line)s” does not look like a phone number.") % {"line": line})
        return "\n".join(lines)

    def clean_messenger_links(self):
        lines = [line.strip() for line in self.cleaned_data["messenger_links"].splitlines() if line.strip()]
        if len(lines) > 10:
            raise ValidationError(_("Up to 10 links, please."))
        for line in lines:
            try:
                check_messenger_link(line)
            except ValidationError:
                raise ValidationError(_("“%(line)s” is not a link. Use https://…, tg:…, viber:… or whatsapp:…")
                                      % {"line": line}) from None
        return "\n".join(lines)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=StaffInvite.Role.choices,
                             help_text=_("Manager: everything but staff. Operator: chat and support. "
                                         "Content editor: news and pages."))


class AcceptInviteForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise ValidationError(_("Enter your name."))
        return name

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(
                    first, get_user_model()(email=self.email, full_name=cleaned.get("full_name", "")))
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[c for c in get_user_model().Role.choices if c[0] != "customer"])


class AccountNumberForm(forms.Form):
    contact = forms.CharField(label=_("Customer's e-mail or phone"), max_length=254)
    number = forms.CharField(label=_("Number"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=AccountNumberKind.choices)


class CustomerGroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=60,
                           help_text=_("E.g. “Partners” or “VIP guests”. Discount rules can target a group."))


class GroupMemberForm(forms.Form):
    customer = forms.CharField(label=_("Customer's e-mail, phone or number"), max_length=200)


class NumbersImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_(
        "UTF-8, first line: email (or phone), number, kind. Kind is “contract” or “account”; "
        "empty means contract. Up to 5000 rows and 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))
    apply_valid_rows = forms.BooleanField(
        label=_("If some rows are wrong, still attach the correct ones"), required=False,
        help_text=_("Without this, a file with any wrong row changes nothing and you get the list of problems."))


class VerticalForm(forms.Form):
    vertical = forms.ChoiceField(label=_("Industry template"), choices=())
    apply_default_modules = forms.BooleanField(
        label=_("Also switch modules to the template's set"), required=False,
        help_text=_("Modules outside the set are switched off; their data is kept for when you switch them on."))
    confirm = forms.BooleanField(label=_("I understand: the wording changes at once; no data is deleted."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vertical"].choices = [(v.key, v.title) for v in verticals.VERTICALS.values()]


def module_settings_form(module: Module, values: dict, data=None) -> forms.Form:
    """A form with one field per setting the module declares, filled with the tenant's values."""
    fields: dict[str, forms.Field] = {}
    for setting in module.settings:
        initial = values.get(setting.key)
        if setting.shown_as:
            initial = import_string(setting.shown_as)(initial)
        common = {"label": setting.label, "help_text": setting.help_text, "initial": initial}
        if setting.kind == "bool":
            fields[setting.key] = forms.BooleanField(required=False, **common)
        elif setting.kind == "int":
            fields[setting.key] = forms.IntegerField(min_value=setting.min_value, max_value=setting.max_value,
                                                     **common)
        elif setting.kind == "choice":
            fields[setting.key] = forms.ChoiceField(choices=setting.choices, **common)
        else:
            fields[setting.key] = forms.CharField(required=False, max_length=2000,
                                                  widget=forms.Textarea(attrs={"rows": 2}), **common)
    form_class = type(f"{module.key.title()}SettingsForm", (forms.Form,), fields)
    return form_class(data, prefix=f"settings-{module.key}")



class LegalDetailsForm(forms.Form):
    """The business's legal details for invoices; the checks are the service's (portal.legal)."""

    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    tax_number = forms.CharField(label=_("Tax number"), max_length=40, required=False,
                                 help_text=_("For example 7707083893, UA12345678 or DE123456789."))
    address = forms.CharField(label=_("Legal address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    bank_name = forms.CharField(label=_("Bank"), max_length=200, required=False)
    bank_account = forms.CharField(label=_("Bank account or IBAN"), max_length=60, required=False)
    bank_code = forms.CharField(label=_("Bank code (BIC, SWIFT, MFO)"), max_length=20, required=False)
