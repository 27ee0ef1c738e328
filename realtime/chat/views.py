"""The customer's chat page: the conversation full screen (what the chat button opens), usable without
scripts too (a form that posts a message; the page shows the history)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services

customer_login = login_required(login_url="accounts:login")
HISTORY_ON_PAGE = 100


def _customer(request):
    if request.user.is_business_staff:  # staff answer in the manage area's inbox
        raise PermissionDenied
    return request.user


@require_GET
@customer_login
def panel(request):
    conversation = services.conversation_for(_customer(request))
    history = selectors.replay(conversation.pk, after=max(0, conversation.last_seq - HISTORY_ON_PAGE), staff=False)
    return render(request, "chat/panel.html", {
        "conversation": conversation, "history": history, "availability": selectors.availability(),
        "client_id": uuid.uuid4().hex, "last_seq": history[-1].seq if history else 0})


@require_POST
@customer_login
def send(request):
    conversation = services.conversation_for(_customer(request))
    try:
        services.post_message(conversation_id=conversation.pk, author=request.user, body=request.POST.get("body", ""),
                              client_id=request.POST.get("client_id", ""))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("chat:panel")
