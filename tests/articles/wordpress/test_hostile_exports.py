"""Exports that are broken or built to hurt: one clear error line, exit status 1, nothing written, memory bounded."""

import io
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.models import Article, Author, ImportedPost, OldAddress, RegionTag, TopicTag

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
PIMLICO = DATA / "pimlico-post-wxr-1.2.xml"
VICTORIA = DATA / "victoria-wxr-1.0.xml"
PROJECT = Path(settings.BASE_DIR)


def nothing_written():
    return not any(model.objects.exists() for model in (Article, Author, RegionTag, TopicTag, ImportedPost, OldAddress))


def refused(path, *args):
    """The error the command gives for path (and that it gives one), after checking nothing was written."""
    with pytest.raises(CommandError) as error:
        call_command("import_wordpress", str(path), *args)
    assert nothing_written()
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ") and message.endswith(" Nothing was imported.")
    return message[len(f"{path}: ") : -len(" Nothing was imported.")]


def test_billion_laughs_is_refused_at_once():
    started = time.monotonic()
    assert refused(DATA / "billion-laughs.xml") == (
        "the file declares a DOCTYPE (with entities or external references); WordPress exports never do, "
        "so it is refused for safety."
    )
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("dry_run", [(), ("--dry-run",)])
def test_external_entities_are_never_read(tmp_path, dry_run):
    secret = tmp_path / "secret.txt"
    secret.write_text("zqsecretword")
    export = tmp_path / "xxe.xml"
    export.write_text(
        PIMLICO.read_text()
        .replace(
            '<?xml version="1.0" encoding="UTF-8" ?>',
            f'<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>',
        )
        .replace("Council approves Churchill Gardens homes", "&xxe;")
    )
    assert "refused for safety" in refused(export, *dry_run)


def test_an_entity_with_no_declaration_is_malformed(tmp_path):
    export = tmp_path / "undeclared.xml"
    export.write_text(PIMLICO.read_text().replace("<title>Pimlico Post</title>", "<title>&xxe;</title>"))
    assert refused(export) == "the file is not well-formed XML (line 11, column 8: undefined entity)."


def test_malformed_xml_late_in_the_file_writes_nothing(monkeypatch):
    from articles.wordpress import importer

    monkeypatch.setattr(importer, "BATCH_SIZE", 1)  # the first post's batch would commit before the error
    assert refused(DATA / "malformed.xml") == "the file is not well-formed XML (line 20, column 3: mismatched tag)."


def test_a_feed_that_is_not_a_wordpress_export():
    assert refused(DATA / "plain-rss.xml") == (
        "the file is RSS but not a WordPress export (WXR): it has no wp:wxr_version."
    )


def test_xml_that_is_not_rss(tmp_path):
    export = tmp_path / "page.xml"
    export.write_text("<html><body><p>Hello</p></body></html>")
    assert refused(export) == "the file is XML but not a WordPress export: it starts with <html>, not <rss>."


def test_an_unsupported_version():
    assert refused(DATA / "unsupported-version.xml") == (
        "WXR version 2.0 is not supported; this importer reads versions 1.0, 1.1, 1.2."
    )


def test_invalid_utf8(tmp_path):
    export = tmp_path / "latin1.xml"
    raw = PIMLICO.read_bytes()
    offset = raw.index(b"Council approves") + len("Council approves ")
    export.write_bytes(raw[:offset] + b"\xe9t\xe9 " + raw[offset:])
    assert refused(export) == f"the file is not valid UTF-8 (byte {offset:,}); export it again from WordPress."


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "the file is not valid UTF-8 (byte 0); export it again from WordPress."),
        (b"just some words", "the file is not well-formed XML (line 1, column 0: syntax error)."),
    ],
)
def test_files_that_are_not_xml(tmp_path, content, problem):
    export = tmp_path / "export.xml"
    export.write_bytes(content)
    assert refused(export) == problem


def test_a_missing_file(tmp_path):
    assert refused(tmp_path / "nowhere.xml") == "no such file."
    assert refused(tmp_path) == "not a regular file."


