import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models

import newsletter.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("articles", "0019_readers_paper")]

    operations = [
        migrations.CreateModel(
            name="DigestRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "edition",
                    models.DateField(help_text="The day this digest is for, in the newsroom's time zone.", unique=True),
                ),
                ("window_start", models.DateTimeField()),
                ("window_end", models.DateTimeField()),
                ("started_at", models.DateTimeField(auto_now_add=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={"ordering": ["-edition"]},
        ),
        migrations.CreateModel(
            name="Subscriber",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email", models.EmailField(max_length=254, verbose_name="email address")),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "waiting for confirmation"), ("confirmed", "confirmed")],
                        default="pending",
                        max_length=9,
                    ),
                ),
                (
                    "key",
                    models.CharField(default=newsletter.models.new_key, editable=False, max_length=64, unique=True),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "regions",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Stories in these regions (and the regions within them).",
                        related_name="+",
                        to="articles.regiontag",
                    ),
                ),
                (
                    "topics",
                    models.ManyToManyField(
                        blank=True, help_text="Stories on these topics.", related_name="+", to="articles.topictag"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Delivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("sending", "handed to the mail server, not confirmed"),
                            ("sent", "sent"),
                            ("nothing", "no stories in the subscriber's sections"),
                        ],
                        default="sending",
                        max_length=7,
                    ),
                ),
                ("stories", models.PositiveIntegerField(default=0)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="newsletter.digestrun",
                    ),
                ),
                (
                    "subscriber",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="newsletter.subscriber",
                    ),
                ),
            ],
            options={"verbose_name_plural": "deliveries"},
        ),
        migrations.AddConstraint(
            model_name="subscriber",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"), name="unique_subscriber_email"
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(fields=("run", "subscriber"), name="one_delivery_per_digest"),
        ),
    ]
