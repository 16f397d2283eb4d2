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


def login_is_locked(username: str) -> bool:
    """True while too many recent failures lock this login (see accounts.throttle)."""
    user = find_login_user(username)
    return throttle.is_locked(throttle.subject_for(username, user.pk if user else None))


class UsernameOrPhoneBackend(ModelBackend):
    """Try the username first, then the phone number; count failures, refuse when locked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_login_user(username)
        subject = throttle.subject_for(username, user.pk if user else None)
        if throttle.is_locked(subject):
            return None
        if user is None:
            # Spend the same time as a real check so timing does not reveal which users exist.
            User().set_password(password)
            throttle.record_failure(subject)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            throttle.record_success(subject)
            return user
        throttle.record_failure(subject)
        return None
