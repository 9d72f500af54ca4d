from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0016_news_in_and_out")]

    operations = []
