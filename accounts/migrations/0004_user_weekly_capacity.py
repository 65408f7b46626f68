# A person's weekly capacity (DESIGN "Capacity", default 32 h) for utilisation and the hiring need.

import django.core.validators
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_pod_chat_webhook'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='weekly_capacity',
            field=models.DecimalField(db_default=Decimal('32'), decimal_places=1, default=Decimal('32'), help_text='Hours per week available for client work (0 for someone who logs none, e.g. on leave).', max_digits=4, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('80'))], verbose_name='capacity (hours per week)'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(('weekly_capacity__gte', 0), ('weekly_capacity__lte', 80)), name='user_weekly_capacity_0_to_80'),
        ),
    ]
