"""Account pages: API tokens. Login and logout are Django's views (see urls.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from warroom.accounts.forms import TokenForm
from warroom.accounts.models import ApiToken


class AuthedRequest(HttpRequest):
    """A request behind `login_required`."""

    user: User


@never_cache
@login_required
def api_tokens(request: AuthedRequest) -> HttpResponse:
    """List my tokens; a POST issues one and shows its raw value this once only."""
    form = TokenForm(request.POST if request.method == "POST" else None)
    issued = None
    if form.is_valid():
        token, raw = ApiToken.issue(request.user, form.cleaned_data["name"])
        issued = {"token": token, "raw": raw}
        form = TokenForm()
    tokens = request.user.api_tokens.order_by("-created_at", "-id")
    context = {"form": form, "tokens": tokens, "issued": issued}
    return render(request, "accounts/tokens.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def api_token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    """Delete one of my tokens; the API refuses it from now on."""
    get_object_or_404(request.user.api_tokens, pk=pk).delete()
    return redirect("api-tokens")
