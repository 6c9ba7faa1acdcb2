from django.shortcuts import render

from alfadmin import permissions
from alfadmin.views import require, section


@section("evaluations")
@require(permissions.is_signed_in)
def index(request):
    return render(request, "evaluations/index.html", {"can_edit": permissions.can_edit_evaluations(request.user)})
