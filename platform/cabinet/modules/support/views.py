"""Customer pages of support: my requests, a new request, a request with its thread and progress, my tasks,
and the access-checked download of attachments (customers and staff)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cabinet import uploads
from cabinet.accounts.selectors import contact_prefill
from cabinet.forms import add_service_errors

from . import selectors, services
from .forms import ReplyForm, RequestForm
from .module import MODULE

STAFF_ROLES = MODULE.manage_roles("queue")  # who may open any request's files (the queue's roles)

customer_login = login_required(login_url="accounts:login")


def _topics(request) -> list[str]:
    return selectors.topic_list(request.portal.setting("support", "topics"))


@require_GET
@customer_login
def request_list(request):
    return render(request, "support/list.html", {"support_requests": selectors.customer_requests(request.user)})


@require_http_methods(["GET", "POST"])
@customer_login
def new_request(request):
    topics = _topics(request)
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES, topics=topics)
        if form.is_valid():
            try:
                created = services.create_request(customer=request.user, topics=topics, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your request is sent. We will answer here."))
                return redirect("support:detail", pk=created.pk)
    else:
        prefill = contact_prefill(request.user)
        form = RequestForm(topics=topics, initial={
            "topic": request.GET.get("topic") if request.GET.get("topic") in topics else topics[0],
            "contact_name": prefill["full_name"], "contact_phone": prefill["phone"],
            "contact_email": prefill["email"]})
    return render(request, "support/new.html", {"form": form})


def _own_request(request, pk):
    found = selectors.customer_request(request.user, pk)
    if found is None:
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
@customer_login
def request_detail(request, pk):
    support_request = _own_request(request, pk)
    form = ReplyForm(request.POST if request.method == "POST" else None,
                     request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_reply(support_request, author=request.user, body=form.cleaned_data["body"],
                               files=form.cleaned_data["files"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect("support:detail", pk=pk)
    context = {"support_request": support_request, "thread": selectors.thread(support_request), "form": form,
               "files": selectors.request_files(support_request), "progress": selectors.progress(support_request),
               # feedback (a module that builds on support) rates finished requests on its own page
               "rating_url_name": "feedback:rate" if request.portal.is_enabled("feedback") else ""}
    return render(request, "support/detail.html", context)


@require_POST
@customer_login
def close(request, pk):
    support_request = _own_request(request, pk)
    try:
        services.close_by_customer(support_request, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The request is closed. Thank you!"))
    return redirect("support:detail", pk=pk)


@require_GET
@customer_login
def tasks(request):
    """"My tasks": the customer's requests that move through the business's stages, each as progress."""
    return render(request, "support/tasks.html", {"tasks": selectors.customer_tasks(request.user)})


@require_GET
@customer_login
def attachment(request, pk):
    """Sends an attachment to the customer of its request or to support staff of this tenant; 404 otherwise."""
    found = selectors.attachment_for(request.user, pk, staff_roles=STAFF_ROLES)
    if found is None:
        raise Http404
    return uploads.protected_file(found.file, filename=found.original_name, content_type=found.content_type)