def test_cdata_sections_split_around_their_end_marker(tmp_path):
    export = tmp_path / "split.xml"
    export.write_text(
        VICTORIA.read_text().replace(
            "<![CDATA[The concourse at Victoria reopened this morning.",
            "<![CDATA[Tags like <b> stay text: ]]]]><![CDATA[>]]]]><![CDATA[> twice.",
        )
    )
    call_command("import_wordpress", str(export), stdout=io.StringIO(), stderr=io.StringIO())
    story = Article.objects.get()
    assert story.body.startswith("<p>Tags like <b> stay text: ]]&gt;]]&gt; twice.")


def huge_export(folder, megabytes):
    """The Victoria export with a second post whose content is one text node of `megabytes` MiB."""
    template = VICTORIA.read_text()
    start, end = template.index("<item>"), template.index("</item>") + len("</item>")
    item = template[start:end].replace("<wp:post_id>7", "<wp:post_id>8").replace("station-concourse", "huge")
    before, after = item.split("The concourse at Victoria reopened this morning.", 1)
    path = folder / "huge.xml"
    block = "x" * (1 << 20)
    with path.open("w") as handle:
        handle.write(template[:start] + before)
        for _ in range(megabytes):
            handle.write(block)
        handle.write(after + template[start:])
    return path


def test_an_oversized_post_is_skipped_and_the_rest_imported(tmp_path):
    export = huge_export(tmp_path, 3)
    out = tmp_path / "out.txt"
    with out.open("w") as stream:
        call_command("import_wordpress", str(export), stdout=stream, stderr=stream)
    assert "  post 8 “Station concourse reopens”: its content is too long to import" in out.read_text()
    assert list(Article.objects.values_list("slug", flat=True)) == ["station-concourse-reopens"]


def test_a_one_gigabyte_text_node_is_read_in_bounded_memory(tmp_path):
    export = huge_export(tmp_path, 1024)
    script = textwrap.dedent(
        """
        import re, sys
        from pathlib import Path
        import django
        django.setup()
        from articles.wordpress import wxr
        items = [(item.post_id, item.oversized) for _channel, item in wxr.read(sys.argv[1]) if item is not None]
        # This process's own peak (VmHWM starts again at exec; ru_maxrss would count the forking parent's).
        peak_kb = int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1))
        print(items, peak_kb // 1024)
        """
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.test_settings"}
    result = subprocess.run(
        [sys.executable, "-c", script, str(export)],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    items, peak_megabytes = result.stdout.strip().rsplit(" ", 1)
    assert items == "[(8, 'content'), (7, '')]"
    assert int(peak_megabytes) < 200, f"peak memory {peak_megabytes} MB reading a 1 GiB text node"


def test_large_meta_of_plugins_does_not_stop_a_post(tmp_path):
    export = tmp_path / "builder.xml"
    meta = "<wp:postmeta><wp:meta_key>_builder_data</wp:meta_key><wp:meta_value><![CDATA[{}]]></wp:meta_value></wp:postmeta>"
    export.write_text(VICTORIA.read_text().replace("</wp:post_type>", "</wp:post_type>" + meta.format("x" * 500_000)))
    call_command("import_wordpress", str(export), stdout=io.StringIO(), stderr=io.StringIO())
    assert list(Article.objects.values_list("slug", flat=True)) == ["station-concourse-reopens"]


def test_a_post_with_endless_categories_is_skipped(tmp_path):
    export = tmp_path / "endless.xml"
    terms = "".join(f'<category domain="post_tag" nicename="t{n}"><![CDATA[T{n}]]></category>' for n in range(2_001))
    export.write_text(VICTORIA.read_text().replace("</wp:post_type>", "</wp:post_type>" + terms))
    out = io.StringIO()
    call_command("import_wordpress", str(export), stdout=out, stderr=io.StringIO())
    assert "post 7 “Station concourse reopens”: its list of categories and tags is too long to import" in out.getvalue()
    assert nothing_written()


def test_the_command_line_gets_one_error_line_and_exit_status_1(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "import_wordpress", str(DATA / "malformed.xml")],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"CommandError: {DATA / 'malformed.xml'}: the file is not well-formed XML (line 20, column 3: mismatched tag). "
        "Nothing was imported."
    ]
