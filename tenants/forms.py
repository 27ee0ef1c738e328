from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

import verticals

from . import services


class SignupForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=120)
    slug = forms.CharField(
        label=_("Portal address"), max_length=services.SLUG_MAX + 10,
        help_text=_("Lowercase letters, digits and hyphens; your customers will open it."),
    )
    vertical = forms.ChoiceField(label=_("Industry template"), widget=forms.RadioSelect)
    owner_first_name = forms.CharField(label=_("Your first name"), max_length=75,
                                       widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    owner_last_name = forms.CharField(label=_("Your last name (optional)"), max_length=75, required=False,
                                      widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    owner_email = forms.EmailField(label=_("Your e-mail"), max_length=254)
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vertical"].choices = [(v.key, v.title) for v in verticals.VERTICALS.values()]
        # The language the page was shown in: the owner's manage area opens in it.
        self.language = language if language in dict(settings.LANGUAGES) else ""

    @property
    def owner_name(self) -> str:
        data = getattr(self, "cleaned_data", {})
        return " ".join(f"{data.get('owner_first_name', '')} {data.get('owner_last_name', '')}".split())

    def clean_slug(self):
        return self.cleaned_data["slug"].strip().lower()

    def clean_owner_email(self):
        return self.cleaned_data["owner_email"].strip().lower()

    def clean(self):
        data = super().clean()
        # The business rules run on every field that passed its own checks, so all problems show at once.
        errors = services.validate_new_tenant(
            slug=data.get("slug", ""), name=data.get("name", ""), vertical=data.get("vertical", ""),
            owner_email=data.get("owner_email", ""), owner_password=data.get("password", ""),
            owner_name=self.owner_name, owner_language=self.language)
        for field, messages in errors.items():
            field = {"owner_name": "owner_first_name", "owner_language": None}.get(field, field)
            if field not in self.errors:
                self.add_error(field, ValidationError(messages))
        return data

    def save(self) -> services.NewTenant:
        data = self.cleaned_data
        return services.create_tenant(slug=data["slug"], name=data["name"], vertical=data["vertical"],
                                      owner_email=data["owner_email"], owner_password=data["password"],
                                      owner_name=self.owner_name, owner_language=self.language)


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(choices=[("suspended", _("Suspend")), ("active", _("Resume"))])
    reason = forms.CharField(max_length=300, required=False)


class FindPortalForm(forms.Form):
    email = forms.EmailField(label=_("Your work e-mail"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Reason (kept in the history)"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
                             error_messages={"required": _("Give the reason for the suspension.")})
