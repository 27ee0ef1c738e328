from django import forms
from django.utils.translation import gettext_lazy as _

from .services import NAME_MAX_LENGTH


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Key name"), max_length=NAME_MAX_LENGTH,
                           help_text=_("Where the key will be used, e.g. \"ERP\" or \"Warehouse scanner\"."))
