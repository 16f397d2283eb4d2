"""Bearer-token authentication for integrations, and the endpoint that issues tokens."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.security import HttpBearer

from penggerak.accounts.models import User
from penggerak.accounts.services import api_token_issue, api_token_user
from penggerak.core.api import errors, text


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


router = Router(tags=["autentikasi"])


@router.post("/token", response={200: TokenOut, **errors(400, 401, 422, 429)}, auth=None)
def issue_token(request, payload: TokenIn):
    """Exchange a username (or a phone number in any local form) and password for a new
    bearer token. The token is shown only in this response; the server keeps its SHA-256
    digest. Send it as `Authorization: Bearer <token>`. Wrong credentials: 401; after 10
    failures in 15 minutes the login is locked for 15 minutes: 429."""
    token = api_token_issue(username=payload.username, password=payload.password, name=payload.name)
    return {"token": token}
