from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cabinet.accounts.permissions import role_required

from . import selectors
from .forms import ScoreFilterForm
from .module import MODULE


@require_GET
@role_required(*MODULE.manage_roles("list"))  # the roles of its entry in module.py
def rating_list(request):
    filters = ScoreFilterForm(request.GET or None)
    score = filters.cleaned_data.get("score", "") if filters.is_valid() else ""
    page = Paginator(selectors.staff_ratings(score), 30).get_page(request.GET.get("page"))
    context = {"overview": selectors.overview(), "filters": filters, "page": page, "score": score}
    return render(request, "feedback/manage_list.html", context)
