from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from warroom.accounts.access import get_case_for_user


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("cases")


@login_required
def case_detail(request: HttpRequest, ref: str) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref)
    return HttpResponse(str(case))
