"""Bearer-token authentication for integrations, and the endpoints that issue, list and revoke
tokens."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer

from penggerak.accounts import selectors, throttle
from penggerak.accounts.models import ApiToken, User
from penggerak.accounts.services import api_token_issue, api_token_revoke, api_token_user
from penggerak.core.api import PageParams, errors, page_of, text


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token is looked up by its SHA-256 digest."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is not None:
            # Code shared with the pages (audit, selectors) reads request.user.
            request.user = user
        return user


token_auth = TokenAuth()


class TokenIn(Schema):
    username: str = Field(..., description="Nama pengguna atau nomor HP.", **text(max_length=150))
    # Bounded so a huge body cannot make the password hasher work for minutes.
    password: str = Field(..., **text(max_length=1024))
    name: str = Field(
        "", description="Label token, mis. nama sistem yang memakainya.", **text(max_length=100)
    )


class TokenOut(Schema):
    token: str


class TokenInfoOut(Schema):
    """One of the user's tokens as its owner sees it: never the token, never its digest."""

    id: int
    prefix: str = Field(..., description="Karakter pertama token, untuk mengenalinya.")
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    state: Literal["active", "expired", "password_changed"] = Field(
        ..., description="`password_changed`: berakhir karena kata sandi diganti."
    )

    @staticmethod
    def resolve_state(obj: ApiToken) -> str:
        return obj.state_at(timezone.now())


class TokenPage(Schema):
    items: list[TokenInfoOut]
    count: int


router = Router(tags=["autentikasi"])


@router.post("/token", response={200: TokenOut, **errors(400, 401, 422, 429)}, auth=None)
def issue_token(request, payload: TokenIn):
    """Exchange a username (or a phone number in any local form) and password for a new
    bearer token. The token is shown only in this response; the server keeps its SHA-256
    digest. Send it as `Authorization: Bearer <token>`. It expires after 90 days (configurable)
    and ends at once when the user's password changes. Wrong credentials: 401. Failures are
    counted per account and per client address; while either has used up its allowance
    (by default 10 per account and 50 per address in 15 minutes) the answer is 429."""
    token = api_token_issue(
        username=payload.username,
        password=payload.password,
        name=payload.name,
        client_address=throttle.client_address(request),
    )
    return {"token": token}


@router.get("/tokens", response={200: TokenPage, **errors(401, 422)})
def list_tokens(request, paging: Query[PageParams]):
    """The calling user's own tokens, newest first, including expired ones and those ended
    by a password change (`state`). The token itself and its digest are never shown."""
    rows = selectors.api_token_list_for(actor=request.auth)
    return {"items": page_of(rows, paging), "count": rows.count()}


@router.delete("/tokens/{id}", response={204: None, **errors(401, 404, 422)})
def revoke_token(request, id: int):
    """Revoke one of the calling user's own tokens (the one in use included); it stops
    working at once. Another user's token answers 404, like one that does not exist. Audited."""
    api_token_revoke(actor=request.auth, token_id=id)
    return Status(204, None)
