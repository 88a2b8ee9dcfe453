# Written by hand. Plan and PlanPDF moved to the `plans` app, Review, Note and AuditEvent
# to `counsel`, each keeping its table (their 0001 migrations). This forgets the old
# models without touching the database.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("advisor", "0003_plan_indexes"),
        ("plans", "0001_initial"),
        ("counsel", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PlanPDF"),
                migrations.DeleteModel(name="Plan"),
                migrations.DeleteModel(name="AuditEvent"),
                migrations.DeleteModel(name="Note"),
                migrations.DeleteModel(name="Review"),
            ],
            database_operations=[],
        ),
    ]
