"""Log in with a username or, for members, with the phone number in any local form."""

from django.contrib.auth.backends import ModelBackend

from penggerak.accounts import throttle
from penggerak.accounts.models import User


def find_login_user(username: str) -> User | None:
    """The account a login name refers to: a username, else a phone number (E.164)."""
    username = (username or "").strip()
    user = User.objects.filter(username=username).first()
    if user is None and sum(ch.isdigit() for ch in username) >= 8:
        from penggerak.core.identity import validate_phone

        phone = validate_phone(username)
        if phone.valid:
            user = User.objects.filter(phone=phone.normalized).first()
    return user


def login_is_locked(username: str, client_address: str | None = None) -> bool:
    """True while too many recent failures lock this account or this client address (see
    accounts.throttle). An unknown name is locked only through its address."""
    user = find_login_user(username)
    return throttle.login_is_locked(user_pk=user.pk if user else None, address=client_address)


class UsernameOrPhoneBackend(ModelBackend):
    """Try the username first, then the phone number; count failures per account and per
    client address, and refuse while either is locked.

    The address comes from ``request`` (pages) or, where there is none, from the
    ``client_address`` credential (``api_token_issue``).
    """

    def authenticate(self, request, username=None, password=None, client_address=None, **kw):
        if username is None or password is None:
            return None
        address = throttle.client_address(request) if request is not None else client_address
        user = find_login_user(username)
        user_pk = user.pk if user else None
        if throttle.login_is_locked(user_pk=user_pk, address=address):
            return None
        if user is None:
            # Spend the same time as a real check so timing does not reveal which users exist.
            User().set_password(password)
            throttle.login_failed(user_pk=None, address=address)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            throttle.login_succeeded(user_pk=user.pk)
            return user
        throttle.login_failed(user_pk=user.pk, address=address)
        return None
