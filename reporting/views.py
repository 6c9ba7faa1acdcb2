from django.shortcuts import render

from alfadmin import permissions, selectors
from alfadmin.kernel.views import require, section


@section("reporting")
@require(permissions.is_signed_in)
def index(request):
    """The regions whose annual reports this user may see: a reporter only its own."""
    regions = selectors.region_list(user=request.user)
    own_region = permissions.region_scope(request.user)
    if own_region is not None:
        regions = regions.filter(pk=own_region)
    return render(request, "reporting/index.html", {"regions": regions})
