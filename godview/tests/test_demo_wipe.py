"""A demo reset empties every table that points at a client before the clients themselves: a new
model with a foreign key to Client that WIPE_ORDER forgets would make the reset fail half-way."""

from django.apps import apps
from django.db import models

from clients.models import Client
from godview.demo import WIPE_ORDER


def test_every_model_that_points_at_a_client_is_wiped_before_the_clients():
    order = {model: i for i, model in enumerate(WIPE_ORDER)}
    pointing = [
        model
        for model in apps.get_models(include_auto_created=True)
        if any(
            isinstance(f, models.ForeignKey)
            and f.related_model is Client
            and f.remote_field.on_delete is not models.SET_NULL
            for f in model._meta.get_fields()
        )
    ]
    assert pointing, "the check looks at something"
    missing = [m.__name__ for m in pointing if m not in order]
    assert not missing, f"add to godview.demo.WIPE_ORDER: {missing}"
    assert all(order[m] < order[Client] for m in pointing)
