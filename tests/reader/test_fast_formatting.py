"""Card dates and slug addresses are written without Django's general machinery, and read exactly as it writes them."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template.defaultfilters import date
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import timezone, translation

from articles.models import Article, Author, RegionTag, TopicTag
from articles.slugs import slug_url, slug_urls
from reader.fragment_templates import local_date

FORMATS = ["j M Y, H:i", "j F Y, H:i", "l j F Y", "Y", "Y-m-d", "d/m/Y", "D j M", r"j \o\f F", "H:i"]


@pytest.mark.parametrize("language", ["en-gb", "de", "fr"])
def test_a_local_date_reads_as_djangos_date_filter_in_every_month(language):
    start = datetime(2026, 1, 1, 0, 5, tzinfo=ZoneInfo("UTC"))
    # Every month, through both clock changes, at hours either side of midnight in London.
    moments = [start + timedelta(days=31 * month, hours=hour) for month in range(13) for hour in (0, 9, 23)]
    with translation.override(language):
        for moment in moments:
            for format_string in FORMATS:
                assert local_date(moment, format_string) == date(timezone.localtime(moment), format_string)


@pytest.mark.parametrize("language", ["en-gb", "de"])
def test_a_plain_day_reads_as_djangos_date_filter(language):
    days = [datetime(2026, 1, 1).date() + timedelta(days=31 * month) for month in range(13)]
    with translation.override(language):
        for day in days:
            for format_string in [format_string for format_string in FORMATS if "H" not in format_string]:
                assert local_date(day, format_string) == date(day, format_string)
            # A format with a time of day goes to the filter itself, which refuses it for a day.
            with pytest.raises(TypeError):
                local_date(day, "j M Y, H:i")


def test_the_today_tag_writes_what_now_writes():
    from django.template import engines

    render = engines["django"].from_string
    for format_string in ["l j F Y", "Y"]:
        template = "{% load paper %}" + f'{{% today "{format_string}" %}}|{{% now "{format_string}" %}}'
        today, now = render(template).render().split("|")
        assert today == now


def test_a_local_date_of_nothing_is_empty():
    assert local_date(None, "j M Y") == ""


@pytest.mark.parametrize(
    "instance, view_name",
    [
        (Article(slug="lantern-walk-returns"), "reader:detail"),
        (RegionTag(slug="pimlico"), "reader:region"),
        (TopicTag(slug="culture"), "reader:topic"),
        (Author(slug="nadia-okafor_2"), "reader:author"),
    ],
)
def test_a_slug_address_reads_as_reverse(instance, view_name):
    assert instance.get_absolute_url() == reverse(view_name, kwargs={"slug": instance.slug})


def test_a_slug_address_follows_the_script_prefix():
    set_script_prefix("/local/")
    try:
        assert slug_url("reader:region", "pimlico") == "/local/region/pimlico/"
    finally:
        set_script_prefix("/")
    assert slug_url("reader:region", "pimlico") == "/region/pimlico/"


@override_settings(ROOT_URLCONF="tests.reader.moved_urls")
def test_a_slug_address_follows_the_url_configuration():
    assert slug_url("reader:region", "pimlico") == "/places/pimlico/"


def test_many_slug_addresses_read_as_one_each():
    slugs = ["pimlico", "lantern-walk-returns", "nadia-okafor_2"]
    set_script_prefix("/local/")
    try:
        assert slug_urls("reader:detail", slugs) == [slug_url("reader:detail", slug) for slug in slugs]
    finally:
        set_script_prefix("/")
    assert slug_urls("reader:region", slugs) == [reverse("reader:region", kwargs={"slug": slug}) for slug in slugs]
    with pytest.raises(NoReverseMatch):
        slug_urls("reader:region", ["pimlico", "not a slug"])


def test_a_slug_the_converter_refuses_is_refused_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        slug_url("reader:region", "not a slug")
