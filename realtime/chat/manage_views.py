"""The operators' inbox in the manage area: the conversations (queue, mine, all open, closed, search), one
conversation with its history and live socket, and the writes on it (reply or private note, take,
transfer, close, reopen); canned replies the business keeps."""

import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cabinet.accounts.permissions import role_required

from . import selectors, services
from .module import MODULE

operators = role_required(*MODULE.manage_roles("inbox"))
editors = role_required(*MODULE.manage_roles("canned"))
VIEWS = ("queue", "mine", "open", "closed")
HISTORY_ON_PAGE = 200


def _view(request) -> str:
    view = request.GET.get("view", "")
    return view if view in VIEWS else "open"


@require_GET
@operators
def inbox(request):
    view, query = _view(request), request.GET.get("q", "")[:100]
    rows = list(selectors.inbox(request.user, view="" if view == "open" else view, query=query)[:100])
    return render(request, "chat/manage_inbox.html", {"rows": rows, "view": view, "query": query,
                                                      "views": VIEWS})


def _conversation(pk):
    found = selectors.conversation(pk)
    if found is None:
        raise Http404
    return found


@require_GET
@operators
def conversation(request, pk):
    found = _conversation(pk)
    history = selectors.replay(found.pk, after=max(0, found.last_seq - HISTORY_ON_PAGE), staff=True)
    return render(request, "chat/manage_conversation.html", {
        "conversation": found, "history": history, "last_seq": history[-1].seq if history else 0,
        "canned": selectors.canned_replies(), "operators": selectors.operators().exclude(pk__in=[found.assignee_id or 0, request.user.pk]),
        "client_id": uuid.uuid4().hex, "row": selectors.inbox_row(request.user, found.pk)})


@require_GET
@operators
def row(request, pk):
    """One row of the inbox, drawn again when the socket says the conversation changed."""
    found = selectors.inbox_row(request.user, pk)
    if found is None:
        raise Http404
    return render(request, "chat/manage_row.html", {"item": found})


def _act(request, pk, action, done: str):
    found = _conversation(pk)
    try:
        action(found)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    except PermissionDenied:
        raise
    else:
        messages.success(request, done)
    return redirect("chat-manage:conversation", pk=found.pk)


@require_POST
@operators
def send(request, pk):
    found = _conversation(pk)
    try:
        services.post_message(conversation_id=found.pk, author=request.user, body=request.POST.get("body", ""),
                              client_id=request.POST.get("client_id", ""), note=request.POST.get("note") == "1")
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("chat-manage:conversation", pk=found.pk)


@require_POST
@operators
def take(request, pk):
    return _act(request, pk, lambda c: services.take(conversation_id=c.pk, operator=request.user),
                _("The conversation is yours."))


@require_POST
@operators
def transfer(request, pk):
    raw = request.POST.get("to", "")
    to = get_user_model().objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    return _act(request, pk, lambda c: services.transfer(conversation_id=c.pk, to=to, by=request.user),
                _("The conversation is handed over."))


@require_POST
@operators
def close(request, pk):
    return _act(request, pk, lambda c: services.close(conversation_id=c.pk, by=request.user),
                _("The conversation is closed."))


@require_POST
@operators
def reopen(request, pk):
    return _act(request, pk, lambda c: services.reopen(conversation_id=c.pk, by=request.user),
                _("The conversation is open again."))


@require_http_methods(["GET", "POST"])
@editors
def canned(request):
    errors, values = {}, {"title": "", "body": ""}
    if request.method == "POST":
        values = {"title": request.POST.get("title", ""), "body": request.POST.get("body", "")}
        try:
            services.save_canned_reply(**values)
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("The reply is saved."))
            return redirect("chat-manage:canned")
    return render(request, "chat/manage_canned.html", {"replies": selectors.canned_replies(), "errors": errors,
                                                       "values": values}, status=400 if errors else 200)


@require_POST
@editors
def delete_canned(request, pk):
    services.delete_canned_reply(pk=pk)
    messages.success(request, _("The reply is deleted."))
    return redirect("chat-manage:canned")
