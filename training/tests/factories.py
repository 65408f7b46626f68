import datetime as dt
from decimal import Decimal

import factory

from accounts.tests.factories import UserFactory
from training.models import TrainingModule, TrainingResult


class TrainingModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingModule

    title = factory.Sequence(lambda n: f"Module {n}")
    category = "Account management"
    required_roles = factory.LazyFunction(lambda: ["account_manager"])
    passing_score = 80


class TrainingResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingResult

    user = factory.SubFactory(UserFactory)
    module = factory.SubFactory(TrainingModuleFactory)
    version = factory.LazyAttribute(lambda r: r.module.version)
    completed_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=10))
    score = Decimal("90")
    passed = True
