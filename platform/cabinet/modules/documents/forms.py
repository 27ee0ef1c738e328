from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.selectors import find_customer
from cabinet.uploads import ACCEPT

from .models import Document
from .services import MAX_UPLOAD_BYTES, check_upload


def _file_help() -> str:
    return gettext("PDF, image or office document, up to %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}


# Formatted when a page is drawn, in its language (a lazy string formatted here would stay English).
file_help = lazy(_file_help, str)


class UploadForm(forms.Form):
    customer = forms.CharField(
        label=_("Customer"), max_length=254,
        help_text=_("The customer's e-mail, phone or contract/account number."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}))
    title = forms.CharField(label=pgettext_lazy("document", "Title"),
                            max_length=Document._meta.get_field("title").max_length)
    category = forms.ChoiceField(label=_("Category"), choices=Document.Category.choices)
    file = forms.FileField(
        label=_("File"), help_text=file_help(),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    def clean_customer(self):
        customer = find_customer(self.cleaned_data["customer"])
        if customer is None:
            raise ValidationError(_("No customer has this e-mail, phone or number."))
        return customer

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories")), *Document.Category.choices])
