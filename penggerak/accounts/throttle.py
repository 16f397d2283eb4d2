"""Slowing down guessing and flooding: counted failures lock an account or a client address.

Two independent limits guard the login (the page and ``POST /api/v1/auth/token``): failures
per account, which stop many addresses guessing one password, and failures per client
address, which stop one address trying many accounts. A third limits self sign-ups per
address. Each has its own window and limit (settings ``PENGGERAK_LOGIN_*`` and
``PENGGERAK_SIGNUP_*``).

The counts are rows of ``AttemptCounter`` in the database, not cache entries: a per-process
cache (LocMem) is not shared between app servers and a bounded one evicts under key pressure,
so a flood of made-up names could push a real account's count out. Here only a name that
resolves to a real account gets a per-account row (keyed by user id, so every spelling of a
phone number shares it); unknown names count against the client address only.

A window starts with the first counted event. When the count reaches the limit, the lock
holds for one full window from that event; a success resets the account's count only (an
attacker's own good login must not wipe an address's count).

The counts are written in their own statements: a caller must not roll back a transaction
around ``authenticate`` (``api_token_issue`` keeps its transaction for the token alone).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from penggerak.accounts.models import AttemptCounter

Scope = AttemptCounter.Scope


@dataclass(frozen=True)
class Limit:
    """At most ``max_count`` counted events per ``seconds`` for one key of a scope."""

    scope: str
    max_count: int
    seconds: int


def limit_for(scope: str) -> Limit:
    """The configured limit; read on every call so settings overrides apply at once."""
    name = {
        Scope.LOGIN_ACCOUNT: ("LOGIN_ACCOUNT_MAX_FAILURES", "LOGIN_ACCOUNT_WINDOW_SECONDS"),
        Scope.LOGIN_ADDRESS: ("LOGIN_ADDRESS_MAX_FAILURES", "LOGIN_ADDRESS_WINDOW_SECONDS"),
        Scope.SIGNUP_ADDRESS: ("SIGNUP_MAX_PER_ADDRESS", "SIGNUP_WINDOW_SECONDS"),
    }[Scope(scope)]
    return Limit(
        scope=scope,
        max_count=int(getattr(settings, "PENGGERAK_" + name[0])),
        seconds=int(getattr(settings, "PENGGERAK_" + name[1])),
    )


def window_minutes(*scopes: str) -> int:
    """The longest window of these scopes in whole minutes, for "try again in N minutes"."""
    return max(math.ceil(limit_for(scope).seconds / 60) for scope in scopes)


# --- Client addresses ----------------------------------------------------------------------


def client_address(request: HttpRequest | None) -> str | None:
    """The address a request came from: REMOTE_ADDR, or, behind
    ``PENGGERAK_TRUSTED_PROXY_COUNT`` proxies, the address the outermost of them saw.

    An IPv6 address stands for its /64 network, since one subscriber usually holds a whole
    /64. None when there is no request or the value is not an IP address.
    """
    if request is None:
        return None
    value = request.META.get("REMOTE_ADDR", "")
    hops = int(getattr(settings, "PENGGERAK_TRUSTED_PROXY_COUNT", 0))
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            value = forwarded[-hops]
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if address.version == 6:
        mapped = address.ipv4_mapped
        if mapped is not None:
            return str(mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _address_key(address: str) -> str:
    # A keyed hash: the table never holds an address (personal data under UU PDP 27/2022).
    return salted_hmac("penggerak.throttle.address", address, algorithm="sha256").hexdigest()


def _account_key(user_pk: int) -> str:
    return str(user_pk)


# --- Counters ------------------------------------------------------------------------------


def _is_limited(keys: list[tuple[Limit, str]]) -> bool:
    if not keys:
        return False
    locked = Q()
    for limit, key in keys:
        locked |= Q(scope=limit.scope, key=key, count__gte=limit.max_count)
    return AttemptCounter.objects.filter(locked, expires_at__gt=timezone.now()).exists()


def _hit(limit: Limit, key: str) -> None:
    """Count one event for ``key``; reaching the limit starts a lock of one full window.

    One upsert (the same SQL on SQLite and PostgreSQL), so parallel requests cannot lose a
    count. Starting a new window also deletes the dead rows, found through the expiry index:
    the table grows only with the keys of the current window.
    """
    now = timezone.now()
    ops = connection.ops
    table = ops.quote_name(AttemptCounter._meta.db_table)
    count, expires = ops.quote_name("count"), ops.quote_name("expires_at")
    now_db = ops.adapt_datetimefield_value(now)
    ends_db = ops.adapt_datetimefield_value(now + dt.timedelta(seconds=limit.seconds))
    # In SET, the table's columns hold the values before this update on both databases.
    sql = (
        f"INSERT INTO {table} (scope, {ops.quote_name('key')}, {count}, {expires}) "
        f"VALUES (%s, %s, 1, %s) "
        f"ON CONFLICT (scope, {ops.quote_name('key')}) DO UPDATE SET "
        f"{count} = CASE WHEN {table}.{expires} > %s THEN {table}.{count} + 1 ELSE 1 END, "
        f"{expires} = CASE WHEN {table}.{expires} <= %s THEN %s "
        f"WHEN {table}.{count} + 1 = %s THEN %s ELSE {table}.{expires} END "
        f"RETURNING {count}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [limit.scope, key, ends_db, now_db, now_db, ends_db, limit.max_count, ends_db],
        )
        (new_count,) = cursor.fetchone()
        if new_count == 1:
            cursor.execute(f"DELETE FROM {table} WHERE {expires} <= %s", [now_db])


def _reset(limit: Limit, key: str) -> None:
    AttemptCounter.objects.filter(scope=limit.scope, key=key).delete()


# --- Login ---------------------------------------------------------------------------------


def _login_keys(user_pk: int | None, address: str | None) -> list[tuple[Limit, str]]:
    keys = []
    if user_pk is not None:
        keys.append((limit_for(Scope.LOGIN_ACCOUNT), _account_key(user_pk)))
    if address:
        keys.append((limit_for(Scope.LOGIN_ADDRESS), _address_key(address)))
    return keys


def login_is_locked(*, user_pk: int | None, address: str | None) -> bool:
    """True while the account or the client address has used up its failures."""
    return _is_limited(_login_keys(user_pk, address))


def login_failed(*, user_pk: int | None, address: str | None) -> None:
    """Count a failed login against the account (when the name was a real one) and the
    address (when known)."""
    for limit, key in _login_keys(user_pk, address):
        _hit(limit, key)


def login_succeeded(*, user_pk: int) -> None:
    """The right password: the account's count starts again. The address's count stays."""
    _reset(limit_for(Scope.LOGIN_ACCOUNT), _account_key(user_pk))


def locked_message() -> str:
    """The one message for a locked account and a locked address (which one is not said),
    on the login page and from the token endpoint."""
    minutes = window_minutes(Scope.LOGIN_ACCOUNT, Scope.LOGIN_ADDRESS)
    return _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)s menit.") % {
        "minutes": minutes
    }


# --- Self sign-up --------------------------------------------------------------------------


def signup_is_limited(address: str | None) -> bool:
    """True while this address has sent its allowance of sign-ups in the window."""
    if not address:
        return False
    return _is_limited([(limit_for(Scope.SIGNUP_ADDRESS), _address_key(address))])


def signup_counted(address: str | None) -> None:
    """Count one accepted sign-up (new or not) from this address."""
    if address:
        _hit(limit_for(Scope.SIGNUP_ADDRESS), _address_key(address))


def signup_limited_message() -> str:
    minutes = window_minutes(Scope.SIGNUP_ADDRESS)
    return _("Terlalu banyak pendaftaran dari jaringan ini. Coba lagi dalam %(minutes)s menit.") % {
        "minutes": minutes
    }
