"""Log in with a username or, for members, with the phone number in any local form."""

from django.contrib.auth.backends import ModelBackend

from penggerak.accounts.models import User


class UsernameOrPhoneBackend(ModelBackend):
    """Try the username first, then the phone number normalised to E.164."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        username = username.strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            from penggerak.core.identity import validate_phone

            phone = validate_phone(username)
            if phone.valid:
                user = User.objects.filter(phone=phone.normalized).first()
        if user is None:
            # Spend the same time as a real check so timing does not reveal which users exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
