import datetime as dt
from decimal import Decimal

import factory

from accounts.tests.factories import UserFactory
from clients.models import (
    Client,
    Contact,
    NPSResponse,
    Objective,
    RevenueEvent,
    RiskAssessment,
    Tier,
    WeeklyGoal,
)
from core.weeks import today, week_deadline, week_start


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tier
        django_get_or_create = ("code",)

    code = "standard"
    name = "Standard"
    is_premium = False
    stale_contact_days = 14


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")
    tier = factory.SubFactory(TierFactory)
    account_manager = factory.SubFactory(UserFactory)
    mrr = Decimal("5000.00")
    started_on = factory.LazyFunction(lambda: today() - dt.timedelta(days=400))
    lifecycle_stage = "adopting"


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    client = factory.SubFactory(ClientFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")
    metric = "Qualified leads per month"
    baseline = Decimal("100")
    target = Decimal("200")
    current_value = Decimal("120")
    start_date = factory.LazyFunction(lambda: today() - dt.timedelta(days=30))
    due_date = factory.LazyFunction(lambda: today() + dt.timedelta(days=60))


class WeeklyGoalFactory(factory.django.DjangoModelFactory):
    """A goal in the current week unless `week_start` is given; the deadline follows the week."""

    class Meta:
        model = WeeklyGoal

    client = factory.SubFactory(ClientFactory)
    owner = factory.LazyAttribute(lambda g: g.client.account_manager)
    title = factory.Sequence(lambda n: f"Goal {n}")
    week_start = factory.LazyFunction(lambda: week_start(today()))
    deadline = factory.LazyAttribute(lambda g: week_deadline(g.week_start))


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskAssessment

    client = factory.SubFactory(ClientFactory)
    score = 3
    communication_level = 3
    reasons = factory.LazyFunction(lambda: ["low_usage"])
    assessed_by = factory.LazyAttribute(lambda r: r.client.account_manager)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    contacted_on = factory.LazyFunction(today)
    channel = "call"
    who = "Dana (CMO)"
    summary = "Weekly check-in."
    logged_by = factory.LazyAttribute(lambda c: c.client.account_manager)


class NPSResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NPSResponse

    client = factory.SubFactory(ClientFactory)
    score = 9
    responded_on = factory.LazyFunction(today)


class RevenueEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RevenueEvent

    client = factory.SubFactory(ClientFactory)
    kind = "new"
    amount = Decimal("5000.00")
    occurred_on = factory.LazyFunction(lambda: today() - dt.timedelta(days=400))
