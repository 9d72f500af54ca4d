"""Region pages follow the tree: a region lists its own and its descendants' stories, with breadcrumbs,
the places within it, an index drawn as a tree, feeds and sitemaps; a change to a story refreshes the
cached pages of every region above it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article, RegionTag
from tests.helpers.factories import make_article, make_author, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(django_capture_on_commit_callbacks):
    names = [
        ("World", None), ("Europe", "World"), ("United Kingdom", "Europe"), ("London", "United Kingdom"),
        ("Westminster", "London"), ("Pimlico", "Westminster"), ("Soho", "Westminster"), ("Asia", "World"),
        ("Camden", "London"),
    ]  # fmt: skip
    regions = {}
    for name, parent in names:
        regions[name] = RegionTag.objects.create(name=name, parent=regions.get(parent))
    writer = make_author("Nadia Haddad")
    with django_capture_on_commit_callbacks(execute=True):
        stories = {
            name: make_article(
                f"{name} lantern story",
                regions=[name],
                authors=[writer],
                status=Article.Status.PUBLISHED,
                publish_at=timezone.now() - timedelta(hours=hours),
            )
            for hours, name in enumerate(["Pimlico", "Soho", "London", "Asia"], start=1)
        }
        # Camden has only a draft: it is not public, and neither is it listed.
        stories["draft"] = make_article("Camden draft story", regions=["Camden"], authors=[writer])
    return regions, stories


def test_a_region_page_lists_its_own_and_its_descendants_stories_newest_first(client, tree):
    response = client.get("/region/london/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Pimlico lantern story") < body.index("Soho lantern story") < body.index("London lantern story")
    assert "Asia lantern story" not in body and "Camden draft story" not in body
    assert response.context["paginator"].count == 3
    assert client.get("/region/world/").context["paginator"].count == 4
    assert client.get("/region/pimlico/").context["paginator"].count == 1


def test_a_region_page_shows_where_it_lies_and_the_public_places_within_it(client, tree):
    body = client.get("/region/westminster/").content.decode()
    crumbs = body[body.index('class="breadcrumbs"') : body.index("</nav>", body.index('class="breadcrumbs"'))]
    order = [crumbs.index(f">{name}<") for name in ("Regions", "World", "Europe", "United Kingdom", "London")]
    assert order == sorted(order)
    assert '<li aria-current="page">Westminster</li>' in crumbs
    assert 'href="/region/pimlico/">Pimlico</a>' in body and 'href="/region/soho/">Soho</a>' in body
    london = client.get("/region/london/").content.decode()
    assert 'href="/region/westminster/">Westminster</a>' in london
    assert "/region/camden/" not in london


def test_the_regions_index_is_the_tree_of_public_regions(client, tree):
    response = client.get("/regions/")
    tree_nodes = response.context["tree"]
    assert [region.name for region, _children in tree_nodes] == ["World"]
    world_children = tree_nodes[0][1]
    assert [region.name for region, _children in world_children] == ["Asia", "Europe"]
    london = world_children[1][1][0][1][0]
    assert london[0].name == "London" and london[0].article_count == 3
    assert [region.name for region, _c in london[1]] == ["Westminster"]
    body = response.content.decode()
    drawn = body[body.index('class="tag-index region-tree"') :]
    assert "Camden" not in drawn
    assert drawn.index(">World<") < drawn.index(">Europe<") < drawn.index(">London<") < drawn.index(">Pimlico<")


def test_region_feeds_and_sitemaps_follow_the_tree(client, tree):
    feed = client.get("/region/london/feed/").content.decode()
    assert "Pimlico lantern story" in feed and "Soho lantern story" in feed and "Asia lantern story" not in feed
    sections = client.get("/sitemap-sections.xml").content.decode()
    for slug in ("world", "europe", "united-kingdom", "london", "westminster", "pimlico"):
        assert f"/region/{slug}/" in sections
    assert "/region/camden/" not in sections


def test_a_publish_refreshes_the_cached_pages_of_every_region_above_the_story(
    client, page_cache, tree, django_capture_on_commit_callbacks
):
    _regions, stories = tree
    above = ["/region/pimlico/", "/region/westminster/", "/region/london/", "/region/world/"]
    elsewhere = ["/region/asia/"]
    for url in [*above, *elsewhere, "/regions/"]:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url
    draft = stories["draft"]
    draft.regions.set(["Pimlico"])
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=draft, user=make_user("Editor"))
    for url in above:
        assert "Camden draft story" in client.get(url).content.decode(), url
    assert "5 stories" in client.get("/regions/").content.decode()
    assert client.get("/region/asia/")["X-Page-Cache"] == "hit"


def test_moving_a_region_moves_its_stories_between_region_pages(
    client, page_cache, tree, django_capture_on_commit_callbacks
):
    regions, _stories = tree
    assert "Soho lantern story" in client.get("/region/london/").content.decode()
    soho = regions["Soho"]
    soho.parent = regions["Asia"]
    with django_capture_on_commit_callbacks(execute=True):
        soho.save()
    assert "Soho lantern story" not in client.get("/region/london/").content.decode()
    assert "Soho lantern story" in client.get("/region/asia/").content.decode()
    body = client.get("/region/soho/").content.decode()
    crumbs = body[body.index('class="breadcrumbs"') : body.index("</nav>", body.index('class="breadcrumbs"'))]
    assert 'href="/region/asia/">Asia</a>' in crumbs and "/region/westminster/" not in crumbs


def test_a_region_whose_places_have_only_hidden_stories_is_not_public(client, tree):
    for url in ("/region/camden/", "/region/camden/feed/"):
        assert client.get(url).status_code == 404, url
