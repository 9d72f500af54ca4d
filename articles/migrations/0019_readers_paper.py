from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_wire_and_takedowns")]

    operations = []
