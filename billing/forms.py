from django import forms
from django.utils.translation import gettext_lazy as _


class StripeAccountForm(forms.Form):
    secret_key = forms.CharField(label=_("Secret key"), max_length=255, widget=forms.PasswordInput(render_value=False),
                                 help_text=_("Stripe dashboard → Developers → API keys; starts with sk_."))
    publishable_key = forms.CharField(label=_("Publishable key"), max_length=255,
                                      help_text=_("Starts with pk_; the card form uses it."))
    webhook_secret = forms.CharField(label=_("Webhook signing secret"), max_length=255,
                                     widget=forms.PasswordInput(render_value=False),
                                     help_text=_("Of the webhook endpoint shown above; starts with whsec_."))
