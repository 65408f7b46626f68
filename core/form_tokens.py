"""One-time form tokens: a form sent twice (a double click, a resend after a timeout) saves once.

`claim` runs inside the caller's save transaction, so the token and the save commit or roll back
together: a refused save frees its token for the corrected form, and nothing depends on Redis.
"""

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import UsedFormToken

# A token older than this is forgotten; forms are reloaded long before (a page's lifetime).
KEEP = dt.timedelta(hours=24)


def claim(user_pk: int, token: uuid.UUID | str) -> bool:
    """True the first time `token` is used by this user; False for a repeat."""
    UsedFormToken.objects.filter(user_id=user_pk, used_at__lt=timezone.now() - KEEP).delete()
    try:
        with transaction.atomic():
            UsedFormToken.objects.create(user_id=user_pk, token=token)
    except IntegrityError:
        return False
    return True
