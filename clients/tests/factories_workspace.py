"""Factories the workspace tests add to clients/tests/factories.py (which belongs to the foundation)."""

import datetime as dt

import factory

from clients.models import Experiment, KickoffItem, QuarterlyReview, Tactic, WaitingPeriod
from clients.tests.factories import ClientFactory
from core.weeks import quarter_of, today


class KickoffItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KickoffItem

    client = factory.SubFactory(ClientFactory)
    position = factory.Sequence(lambda n: n % 10 + 1)
    text = factory.Sequence(lambda n: f"Quick win {n}")


class TacticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tactic

    client = factory.SubFactory(ClientFactory)
    owner = factory.LazyAttribute(lambda t: t.client.account_manager)
    title = factory.Sequence(lambda n: f"Tactic {n}")
    started_on = factory.LazyFunction(today)


class ExperimentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Experiment

    client = factory.SubFactory(ClientFactory)
    owner = factory.LazyAttribute(lambda e: e.client.account_manager)
    title = factory.Sequence(lambda n: f"Experiment {n}")
    started_on = factory.LazyFunction(today)


class QuarterlyReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyReview

    client = factory.SubFactory(ClientFactory)
    year = factory.LazyFunction(lambda: quarter_of(today())[0])
    quarter = factory.LazyFunction(lambda: quarter_of(today())[1])
    created_by = factory.LazyAttribute(lambda r: r.client.account_manager)


class WaitingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitingPeriod

    client = factory.SubFactory(ClientFactory)
    waiting_for = factory.Sequence(lambda n: f"Sign-off {n}")
    started_on = factory.LazyFunction(lambda: today() - dt.timedelta(days=3))
