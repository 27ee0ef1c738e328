from django import forms
from django.utils.translation import gettext_lazy as _

from .services import COMMENT_MAX

SCORES = [(5, _("5 — excellent")), (4, _("4 — good")), (3, _("3 — fair")), (2, _("2 — poor")), (1, _("1 — bad"))]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label=_("How did we do?"), choices=SCORES, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=COMMENT_MAX,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Optional: what was good, what can we do better?"))


class ScoreFilterForm(forms.Form):
    score = forms.ChoiceField(label=_("Rating"), required=False,
                              choices=[("", _("All ratings")), *[(str(n), str(n)) for n in range(5, 0, -1)]])
