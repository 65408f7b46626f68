import datetime as dt

import factory
from django.utils import timezone

from clients.tests.factories import ClientFactory
from tasks.models import ExternalProject, Source, Task, TimeEntry


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("name",)

    kind = "asana"
    name = factory.Sequence(lambda n: f"Asana workspace {n}")
    workspace_id = "1200000000000001"
    token_env_var = "ASANA_TOKEN"


class ExternalProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalProject

    source = factory.SubFactory(SourceFactory)
    external_id = factory.Sequence(lambda n: str(1300000000000000 + n))
    name = factory.Sequence(lambda n: f"Project {n}")
    client = factory.SubFactory(ClientFactory)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    source = factory.SubFactory(SourceFactory)
    external_id = factory.Sequence(lambda n: str(1400000000000000 + n))
    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Task {n}")
    created_at_source = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=20))
    modified_at = factory.LazyFunction(timezone.now)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=3))


class TimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeEntry

    client = factory.SubFactory(ClientFactory)
    user = factory.LazyAttribute(lambda t: t.client.account_manager)
    started_at = factory.LazyFunction(timezone.now)
    hours = 2
