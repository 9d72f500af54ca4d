from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0017_region_hierarchy")]

    operations = []
