from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_counsellors_group(apps, schema_editor):
    # Permissions are normally made after all migrations have run; make this
    # app's now so that the group can be given its `review` permission.
    app_config = apps.get_app_config("profiles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Counsellors")
    group.permissions.add(
        Permission.objects.get(codename="review", content_type__app_label="profiles")
    )


def remove_counsellors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Counsellors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_counsellors_group, remove_counsellors_group)]
