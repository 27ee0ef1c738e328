from django import forms
from django.utils.translation import gettext_lazy as _

from cabinet.slugs import unique_slug

from .models import Club


class ClubForm(forms.ModelForm):
    class Meta:
        model = Club
        fields = ("name", "slug", "description", "access", "spend_threshold", "spend_currency", "spend_period",
                  "support_first", "active")
        widgets = {"spend_threshold": forms.TextInput(attrs={"inputmode": "decimal"}),
                   "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "slug": _("The club's address in the portal: latin letters, digits and hyphens."),
            "access": _("Open: anyone joins at once. By approval: staff let each customer in. By spend: customers "
                        "who spent the amount below are members, recalculated every hour and when an order is "
                        "completed."),
            "spend_threshold": _("Clubs by spend only: the sum of completed orders in the period."),
            "spend_period": _("Clubs by spend only."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or ""
        if slug:
            if Club.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
                raise forms.ValidationError(_("Another club has this address."))
            return slug
        return unique_slug(self.data.get("name") or "", Club.objects.all(), exclude_pk=self.instance.pk,
                           max_length=80, fallback="club")

    def clean(self):
        data = super().clean()
        if data.get("access") == Club.Access.SPEND:
            if not data.get("spend_threshold") or data["spend_threshold"] <= 0:
                self.add_error("spend_threshold", _("A club by spend needs an amount above 0."))
            if not data.get("spend_currency"):
                self.add_error("spend_currency", _("Choose the currency orders are counted in."))
        return data


class PostForm(forms.Form):
    body = forms.CharField(label=_("Your post"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class NewsForm(forms.Form):
    body = forms.CharField(label=_("Text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    is_news = forms.BooleanField(label=_("Club news: tell every member"), required=False, initial=True)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong with it?"), max_length=300, required=False)
