import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas hash a password each; the real hasher is slow on purpose, which tests do not need."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
