"""The demo newsroom has pictures: original drawings in the image library, as heroes and inside the text."""

from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article, LibraryImage
from devtools import pictures

pytestmark = pytest.mark.django_db


def test_scenes_are_original_drawings_the_same_for_a_seed():
    assert pictures.scene_jpeg(3) == pictures.scene_jpeg(3)
    assert pictures.scene_jpeg(3) != pictures.scene_jpeg(4)
    assert pictures.draw_scene(1).size == pictures.SIZE


def test_every_demo_story_has_a_captioned_credited_picture(client, media_root):
    call_command("load_demo", stdout=StringIO())
    stories = list(Article.objects.exclude(wire_checksum__gt="").select_related("hero"))
    assert stories
    for story in stories:
        assert story.hero is not None, story.headline
        assert story.hero_alt and story.hero_credit and story.hero_caption
        assert story.hero_renditions["card"]["jpeg"]
    with_inline = [story for story in stories if story.body_media.get("images")]
    assert len(with_inline) >= 2
    page = client.get(with_inline[0].get_absolute_url()).content.decode()
    assert 'class="story-figure"' in page and "The WP Times illustration" in page
    # Running it again adds nothing.
    count = LibraryImage.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert LibraryImage.objects.count() == count
