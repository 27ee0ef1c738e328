"""Customer pages of documents: the list and the access-checked download."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors, services


@require_GET
@login_required(login_url="accounts:login")
def document_list(request):
    documents = selectors.customer_documents(request.user)
    return render(request, "documents/list.html", {"documents": documents})


@require_GET
@login_required(login_url="accounts:login")
def download(request, pk):
    """Sends the file to its customer or to document staff of this tenant, and logs the access."""
    document = selectors.downloadable_document(request.user, pk)
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    services.record_download(document, request.user, request.META.get("REMOTE_ADDR"))
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
