"""The customer's pages of notifications: the list behind the bell, and the browser's push subscription."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .channels.push import public_key
from .models import Notification

signed_in = login_required(login_url="accounts:login")


@signed_in
@require_http_methods(["GET"])
def notification_list(request):
    items = selectors.notifications_of(request.user)
    return render(request, "notifications/list.html", {"items": items,
                                                       "unread": any(i.read_at is None for i in items)})


@signed_in
@require_POST
def read_all(request):
    services.mark_read(user=request.user)
    return redirect("notifications:list")


@signed_in
@require_http_methods(["GET"])
def open_notification(request, notification_id: int):
    """Marks the notification read and goes where it points (a page of this portal only)."""
    item = get_object_or_404(Notification, pk=notification_id, recipient=request.user, in_portal=True)
    services.mark_read(user=request.user, notification_id=item.pk)
    safe = url_has_allowed_host_and_scheme(item.url, allowed_hosts={request.get_host()}, require_https=False)
    return redirect(item.url if item.url and safe else "notifications:list")


@signed_in
@require_http_methods(["GET"])
def push_key(request):
    return JsonResponse({"public_key": public_key()})


@signed_in
@require_http_methods(["POST", "DELETE"])
def push_subscription(request):
    """Saves (POST) or forgets (DELETE) this browser's push subscription, sent as the Push API's JSON."""
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"error": "invalid_json", "detail": "Send the subscription as JSON."}, status=400)
    endpoint = str(data.get("endpoint") or "")
    if request.method == "DELETE":
        services.delete_push_subscription(user=request.user, endpoint=endpoint)
        return JsonResponse({"subscribed": False})
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    try:
        services.save_push_subscription(user=request.user, endpoint=endpoint, p256dh=str(keys.get("p256dh") or ""),
                                        auth=str(keys.get("auth") or ""),
                                        user_agent=request.headers.get("user-agent", ""))
    except ValidationError as error:
        return JsonResponse({"error": "invalid_subscription", "detail": error.message_dict}, status=400)
    return JsonResponse({"subscribed": True}, status=201)
