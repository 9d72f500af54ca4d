"""The region tree: stored ancestry, stories listed under every region above theirs, moves and cycles."""

import pytest
from django.core.exceptions import ValidationError

from articles import listings
from articles.models import Article, ListingEntry, RegionAncestry, RegionTag
from tests.helpers.factories import make_article, make_user

pytestmark = pytest.mark.django_db


def region(name, parent=None):
    return RegionTag.objects.create(name=name, parent=parent)


@pytest.fixture
def tree():
    world = region("World")
    europe = region("Europe", world)
    uk = region("United Kingdom", europe)
    london = region("London", uk)
    westminster = region("Westminster", london)
    pimlico = region("Pimlico", westminster)
    asia = region("Asia", world)
    return {r.name: r for r in (world, europe, uk, london, westminster, pimlico, asia)}


def listed_under(article):
    keys = ListingEntry.objects.filter(article=article, kind="region").values_list("key", flat=True)
    return set(RegionTag.objects.filter(pk__in=keys).values_list("name", flat=True))


def ancestry(region):
    rows = RegionAncestry.objects.filter(region=region).order_by("depth")
    return [(row.ancestor.name, row.depth) for row in rows]


def test_a_region_stores_every_region_it_lies_in(tree):
    assert ancestry(tree["Pimlico"]) == [
        ("Pimlico", 0), ("Westminster", 1), ("London", 2), ("United Kingdom", 3), ("Europe", 4), ("World", 5),
    ]  # fmt: skip
    assert ancestry(tree["World"]) == [("World", 0)]


def test_a_story_is_listed_under_its_regions_and_every_region_above_them_once(tree):
    story = make_article(regions=["Pimlico", "London"], status=Article.Status.PUBLISHED)
    assert listed_under(story) == {"Pimlico", "Westminster", "London", "United Kingdom", "Europe", "World"}
    assert ListingEntry.objects.filter(article=story, kind="region", key=tree["London"].pk).count() == 1


def test_moving_a_region_moves_the_stories_of_everything_inside_it(tree):
    story = make_article(regions=["Pimlico"], status=Article.Status.PUBLISHED)
    other = make_article(regions=["Asia"], status=Article.Status.PUBLISHED)
    london = tree["London"]
    london.parent = tree["Asia"]
    london.save()
    assert ancestry(tree["Pimlico"])[-3:] == [("London", 2), ("Asia", 3), ("World", 4)]
    assert listed_under(story) == {"Pimlico", "Westminster", "London", "Asia", "World"}
    assert listed_under(other) == {"Asia", "World"}
    london.parent = None
    london.save()
    assert listed_under(story) == {"Pimlico", "Westminster", "London"}


def test_the_stored_lists_match_a_rebuild_after_moves(tree):
    for regions in (["Pimlico"], ["Westminster", "Asia"], ["World"]):
        make_article(regions=regions, status=Article.Status.PUBLISHED)
    westminster = tree["Westminster"]
    westminster.parent = tree["Europe"]
    westminster.save()
    kept = set(ListingEntry.objects.values_list("kind", "key", "article_id", "public_at"))
    stored_tree = set(RegionAncestry.objects.values_list("region_id", "ancestor_id", "depth"))
    listings.rebuild()
    assert set(ListingEntry.objects.values_list("kind", "key", "article_id", "public_at")) == kept
    assert set(RegionAncestry.objects.values_list("region_id", "ancestor_id", "depth")) == stored_tree


@pytest.mark.parametrize("inside", ["London", "Pimlico"])
def test_a_region_cannot_be_put_inside_itself_or_its_descendants(tree, inside):
    london = tree["London"]
    london.parent = tree[inside]
    with pytest.raises(ValidationError) as refused:
        london.full_clean()
    assert "parent" in refused.value.message_dict
    with pytest.raises(ValidationError):
        london.save()
    assert RegionTag.objects.get(pk=london.pk).parent == tree["United Kingdom"]
    assert ancestry(tree["Pimlico"])[2] == ("London", 2)


def test_a_region_with_regions_inside_it_cannot_be_deleted(tree, client):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        tree["London"].delete()


def test_the_desk_edits_the_tree_and_refuses_a_cycle(client, tree):
    client.force_login(make_user("Admin"))
    london = tree["London"]
    url = f"/admin/articles/regiontag/{london.pk}/change/"
    form = {"name": "London", "slug": "london", "description": "", "parent": tree["Pimlico"].pk}
    response = client.post(url, form)
    assert response.status_code == 200
    assert "lies within" in response.content.decode()
    assert RegionTag.objects.get(pk=london.pk).parent == tree["United Kingdom"]
    response = client.post(url, {**form, "parent": tree["Asia"].pk})
    assert response.status_code == 302
    assert ancestry(tree["Pimlico"])[3] == ("Asia", 3)
