import django.db.models.deletion
from django.db import migrations, models


def store_flat_tree(apps, schema_editor):
    """Every existing region is top-level: it lies in itself only (its listing entries stay as they are)."""
    RegionTag = apps.get_model("articles", "RegionTag")
    RegionAncestry = apps.get_model("articles", "RegionAncestry")
    db = schema_editor.connection.alias
    RegionAncestry.objects.using(db).bulk_create(
        [RegionAncestry(region_id=pk, ancestor_id=pk, depth=0) for pk in RegionTag.objects.using(db).values_list("pk", flat=True)],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0016_wordpress_import")]

    operations = [
        migrations.AddField(
            model_name="regiontag",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                help_text="The region this one lies in. Its stories are also listed on that region's page and on "
                "every region above it. Leave empty for a top-level region.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="children",
                to="articles.regiontag",
                verbose_name="part of",
            ),
        ),
        migrations.CreateModel(
            name="RegionAncestry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("depth", models.PositiveSmallIntegerField()),
                (
                    "ancestor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="descendant_links",
                        to="articles.regiontag",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="ancestry", to="articles.regiontag"
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "region ancestries",
                "indexes": [models.Index(fields=["ancestor", "region"], name="region_descendants_idx")],
                "constraints": [models.UniqueConstraint(fields=["region", "ancestor"], name="unique_region_ancestor")],
            },
        ),
        migrations.RunPython(store_flat_tree, migrations.RunPython.noop),
    ]
