import factory

from accounts.models import Pod, Role, User

PASSWORD = "godview"


class PodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pod

    name = factory.Sequence(lambda n: f"Pod {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@agency.test")
    role = Role.ACCOUNT_MANAGER
    password = factory.django.Password(PASSWORD)
