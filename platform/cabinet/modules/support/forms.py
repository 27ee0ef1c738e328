from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cabinet.uploads import ACCEPT

from . import topics as topic_labels
from .models import Request
from .services import MAX_FILES, NAME_MAX, SUBJECT_MAX, TEXT_MAX


def _files_help() -> str:
    return gettext("Up to %(count)s files: PDF, images or office documents, up to %(mb)s MB each.") % {
        "count": MAX_FILES, "mb": settings.SUPPORT_ATTACHMENT_MAX_BYTES // (1024 * 1024)}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input; the service checks each (type by its bytes, size, count)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(required=False, label=_("Files"), help_text=lazy(_files_help, str)(), **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(FilesField, self).clean(item, initial) for item in items if item]


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
    files = FilesField()

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        # The stored topic is sent; the reader sees a default topic in their own language.
        self.fields["topic"].choices = [(topic, topic_labels.label(topic)) for topic in topics]


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    files = FilesField()


class StageForm(forms.Form):
    """Moves a request to a stage of its topic; `current` is the stage the mover saw ("" for none)."""

    stage = forms.TypedChoiceField(label=_("Stage"), coerce=int)
    current = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(stage.pk, stage.label) for stage in stages]

    def clean_current(self):
        value = (self.cleaned_data.get("current") or "").strip()
        if value and not value.isdigit():
            raise forms.ValidationError(_("Reload the page and choose again."))
        return int(value) if value else None


class AssigneeForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Assignee"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody")), *((m.pk, m.display_name) for m in staff)]


class TopicStagesForm(forms.Form):
    topic = forms.CharField(widget=forms.HiddenInput, max_length=200)
    stages = forms.CharField(label=_("Stages"), required=False, max_length=3000,
                             widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("One stage per line, in order. Leave empty for no stages."))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Request.Status.choices)


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Open requests")), *Request.Status.choices, ("all", _("All requests"))])

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Anybody")), ("mine", _("Mine")), ("none", _("Unassigned")),
                                           *((str(m.pk), m.display_name) for m in staff)]
