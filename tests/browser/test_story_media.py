"""Pictures and embeds in a real browser: drop a picture into the text, caption it, paste a YouTube address,
publish; readers get a figure with WebP and JPEG sources and a placeholder that loads nothing until clicked.
The focal point is set by clicking the thumbnail, and the home page's card follows it."""

import base64
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from articles import image_library
from articles.models import Article, LibraryImage
from articles.services import article_save
from tests.helpers.desk_browser import PASSWORD, log_in
from tests.helpers.factories import make_article, make_author, make_user
from tests.helpers.media_routes import serve_media

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def photo_bytes(size=(1600, 1000), split=0.3):
    """A made-up photo: a red band across the top, sky blue below, a yellow sun, so crops are easy to tell apart."""
    picture = Image.new("RGB", size, (70, 130, 200))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, size[0], int(size[1] * split)), fill=(200, 30, 40))
    draw.ellipse((size[0] * 0.6, size[1] * 0.5, size[0] * 0.8, size[1] * 0.5 + size[0] * 0.2), fill=(250, 210, 60))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def record_third_party(page, base_url):
    """Every request leaving our own origin, answered locally so nothing reaches the internet."""
    seen = []

    def handle(route):
        seen.append(route.request.url)
        route.fulfill(
            status=200, body="<!doctype html><title>frame</title><p>Provider frame</p>", content_type="text/html"
        )

    page.route(lambda url: not url.startswith(base_url) and not url.startswith("data:"), handle)
    return seen


def drop_file(page, selector, content, name):
    page.evaluate(
        """([selector, data, name]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: "image/jpeg" }));
            const target = document.querySelector(selector);
            // Dropped on the end of the last line of text, as an editor drops a picture after a paragraph.
            const box = target.lastElementChild.getBoundingClientRect();
            target.dispatchEvent(new DragEvent("drop", {
                dataTransfer: transfer, clientX: box.right - 2, clientY: box.bottom - 4, bubbles: true, cancelable: true,
            }));
        }""",
        [selector, base64.b64encode(content).decode(), name],
    )


def paste_text(page, selector, text):
    page.evaluate(
        """([selector, text]) => {
            const transfer = new DataTransfer();
            transfer.setData("text/plain", text);
            const target = document.querySelector(selector);
            target.focus();
            target.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
        }""",
        [selector, text],
    )


