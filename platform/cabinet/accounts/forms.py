from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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
