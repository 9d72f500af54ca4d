from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_reader_summaries")]

    operations = []