def test_drop_a_picture_and_paste_a_video_then_publish(live_server, page_factory, screenshot):
    base = live_server.url
    make_user("Editor", "helen", password=PASSWORD)
    article = make_article(
        "Lantern parade lights up Pimlico",
        standfirst="Hundreds walked from the river to the square.",
        body="<p>The parade set off at dusk from the embankment.</p>",
        authors=[make_author("Amira Patel")],
        regions=["Pimlico"],
        topics=["Culture"],
    )
    page = page_factory()
    serve_media(page, base)
    log_in(page, base, "helen")
    page.goto(f"{base}/admin/articles/article/{article.pk}/change/")
    editable = ".field-body [contenteditable='true']"
    page.wait_for_selector(editable)

    drop_file(page, editable, photo_bytes(), "lanterns.jpg")
    page.wait_for_selector(".prose-library-image img", timeout=20000)
    image = LibraryImage.objects.get()
    page.fill(".prose-library-image__caption", "Lanterns on the embankment at dusk")
    page.press(".prose-library-image__caption", "Tab")

    # The caret at the end of the text (a click on the picture would select it, and a paste replace it).
    page.locator(f"{editable} p").first.click()
    page.keyboard.press("End")
    paste_text(page, editable, YOUTUBE)
    page.wait_for_selector(".prose-embed", timeout=15000)
    screenshot(page, "story-media-desk-editor")

    page.click("input[name=_continue]")
    page.wait_for_selector(".workflow-panel")
    saved = Article.objects.get(pk=article.pk)
    assert f'<figure data-image="{image.pk}" data-caption="Lanterns on the embankment at dusk"></figure>' in saved.body
    assert f'<figure data-embed="{YOUTUBE}"></figure>' in saved.body
    # The picture's alt text and credit are the library's: set there, they reach every story showing it.
    library = page_factory()
    log_in(library, base, "helen")
    library.goto(f"{base}/admin/articles/libraryimage/{image.pk}/change/")
    library.fill("#id_alt", "Lanterns held high by the crowd")
    library.fill("#id_credit", "Jo Bloggs")
    library.click("input[name=_save]")
    library.wait_for_selector(".messagelist")
    page.reload()
    page.wait_for_selector(".workflow-panel")
    page.click(".workflow-button--publish")
    page.wait_for_selector(".messagelist")
    assert Article.objects.get(pk=article.pk).is_live

    for device, (width, height) in WIDTHS.items():
        reader = page_factory(width=width, height=height)
        serve_media(reader, base)
        third_party = record_third_party(reader, base)
        reader.goto(base + article.get_absolute_url())
        figure = reader.locator(".story__body figure.story-figure")
        assert figure.count() == 1
        assert "image/webp" in figure.locator("source").get_attribute("type")
        assert ".webp " in figure.locator("source").get_attribute("srcset")
        img = figure.locator("img")
        assert ".jpg " in img.get_attribute("srcset")
        assert img.get_attribute("width") and img.get_attribute("height")
        assert img.get_attribute("loading") == "lazy"
        assert "Lanterns on the embankment at dusk" in figure.inner_text()
        assert "Photo: Jo Bloggs" in figure.inner_text()
        img.scroll_into_view_if_needed()
        reader.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        # width/height reserve the space: the laid-out box has the picture's shape before and after loading.
        box = img.bounding_box()
        ratio = int(img.get_attribute("height")) / int(img.get_attribute("width"))
        assert abs(box["height"] - box["width"] * ratio) < 2
        assert reader.locator(".embed__load").count() == 1
        reader.locator(".embed").scroll_into_view_if_needed()
        screenshot(reader, f"story-media-reader-{device}")
        assert third_party == [], third_party
        assert reader.locator("iframe").count() == 0
        reader.click(".embed__load")
        reader.wait_for_selector("iframe.embed__frame")
        reader.wait_for_timeout(500)
        assert any(url.startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ") for url in third_party)
        if device == "desktop":
            screenshot(reader, "story-media-reader-embed-loaded")


def test_the_focal_point_set_by_clicking_moves_the_card_crop(live_server, page_factory, screenshot):
    base = live_server.url
    make_user("Editor", "helen", password=PASSWORD)
    # A square picture, red in its top 20 %: a 16:9 card around the centre shows little red; around the top, red.
    image = image_library.create_library_image(
        file=ContentFile(photo_bytes((1200, 1200), split=0.2)), name="square.jpg", alt="A red band over the sky"
    )
    article = make_article("Sky over the square", status=Article.Status.PUBLISHED, authors=[make_author("A. Writer")])
    article.hero = image
    article_save(article=article, user=make_user("Editor"))

    def card_top_pixel():
        reader = page_factory()
        serve_media(reader, base)
        reader.goto(base + "/")
        img = reader.locator(".card__image img, .lead-story__image img").first
        src = img.evaluate("img => img.currentSrc")
        path = Path(settings.MEDIA_ROOT) / src.split("/media/", 1)[1]
        with Image.open(path) as picture:
            return picture.convert("RGB").getpixel((picture.width // 2, 3))

    assert card_top_pixel()[2] > 150  # centred: the card starts in the blue sky

    page = page_factory()
    serve_media(page, base)
    log_in(page, base, "helen")
    page.goto(f"{base}/admin/articles/libraryimage/{image.pk}/change/")
    picker = page.locator(".focal-picker img")
    box = picker.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.08)
    screenshot(page, "story-media-focal-point")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    image.refresh_from_db()
    assert image.focal_y < 0.15
    top = card_top_pixel()
    assert top[0] > 150 and top[2] < 100  # the card now starts in the red band


def paste_html(page, selector, html):
    page.evaluate(
        """([selector, html]) => {
            const transfer = new DataTransfer();
            transfer.setData("text/html", html);
            transfer.setData("text/plain", "pasted");
            const target = document.querySelector(selector);
            target.focus();
            target.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
        }""",
        [selector, html],
    )


def test_pasting_from_word_keeps_headings_tables_and_offers_the_pictures(live_server, page_factory, screenshot):
    base = live_server.url
    make_user("Editor", "helen", password=PASSWORD)
    article = make_article("Council results", body="<p>Results below.</p>")
    page = page_factory()
    serve_media(page, base)
    log_in(page, base, "helen")
    page.goto(f"{base}/admin/articles/article/{article.pk}/change/")
    editable = ".field-body [contenteditable='true']"
    page.wait_for_selector(editable)
    carried = base64.b64encode(photo_bytes((600, 400))).decode()
    word = (
        '<h1 class="MsoTitle">Count in Pimlico ward</h1><h2>Turnout</h2><p class="MsoNormal">Turnout rose.</p>'
        '<table class="MsoTableGrid" style="width:400pt"><tr><td><p>Candidate</p></td><td><p>Votes</p></td></tr>'
        "<tr><td><p>A. Smith</p></td><td><p>1,204</p></td></tr></table>"
        '<p><img src="file:///C:/Users/me/AppData/Local/Temp/clip_image002.jpg" width="200"></p>'
        f'<p><img src="data:image/jpeg;base64,{carried}"></p>'
    )
    page.locator(editable).click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    paste_html(page, editable, word)
    page.wait_for_selector(".prose-library-image img", timeout=20000)
    message = page.locator(".prose-media-messages").inner_text()
    assert "1 picture the browser could not copy" in message
    screenshot(page, "story-media-paste-from-word")
    page.click("input[name=_continue]")
    page.wait_for_selector(".workflow-panel")
    body = Article.objects.get(pk=article.pk).body
    assert "<h2>Count in Pimlico ward</h2>" in body and "<h3>Turnout</h3>" in body
    assert "<table>" in body and "<td><p>1,204</p></td>" in body
    assert "file:///" not in body and "data:image" not in body
    assert f'<figure data-image="{LibraryImage.objects.get().pk}"></figure>' in body
