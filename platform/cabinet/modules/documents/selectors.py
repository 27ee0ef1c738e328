"""Reads of documents: a customer's own, the manage area's list, and who may download what."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from cabinet.accounts.models import AccountNumber
from cabinet.accounts.permissions import has_role

from .models import Document
from .module import MODULE

# Staff roles that manage documents (the owner always may); they may also download any document.
STAFF_ROLES = MODULE.manage_roles("list")  # the roles of its entry in module.py

def customer_documents(user) -> QuerySet[Document]:
    return Document.objects.filter(customer=user)


def document_counts(user) -> tuple[int, int]:
    """(all, not yet opened) documents of the customer, in one query."""
    figures = Document.objects.filter(customer=user).aggregate(
        total=Count("id"), new=Count("id", filter=Q(viewed_at__isnull=True)))
    return figures["total"], figures["new"]


def staff_document_figures() -> dict[str, int]:
    """Documents handed out, and of them not opened by their customer yet, for the owner's overview: one query."""
    return Document.objects.aggregate(total=Count("id"), unopened=Count("id", filter=Q(viewed_at__isnull=True)))


def has_documents() -> bool:
    return Document.objects.exists()


def staff_documents(*, query: str = "", category: str = "") -> QuerySet[Document]:
    """The manage area's list, newest first, filtered by customer (name, e-mail, phone, number) or title."""
    documents = Document.objects.select_related("customer", "uploaded_by")
    if category in Document.Category.values:
        documents = documents.filter(category=category)
    text = (query or "").strip()
    if text:
        numbered = AccountNumber.objects.filter(number__iexact=text).values("user_id")
        documents = documents.filter(
            Q(title__icontains=text) | Q(customer__full_name__icontains=text) | Q(customer__email__icontains=text)
            | Q(customer__phone__icontains=text) | Q(customer__in=numbered))
    return documents


def can_download(user, document: Document) -> bool:
    return document.customer_id == user.pk or has_role(user, STAFF_ROLES)


def downloadable_document(user, pk: int) -> Document | None:
    """The document `user` may download: their own, or any of this tenant's for document staff."""
    if not user.is_authenticated:
        return None
    documents = Document.objects.all() if has_role(user, STAFF_ROLES) else Document.objects.filter(customer=user)
    return documents.filter(pk=pk).first()


def personal_data(user) -> dict[str, Any]:
    """For "Export my data": the documents the business gave the customer (not the files themselves)."""
    return {
        "documents": [
            {"title": d.title, "category": d.category, "file_name": d.original_name,
             "created_at": d.created_at.isoformat(), "viewed_at": d.viewed_at.isoformat() if d.viewed_at else None}
            for d in customer_documents(user)
        ],
    }


def personal_files(user):
    """For "Export my data": the customer's documents as files, named <document id>-<original name>."""
    for document in customer_documents(user).order_by("id"):
        yield f"{document.pk}-{document.original_name}", document.file
