import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0011_desk_drafts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('sent_back', 'Sent back'), ('submitted', 'Submitted for review'), ('published', 'Published'), ('scheduled', 'Scheduled'), ('went_live', 'Went live'), ('correction', 'Correction added')], max_length=20)),
                ('note', models.TextField(blank=True, help_text='The comment that came with the step, shown with the notification.')),
                ('due_at', models.DateTimeField(default=django.utils.timezone.now, help_text="Shown and emailed from this moment: the story's live time for a scheduled story.")),
                ('emailed_at', models.DateTimeField(blank=True, help_text='When the email went out (or was skipped: the person has no address).', null=True)),
                ('read_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='articles.article')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='desk_notifications', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'notification',
                'ordering': ['-due_at', '-pk'],
                'indexes': [
                    models.Index(fields=['recipient', '-due_at', '-id'], name='notification_inbox_idx'),
                    models.Index(condition=models.Q(('emailed_at__isnull', True)), fields=['due_at'], name='notification_unsent_idx'),
                ],
            },
        ),
        migrations.AlterModelOptions(
            name='article',
            options={'ordering': ['-publish_at', '-pk'], 'permissions': [('edit_any_article', 'Can edit articles written by anyone'), ('review_article', 'Can send articles in review back with changes requested'), ('publish_article', 'Can publish, schedule and unpublish articles'), ('share_preview', 'Can create and revoke shareable preview links')], 'verbose_name': 'story', 'verbose_name_plural': 'stories'},
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['-updated_at', '-id'], name='article_desk_changed_idx'),
        ),
        migrations.AddIndex(
            model_name='articletransition',
            index=models.Index(fields=['article', '-created_at', '-id'], name='transition_latest_idx'),
        ),
    ]
