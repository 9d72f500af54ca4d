from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0010_article_updated_idx'),
    ]

    operations = []
