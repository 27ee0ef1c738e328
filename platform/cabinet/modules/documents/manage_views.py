"""The manage area of documents: list and filter, upload for a customer, delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cabinet.accounts.permissions import role_required
from cabinet.forms import add_service_errors

from . import selectors, services
from .forms import FilterForm, UploadForm
from .models import Document

manage_roles = role_required(*selectors.STAFF_ROLES)  # the roles of its entry in module.py


@require_http_methods(["GET"])
@manage_roles
def document_list(request):
    filters = FilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    documents = selectors.staff_documents(query=cleaned.get("q", ""), category=cleaned.get("category", ""))
    page = Paginator(documents, 25).get_page(request.GET.get("page"))
    return render(request, "documents/manage_list.html", {"filters": filters, "page": page})


@require_http_methods(["GET", "POST"])
@manage_roles
def upload(request):
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.upload_document(customer=data["customer"], title=data["title"],
                                                category=data["category"], upload=data["file"],
                                                uploaded_by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is uploaded for %(customer)s.") % {
                "title": document.title, "customer": document.customer.display_name})
            return redirect("documents-manage:list")
    return render(request, "documents/manage_upload.html", {"form": form})


@require_http_methods(["GET", "POST"])
@manage_roles
def delete(request, pk):
    """Asks first (GET), deletes on the confirming POST."""
    document = get_object_or_404(Document.objects.select_related("customer"), pk=pk)
    if request.method == "POST":
        services.delete_document(document)
        messages.success(request, _("“%(title)s” is deleted.") % {"title": document.title})
        return redirect("documents-manage:list")
    return render(request, "documents/manage_delete.html", {"document": document})
