"""Create the newsroom roles as groups with their permissions."""

from django.db import migrations

READ_VOCABULARIES = ["view_author", "view_regiontag", "view_topictag", "view_promofooter"]
REPORTER = [
    "add_article",
    "change_article",
    "view_article",
    "add_byline",
    "change_byline",
    "delete_byline",
    "view_byline",
    "view_correction",
    "view_articletransition",
    *READ_VOCABULARIES,
]
EDITOR = [
    *REPORTER,
    "delete_article",
    "edit_any_article",
    "review_article",
    "publish_article",
    "share_preview",
    "add_correction",
    "change_correction",
    "view_previewlink",
]
# Admins run the desk like editors and also manage accounts, tags, authors and footers.
ADMIN_APPS = {"articles", "auth", "admin"}

ROLES = {"Reporter": ("articles", REPORTER), "Editor": ("articles", EDITOR)}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, (app_label, codenames) in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions not found for {name}: {sorted(missing)}")
        group.permissions.add(*permissions)
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.add(*Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reporter", "Editor", "Admin"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
