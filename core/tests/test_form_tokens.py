"""One-time form tokens in the database: once per user, freed by a rollback, forgotten after a day."""

import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from core import form_tokens
from core.models import UsedFormToken

pytestmark = pytest.mark.django_db


def test_a_token_is_claimed_once_per_user(am, other_am):
    token = uuid.uuid4()
    assert form_tokens.claim(am.pk, token)
    assert not form_tokens.claim(am.pk, token)
    assert form_tokens.claim(other_am.pk, token)  # another person's form, another token space


def claim_then_fail(user_pk: int, token: uuid.UUID) -> None:
    with transaction.atomic():
        assert form_tokens.claim(user_pk, token)
        raise RuntimeError("the save was refused")


def test_a_save_that_rolls_back_frees_its_token(am):
    token = uuid.uuid4()
    with pytest.raises(RuntimeError):
        claim_then_fail(am.pk, token)
    assert form_tokens.claim(am.pk, token)


def test_tokens_older_than_a_day_are_forgotten_at_the_next_claim(am):
    old = UsedFormToken.objects.create(user=am, token=uuid.uuid4())
    UsedFormToken.objects.filter(pk=old.pk).update(used_at=timezone.now() - form_tokens.KEEP * 2)
    form_tokens.claim(am.pk, uuid.uuid4())
    assert not UsedFormToken.objects.filter(pk=old.pk).exists()
    assert UsedFormToken.objects.filter(user=am).count() == 1
