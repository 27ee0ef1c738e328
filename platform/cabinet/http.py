"""Addresses that only take a form's POST, opened directly (a bookmark, a pasted link, the back button).

`post_only(to)` makes such a view send a GET to the page the form lives on; `UsefulMethodNotAllowedMiddleware`
gives every other 405 answer to a browser's GET a page that explains and links to the nearest page above
(status and Allow header kept), instead of Django's blank 405."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve


def post_only(to: str | Callable[..., str]):
    """A view that changes something on POST; a GET or HEAD is redirected to `to` (a URL name or path, or a
    function of the request and the view's arguments that returns one); other methods get 405."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                target = to(request, *args, **kwargs) if callable(to) else to
                return redirect(target)
            return HttpResponseNotAllowed(["POST"])

        return wrapper

    return decorator


def nearest_page_above(path: str) -> str:
    """The closest ancestor of `path` that is an address of this site ("/" at the latest)."""
    parts = [part for part in path.split("/") if part]
    while parts:
        parts.pop()
        candidate = "/" + "/".join(parts) + ("/" if parts else "")
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return "/"


class UsefulMethodNotAllowedMiddleware:
    """A browser's GET answered 405 (outside the JSON API, not htmx) gets a page saying that this address is
    used by a button, with a link to the page above it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code != 405 or request.method not in ("GET", "HEAD")
                or request.path.startswith("/api/") or request.headers.get("HX-Request")
                or response.get("Content-Type", "").startswith("application/json")):
            return response
        page = render(request, "method_not_allowed.html", {"back": nearest_page_above(request.path_info)},
                      status=405)
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page
