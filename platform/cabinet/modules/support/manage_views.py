"""The manage area of support: the queue, a request with its thread, reply, status, stage and assignee
changes, and the stages of each topic."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cabinet.accounts.permissions import role_required
from cabinet.forms import add_service_errors

from . import selectors, services
from . import stages as stage_names
from . import topics as topic_labels
from .forms import AssigneeForm, QueueFilterForm, ReplyForm, StageForm, StatusForm, TopicStagesForm
from .module import MODULE

STAFF_ROLES = MODULE.manage_roles("queue")  # the roles of its entry in module.py
support_staff = role_required(*STAFF_ROLES)
stage_editors = role_required(*MODULE.manage_roles("stages"))


@require_GET
@support_staff
def queue(request):
    staff = list(selectors.assignable_staff(STAFF_ROLES))
    filters = QueueFilterForm(request.GET or None, staff=staff)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    status, query = chosen.get("status", ""), chosen.get("q", "")
    requests = selectors.staff_queue(status, query, assignee=chosen.get("assignee", ""), me=request.user)
    page = Paginator(requests, 30).get_page(request.GET.get("page"))
    return render(request, "support/manage_queue.html", {"filters": filters, "page": page, "status": status,
                                                         "query": query})


def _request_or_404(pk):
    found = selectors.staff_request(pk)
    if found is None:
        raise Http404
    return found


def _detail(request, support_request, *, reply_form=None, status_form=None, stage_form=None, assignee_form=None,
            status=200):
    stages = selectors.topic_stages(support_request.topic)
    context = {
        "support_request": support_request,
        "thread": selectors.thread(support_request),
        "files": selectors.request_files(support_request),
        "history": selectors.history(support_request),
        "progress": selectors.progress(support_request),
        "reply_form": reply_form or ReplyForm(),
        "status_form": status_form or StatusForm(initial={"status": support_request.status}),
        "stage_form": stage_form or (StageForm(stages=stages, initial={
            "stage": support_request.stage_id, "current": support_request.stage_id or ""}) if stages else None),
        "assignee_form": assignee_form or AssigneeForm(staff=selectors.assignable_staff(STAFF_ROLES),
                                                       initial={"assignee": support_request.assignee_id}),
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
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_reply(support_request, author=request.user, body=form.cleaned_data["body"],
                               files=form.cleaned_data["files"])
        except ValidationError as error:
            add_service_errors(form, error)
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


@require_POST
@support_staff
def move_stage(request, pk):
    support_request = _request_or_404(pk)
    form = StageForm(request.POST, stages=selectors.topic_stages(support_request.topic))
    if form.is_valid():
        try:
            services.move_stage(support_request=support_request, stage_id=form.cleaned_data["stage"],
                                expected_stage_id=form.cleaned_data["current"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The request is moved; the customer is told."))
            return redirect("support-manage:detail", pk=pk)
    support_request = _request_or_404(pk)
    return _detail(request, support_request, stage_form=form, status=400)


@require_POST
@support_staff
def assign(request, pk):
    support_request = _request_or_404(pk)
    staff = list(selectors.assignable_staff(STAFF_ROLES))
    form = AssigneeForm(request.POST, staff=staff)
    if form.is_valid():
        chosen = next((member for member in staff if member.pk == form.cleaned_data["assignee"]), None)
        try:
            services.assign(support_request=support_request, assignee=chosen, by=request.user,
                            staff_roles=STAFF_ROLES)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The assignee is changed."))
            return redirect("support-manage:detail", pk=pk)
    return _detail(request, support_request, assignee_form=form, status=400)


@require_http_methods(["GET", "POST"])
@stage_editors
def stages(request):
    """The stages of each topic the business offers: one form per topic, one stage per line."""
    topics = selectors.topic_list(request.portal.setting("support", "topics"))
    current = selectors.stages_by_topic(topics)
    failed = None
    if request.method == "POST":
        failed = TopicStagesForm(request.POST)
        if failed.is_valid():
            try:
                services.save_topic_stages(topic=failed.cleaned_data["topic"], text=failed.cleaned_data["stages"],
                                           topics=topics)
            except ValidationError as error:
                add_service_errors(failed, error)
            else:
                messages.success(request, _("The stages are saved."))
                return redirect("support-manage:stages")
    forms = []
    for number, topic in enumerate(topics):
        if failed is not None and failed.data.get("topic") == topic:
            form = failed
            form.auto_id = f"id_%s_{number}"
        else:
            form = TopicStagesForm(auto_id=f"id_%s_{number}", initial={"topic": topic, "stages": stage_names.for_editing(
                [stage.name for stage in current[topic]])})
        forms.append((topic_labels.label(topic), form))
    if failed is not None and failed.errors and failed.data.get("topic") not in topics:
        messages.error(request, " ".join(failed.errors.get("topic", []) or [_("Choose one of the offered topics.")]))
    status = 400 if failed is not None and failed.errors else 200
    return render(request, "support/manage_stages.html", {"forms": forms}, status=status)
