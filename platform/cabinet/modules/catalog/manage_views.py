"""The manage area of the catalog: products with photos and stock, categories, warehouses, reservations,
CSV import and export. For the owner and managers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cabinet.accounts.permissions import role_required
from cabinet.forms import add_service_errors

from . import selectors, services
from .forms import CategoryForm, ImageForm, ImportForm, ProductForm, WarehouseForm
from .models import Category, Product, ProductImage, Warehouse
from .module import MODULE

catalog_staff = role_required(*MODULE.manage_roles("products"))  # the roles of its entry in module.py


def _object_or_404(model, pk):
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- Products ----------------------------------------------------------------------------------------------

@require_GET
@catalog_staff
def products(request):
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.staff_products(q), 30).get_page(request.GET.get("page"))
    return render(request, "catalog/manage_products.html", {"page": page, "q": q})


def _product_data(form) -> services.ProductData:
    data = form.cleaned_data
    return services.ProductData(
        name=data["name"], kind=data["kind"], sku=data["sku"], category=data["category"], price=data["price"],
        currency=data["currency"], description=data["description"], is_active=data["is_active"],
        attributes=data["attributes"])


def _save_product_form(request, product, form):
    """Saves a valid form through the service; returns the product or None (errors added to the form)."""
    if not form.is_valid():
        return None
    try:
        return services.save_product(product, _product_data(form))
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@require_http_methods(["GET", "POST"])
@catalog_staff
def product_new(request):
    form = ProductForm(request.POST or None)
    if request.method == "POST":
        product = _save_product_form(request, None, form)
        if product is not None:
            messages.success(request, _("The product is saved. Add photos and stock below."))
            return redirect("catalog-manage:product", pk=product.pk)
    return render(request, "catalog/manage_product_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def _product_page(request, product, *, form=None, image_form=None, stock_errors=None, status=200):
    return render(request, "catalog/manage_product.html", {
        "product": product, "form": form or ProductForm(initial=ProductForm.initial_for(product)),
        "image_form": image_form or ImageForm(), "stock": selectors.stock_table(product),
        "stock_errors": stock_errors or {}, "images": product.images.all()}, status=status)


@require_http_methods(["GET", "POST"])
@catalog_staff
def product_edit(request, pk):
    product = selectors.staff_product(pk)
    if product is None:
        raise Http404
    if request.method == "GET":
        return _product_page(request, product)
    form = ProductForm(request.POST)
    if _save_product_form(request, product, form) is not None:
        messages.success(request, _("The product is saved."))
        return redirect("catalog-manage:product", pk=pk)
    return _product_page(request, product, form=form, status=400)


@require_POST
@catalog_staff
def product_delete(request, pk):
    product = _object_or_404(Product, pk)
    try:
        services.delete_product(product)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("catalog-manage:product", pk=pk)
    messages.success(request, _("The product is deleted."))
    return redirect("catalog-manage:products")


@require_POST
@catalog_staff
def image_add(request, pk):
    product = selectors.staff_product(pk)
    if product is None:
        raise Http404
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_image(product, form.cleaned_data["image"], alt_text=form.cleaned_data["alt_text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The photo is added."))
            return redirect("catalog-manage:product", pk=pk)
    return _product_page(request, product, image_form=form, status=400)


@require_POST
@catalog_staff
def image_delete(request, pk):
    image = _object_or_404(ProductImage, pk)
    product_pk = image.product_id
    services.delete_image(image)
    messages.success(request, _("The photo is removed."))
    return redirect("catalog-manage:product", pk=product_pk)


@require_POST
@catalog_staff
def stock_update(request, pk):
    """Quantities per warehouse from the product page: fields "quantity-<warehouse id>"."""
    product = selectors.staff_product(pk)
    if product is None:
        raise Http404
    warehouses = {str(w.pk): w for w in Warehouse.objects.filter(is_active=True)}
    errors: dict[int, str] = {}
    changed = 0
    for key, value in request.POST.items():
        if not key.startswith("quantity-") or key[len("quantity-"):] not in warehouses:
            continue
        warehouse = warehouses[key[len("quantity-"):]]
        try:
            services.set_stock(product, warehouse, value)
            changed += 1
        except ValidationError as error:
            errors[warehouse.pk] = " ".join(error.messages)
    if errors:
        return _product_page(request, product, stock_errors=errors, status=400)
    messages.success(request, _("Stock is saved for %(count)s warehouses.") % {"count": changed})
    return redirect("catalog-manage:product", pk=pk)


# --- Categories -------------------------------------------------------------------------------------------

def _category_page(request, *, form=None, editing=None, status=200):
    return render(request, "catalog/manage_categories.html", {
        "categories": Category.objects.select_related("parent"), "form": form or CategoryForm(),
        "editing": editing}, status=status)


def _save_category(request, category):
    form = CategoryForm(request.POST)
    if form.is_valid():
        try:
            services.save_category(category, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The category is saved."))
            return redirect("catalog-manage:categories"), form
    return None, form


@require_http_methods(["GET", "POST"])
@catalog_staff
def categories(request):
    if request.method == "GET":
        return _category_page(request)
    done, form = _save_category(request, None)
    return done or _category_page(request, form=form, status=400)


@require_http_methods(["GET", "POST"])
@catalog_staff
def category_edit(request, pk):
    category = _object_or_404(Category, pk)
    if request.method == "GET":
        form = CategoryForm(initial={"name": category.name, "parent": category.parent_id,
                                     "position": category.position})
        return _category_page(request, form=form, editing=category)
    done, form = _save_category(request, category)
    return done or _category_page(request, form=form, editing=category, status=400)


@require_POST
@catalog_staff
def category_delete(request, pk):
    category = _object_or_404(Category, pk)
    try:
        services.delete_category(category)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The category is deleted."))
    return redirect("catalog-manage:categories")


# --- Warehouses ---------------------------------------------------------------------------------------------

def _warehouse_page(request, *, form=None, editing=None, status=200):
    return render(request, "catalog/manage_warehouses.html", {
        "warehouses": Warehouse.objects.all(), "form": form or WarehouseForm(), "editing": editing}, status=status)


def _save_warehouse(request, warehouse):
    form = WarehouseForm(request.POST)
    if form.is_valid():
        try:
            services.save_warehouse(warehouse, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The warehouse is saved."))
            return redirect("catalog-manage:warehouses"), form
    return None, form


@require_http_methods(["GET", "POST"])
@catalog_staff
def warehouses(request):
    if request.method == "GET":
        return _warehouse_page(request)
    done, form = _save_warehouse(request, None)
    return done or _warehouse_page(request, form=form, status=400)


@require_http_methods(["GET", "POST"])
@catalog_staff
def warehouse_edit(request, pk):
    warehouse = _object_or_404(Warehouse, pk)
    if request.method == "GET":
        return _warehouse_page(request, form=WarehouseForm(instance=warehouse), editing=warehouse)
    done, form = _save_warehouse(request, warehouse)
    return done or _warehouse_page(request, form=form, editing=warehouse, status=400)


# --- Reservations -------------------------------------------------------------------------------------------

@require_GET
@catalog_staff
def reservations(request):
    page = Paginator(selectors.active_reservation_list(), 50).get_page(request.GET.get("page"))
    return render(request, "catalog/manage_reservations.html", {"page": page, "now": timezone.now()})


@require_POST
@catalog_staff
def reservation_release(request):
    reference = request.POST.get("reference", "").strip()
    released = services.release(reference) if reference else 0
    if released:
        messages.success(request, _("Released the goods reserved under “%(reference)s”.") % {"reference": reference})
    else:
        messages.error(request, _("Nothing is reserved under “%(reference)s”.") % {"reference": reference})
    return redirect("catalog-manage:reservations")


# --- CSV ------------------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@catalog_staff
def import_csv(request):
    if request.method == "GET":
        return render(request, "catalog/manage_import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "catalog/manage_import.html", {"form": form}, status=400)
    report = services.import_products(form.cleaned_data["file"], apply_valid_rows=form.cleaned_data["apply_valid_rows"])
    if report.applied:
        messages.success(request, _("%(created)s products created, %(updated)s updated.") % {
            "created": report.created, "updated": report.updated})
    else:
        messages.error(request, _("Nothing was imported. See the problems below."))
    return render(request, "catalog/manage_import.html", {"form": ImportForm(), "report": report},
                  status=200 if report.ok else 400)


@require_GET
@catalog_staff
def export_csv(request):
    response = HttpResponse(services.export_products_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="catalog-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
