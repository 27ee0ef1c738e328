"""Customer pages of documents: the list and the access-checked download."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cabinet import uploads

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
    response = uploads.protected_file(document.file, filename=document.original_name,
                                      content_type=document.content_type)
    services.record_download(document, request.user, request.META.get("REMOTE_ADDR"))
    return response
