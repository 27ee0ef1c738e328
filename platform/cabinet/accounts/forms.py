from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import selectors
from .identifiers import format_phone, normalise_phone, phone_example, phone_or_none
from .models import DeliveryAddress


def phone_help(with_either: bool = False) -> str:
    """The hint under a phone field: how a number of the business's country is written, and that others
    need their country code."""
    text = _("For example %(example)s; a number of another country with + and its code.") % {
        "example": phone_example()}
    if with_either:
        text = f"{text} {_('Enter an e-mail, a phone, or both.')}"
    return text


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in by e-mail and password, limited to the people `allowed` accepts."""

    username = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True,
                                                                               "autocomplete": "email"}))
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail or password is not right. Both are case-sensitive for the password."),
        "not_allowed": _("This account cannot sign in here."),
    }

    def allowed(self, user) -> bool:
        return True

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not self.allowed(user):
            raise forms.ValidationError(self.error_messages["not_allowed"], code="not_allowed")


class StaffAuthenticationForm(EmailAuthenticationForm):
    """The business's manage area: owner and staff roles, never customers."""

    def allowed(self, user) -> bool:
        return user.is_business_staff


class PlatformStaffAuthenticationForm(EmailAuthenticationForm):
    """The platform console: platform staff only."""

    def allowed(self, user) -> bool:
        return user.is_staff


class CustomerLoginForm(AuthenticationForm):
    """The portal's sign-in: e-mail, phone or contract/personal-account number, and "Remember me"."""

    username = forms.CharField(
        label=_("E-mail, phone or contract number"), max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none",
                                      "spellcheck": "false"}))
    remember_me = forms.BooleanField(label=_("Remember me for 30 days"), required=False)
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("We could not sign you in with this identifier and password. Check both and try "
                           "again."),
        "inactive": _("This account is closed."),
    }


class RegistrationForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("E-mail"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    password1 = forms.CharField(label=_("Password"), strip=False,
                                help_text=_("At least 8 characters; not only digits and not a common password."),
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    accept_terms = forms.BooleanField(label=_("I accept the terms of use"), required=False)

    def __init__(self, *args, terms_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = phone_help(with_either=True)
        self.terms_required = terms_required
        if terms_required:
            self.fields["accept_terms"].required = True
            self.fields["accept_terms"].error_messages["required"] = _(
                "Please read and accept the terms of use to register.")
        else:
            del self.fields["accept_terms"]

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        return name

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if email and selectors.email_taken(email):
            raise forms.ValidationError(_("An account with this e-mail already exists. Log in or reset the "
                                          "password."))
        return email or None

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return None
        phone = normalise_phone(raw)
        if selectors.phone_taken(phone):
            raise forms.ValidationError(_("An account with this phone number already exists."))
        return phone

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone") and "email" not in self.errors \
                and "phone" not in self.errors:
            raise forms.ValidationError(_("Enter an e-mail address or a phone number."), code="no_contact")
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            from .models import User

            probe = User(email=data.get("email"), phone=data.get("phone"), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    language = forms.ChoiceField(label=_("Language"), required=False,
                                 choices=[("", _("As my browser says"))] + list(settings.LANGUAGES))
    birth_date = forms.DateField(label=_("Date of birth"), required=False,
                                 help_text=_("Optional. The business may greet you on your birthday."),
                                 widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"},
                                                        format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = phone_help()

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        return name

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "").strip()
        return normalise_phone(raw) if raw else None


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label=_("New e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    current_password = forms.CharField(label=_("Your current password"), strip=False,
                                       widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right."))
        return password


class AddressForm(forms.ModelForm):
    make_default = forms.BooleanField(label=_("Use as my default address"), required=False)

    class Meta:
        model = DeliveryAddress
        fields = ["label", "recipient", "line1", "line2", "city", "postcode", "country", "phone"]
        widgets = {
            "recipient": forms.TextInput(attrs={"autocomplete": "name"}),
            "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "country": forms.TextInput(attrs={"autocomplete": "country-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = phone_help()
        if self.instance.pk and self.instance.phone and not self.is_bound:
            self.initial["phone"] = format_phone(self.instance.phone)

    def clean_phone(self):
        raw = (self.cleaned_data.get("phone") or "").strip()
        return normalise_phone(raw) if raw else ""

    def clean(self):
        data = super().clean()
        for name in ("line1", "city"):
            if name in data and not (data[name] or "").strip():
                self.add_error(name, _("This field is required."))
        return data


class NotificationPreferencesForm(forms.Form):
    """A checkbox per (event, channel); field names are `<event>__<channel>`."""

    def __init__(self, rows, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in rows:
            cells = []
            for channel, label in selectors.CHANNELS:
                name = f"{row.event}__{channel}"
                # A locked event's boxes are disabled: the browser sends nothing and Django keeps the initial.
                attrs = {"aria-describedby": f"locked-{row.event}"} if row.locked else {}
                self.fields[name] = forms.BooleanField(required=False, initial=row.channels[channel], label=label,
                                                       disabled=row.locked, widget=forms.CheckboxInput(attrs))
                cells.append(self[name])
            self.rows.append((row, cells))

    def chosen(self) -> list[tuple[str, str]]:
        return [tuple(name.split("__", 1)) for name, on in self.cleaned_data.items() if on]

    def events(self) -> list[str]:
        return [row.event for row, _cells in self.rows]


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right."))
        return password


class TenantPasswordResetForm(forms.Form):
    """The e-mail to send a reset link to; a phone number is explained (a link goes to e-mail only)."""

    email = forms.CharField(label=_("E-mail"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))

    def clean_email(self):
        value = self.cleaned_data["email"].strip()
        if "@" not in value and phone_or_none(value):
            raise forms.ValidationError(_("A reset link can only be sent to an e-mail address. If you registered "
                                          "with a phone number only, get a code by SMS instead."),
                                        code="phone")
        forms.EmailField().clean(value)
        return value


class SmsResetRequestForm(forms.Form):
    """The phone of an account registered without an e-mail, to text a reset code to."""

    phone = forms.CharField(label=_("Phone"), max_length=30,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "autofocus": True}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = phone_help()

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])


class SmsResetCodeForm(forms.Form):
    """The code the SMS brought and the new password, twice."""

    code = forms.CharField(label=_("Code from the SMS"), max_length=12,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))
    new_password1 = forms.CharField(label=_("New password"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                    help_text=password_validation.password_validators_help_text_html())
    new_password2 = forms.CharField(label=_("New password again"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") and data["new_password1"] != data["new_password2"]:
            self.add_error("new_password2", _("The two passwords do not match."))
        return data
