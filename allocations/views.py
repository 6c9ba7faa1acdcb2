from django.shortcuts import render

from alfadmin import permissions, selectors
from alfadmin.views import require, section


@section("allocations")
@require(permissions.is_signed_in)
def index(request):
    return render(
        request,
        "allocations/index.html",
        {"years": selectors.budget_year_list(user=request.user), "can_publish": permissions.can_publish_allocations(request.user)},
    )
