from django import forms
from django.utils.translation import gettext_lazy as _

from . import topics as topic_labels
from .models import Request
from .services import NAME_MAX, SUBJECT_MAX, TEXT_MAX


class RequestForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"))
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    message = forms.CharField(label=_("Message"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}))
    contact_name = forms.CharField(label=_("Your name"), max_length=NAME_MAX,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact_phone = forms.CharField(label=_("Phone"), max_length=32, required=False,
                                    widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    contact_email = forms.EmailField(label=_("E-mail"), required=False,
                                     widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                                     help_text=_("Leave a phone, an e-mail or both."))

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        # The stored topic is sent; the reader sees a default topic in their own language.
        self.fields["topic"].choices = [(topic, topic_labels.label(topic)) for topic in topics]


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Request.Status.choices)


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Open requests")), *Request.Status.choices, ("all", _("All requests"))])
