from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_hostile_input_two")]

    operations = []
