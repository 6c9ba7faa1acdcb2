from django.shortcuts import render

from alfadmin import permissions
from alfadmin.kernel.views import require, section

from . import selectors


@section("guns")
@require(permissions.is_signed_in)
def index(request):
    return render(
        request,
        "guns/index.html",
        {"members": selectors.member_list(user=request.user), "can_manage": permissions.can_manage_guns(request.user)},
    )
