from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0011_desk_drafts'),
    ]

    operations = []
