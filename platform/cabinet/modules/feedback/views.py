"""Customer pages of feedback: my finished requests to rate, and the rating form of one request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cabinet.modules.support import selectors as support_selectors

from . import selectors, services
from .forms import RatingForm

customer_login = login_required(login_url="accounts:login")


@require_GET
@customer_login
def rating_list(request):
    return render(request, "feedback/list.html",
                  {"finished": selectors.finished_requests_with_ratings(request.user)})


@require_http_methods(["GET", "POST"])
@customer_login
def rate(request, pk):
    support_request = support_selectors.finished_request(request.user, pk)
    if support_request is None:
        raise Http404
    existing = selectors.rating_of(support_request)
    form = RatingForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.rate_request(support_request, customer=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, field_errors in error.message_dict.items():
                    form.add_error(None if field == "__all__" else field, field_errors)
            else:
                messages.success(request, _("Thank you for your rating!"))
                return redirect("feedback:list")
        status = 400
    context = {"support_request": support_request, "rating": existing, "form": form}
    return render(request, "feedback/rate.html", context, status=status)
