from django import forms
from django.utils.translation import gettext_lazy as _

from cabinet.money import CURRENCIES

from .models import Category, Product, Warehouse
from .services import parse_attributes, parse_price


class ProductFilterForm(forms.Form):
    """The catalog's filters. Each field is checked on its own: a wrong one is ignored, the others apply."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, SKU or words")}))
    category = forms.SlugField(label=_("Category"), required=False, max_length=140)
    price_min = forms.DecimalField(label=_("Price from"), required=False, min_value=0, max_digits=12,
                                   decimal_places=2, localize=True,
                                   widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}))
    price_max = forms.DecimalField(label=_("Price to"), required=False, min_value=0, max_digits=12,
                                   decimal_places=2, localize=True,
                                   widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}))
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Product.Kind.choices, initial=Product.Kind.GOODS,
                             help_text=_("Goods have stock in warehouses and are delivered or picked up. Services "
                                         "(a massage, a consultation) and digital items have no stock and no "
                                         "delivery, and their orders have their own steps."))
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False, help_text=_("Your article code; optional."))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False,
                                      empty_label=_("No category"))
    price = forms.CharField(label=_("Price"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    currency = forms.ChoiceField(label=_("Currency"), choices=[(c, c) for c in CURRENCIES])
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    attributes = forms.CharField(label=_("Attributes"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("One per line, e.g. “Weight: 1 kg”."))
    is_active = forms.BooleanField(label=_("On sale"), required=False, initial=True)

    def clean_price(self):
        try:
            return parse_price(self.cleaned_data["price"])
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None

    def clean_attributes(self):
        try:
            return parse_attributes(self.cleaned_data["attributes"])
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None

    @classmethod
    def initial_for(cls, product: Product) -> dict:
        return {"name": product.name, "kind": product.kind, "sku": product.sku or "", "category": product.category_id,
                "price": f"{product.price:.2f}", "currency": product.currency, "description": product.description,
                "attributes": "\n".join(f"{k}: {v}" for k, v in (product.attributes or {}).items()),
                "is_active": product.is_active}


class ImageForm(forms.Form):
    image = forms.ImageField(label=_("Photo"), help_text=_("JPEG, PNG, GIF or WebP, up to 5 MB and 16 megapixels."),
                             widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}))
    alt_text = forms.CharField(label=_("What the photo shows"), max_length=200, required=False,
                               help_text=_("Read aloud to customers who cannot see it."))


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = forms.ModelChoiceField(label=_("Inside category"), queryset=Category.objects.all(), required=False,
                                    empty_label=_("None (top level)"))
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=100000, initial=0,
                                  help_text=_("Smaller numbers come first."))


class WarehouseForm(forms.ModelForm):
    class Meta:
        model = Warehouse
        fields = ["name", "address", "is_pickup_point", "is_active"]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_(
        "UTF-8, first line: sku, name, category, price, currency, quantity, warehouse, kind. Quantity, "
        "warehouse and kind (goods, service or digital; goods when empty) are optional. Up to 5000 rows and 2 MB."), widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))
    apply_valid_rows = forms.BooleanField(
        label=_("If some rows are wrong, still import the correct ones"), required=False,
        help_text=_("Without this, a file with any wrong row changes nothing and you get the list of problems."))
