from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_image_library")]

    operations = []
