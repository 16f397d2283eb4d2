import pytest
from django.test import override_settings

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _private_root(tmp_path, settings):
    """Uploaded files and reports of each test live in its own temporary directory."""
    settings.PENGGERAK_PRIVATE_ROOT = str(tmp_path / "private")


@pytest.fixture
def immediate_tasks():
    with override_settings(TASKS=IMMEDIATE):
        yield
