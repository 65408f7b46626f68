"""`makemessages` that also extracts the sentences kept as data (core.sayings): `say(message, …)`
and `say_plural(singular, plural, …)`."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=say:1", "--keyword=say_plural:1,2"]
