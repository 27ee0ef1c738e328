"""The manage area of support: the queue, a request with its thread, reply and status changes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cabinet.accounts.permissions import role_required

from . import selectors, services
from .forms import QueueFilterForm, ReplyForm, StatusForm
from .module import MODULE

STAFF_ROLES = MODULE.manage_roles("queue")  # the roles of its entry in module.py
support_staff = role_required(*STAFF_ROLES)


@require_GET
@support_staff
def queue(request):
    filters = QueueFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    status, query = chosen.get("status", ""), chosen.get("q", "")
    page = Paginator(selectors.staff_queue(status, query), 30).get_page(request.GET.get("page"))
    return render(request, "support/manage_queue.html", {"filters": filters, "page": page, "status": status,
                                                         "query": query})


def _request_or_404(pk):
    found = selectors.staff_request(pk)
    if found is None:
        raise Http404
    return found


def _detail(request, support_request, *, reply_form=None, status_form=None, status=200):
    context = {
        "support_request": support_request,
        "thread": selectors.thread(support_request),
        "changes": support_request.status_changes.select_related("changed_by"),
        "reply_form": reply_form or ReplyForm(),
        "status_form": status_form or StatusForm(initial={"status": support_request.status}),
    }
    return render(request, "support/manage_detail.html", context, status=status)


@require_GET
@support_staff
def detail(request, pk):
    return _detail(request, _request_or_404(pk))


@require_POST
@support_staff
def reply(request, pk):
    support_request = _request_or_404(pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.add_reply(support_request, author=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error.message_dict.get("body") or error.messages)
        else:
            messages.success(request, _("Your reply is sent to the customer."))
            return redirect("support-manage:detail", pk=pk)
    return _detail(request, support_request, reply_form=form, status=400)


@require_http_methods(["POST"])
@support_staff
def change_status(request, pk):
    support_request = _request_or_404(pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(support_request, form.cleaned_data["status"], by=request.user)
        except ValidationError as error:
            form.add_error("status", error.message_dict.get("status") or error.messages)
        else:
            messages.success(request, _("The status is changed."))
            return redirect("support-manage:detail", pk=pk)
    return _detail(request, support_request, status_form=form, status=400)
