"""`/dev/mail/` on the platform host: the messages of the local mailbox. 404 unless `page_allowed`."""

from functools import wraps

from django.contrib import messages as flash
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cabinet import mailbox


def local_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not mailbox.page_allowed(request):
            raise Http404(_("No such page."))
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"  # the links in these messages sign people in
        return response

    return wrapper


@require_GET
@local_only
def inbox(request):
    return render(request, "mailbox/inbox.html", {"mail": mailbox.messages(), "folder": mailbox.mailbox_dir()})


@require_GET
@local_only
def message(request, message_id):
    found = mailbox.message(message_id)
    if found is None:
        raise Http404(_("There is no such message."))
    return render(request, "mailbox/message.html", {"message": found})


@require_GET
@local_only
def attachment(request, message_id, number):
    found = mailbox.attachment(message_id, number)
    if found is None:
        raise Http404(_("There is no such attachment."))
    info, payload = found
    # Always a download: an HTML attachment shown inline would run on the platform's own origin.
    response = HttpResponse(payload, content_type=info.content_type)
    response["Content-Disposition"] = content_disposition_header(True, info.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@local_only
def empty(request):
    removed = mailbox.empty()
    flash.success(request, ngettext("The mailbox is empty: %(count)d message deleted.",
                                    "The mailbox is empty: %(count)d messages deleted.", removed) % {"count": removed})
    return redirect("mailbox:inbox")
