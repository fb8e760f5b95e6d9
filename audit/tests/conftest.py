import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The `world` fixture creates a dozen users; the production hasher would spend seconds on them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
