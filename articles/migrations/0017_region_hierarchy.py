from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0016_wordpress_import")]

    operations = []
