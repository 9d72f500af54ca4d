"""Embeds: the providers whose URLs become an embed block, and the frame each one loads.

A URL is judged by its parsed parts, never by a substring: the scheme must be
https, the host one of a provider's exact host names (so
`youtube.com.evil.example` is nobody's), and the path must have the provider's
shape. Anything else stays an ordinary link. Readers get a placeholder; the
frame address is used only when they ask for it.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode, urlsplit

MAX_URL_LENGTH = 2000
ID = r"[A-Za-z0-9_-]+"


@dataclass(frozen=True)
class Provider:
    name: str
    hosts: frozenset
    frame_origin: str  # what the CSP's frame-src allows for it
    kind: str  # "video", "post", "audio", "map", "chart": the placeholder's wording

    def matches(self, host):
        return host in self.hosts


@dataclass(frozen=True)
class Embed:
    provider: Provider
    url: str  # the canonical address the editor pasted (also the readers' link)
    frame_src: str

    @property
    def name(self):
        return self.provider.name


def _hosts(*names):
    return frozenset(names)


YOUTUBE = Provider(
    "YouTube",
    _hosts("youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"),
    "https://www.youtube-nocookie.com",
    "video",
)
VIMEO = Provider("Vimeo", _hosts("vimeo.com", "www.vimeo.com", "player.vimeo.com"), "https://player.vimeo.com", "video")
X = Provider(
    "X (Twitter)",
    _hosts("twitter.com", "www.twitter.com", "x.com", "www.x.com", "mobile.twitter.com"),
    "https://platform.twitter.com",
    "post",
)
INSTAGRAM = Provider("Instagram", _hosts("instagram.com", "www.instagram.com"), "https://www.instagram.com", "post")
FACEBOOK = Provider(
    "Facebook", _hosts("facebook.com", "www.facebook.com", "m.facebook.com"), "https://www.facebook.com", "post"
)
TIKTOK = Provider("TikTok", _hosts("tiktok.com", "www.tiktok.com"), "https://www.tiktok.com", "video")
SPOTIFY = Provider("Spotify", _hosts("open.spotify.com"), "https://open.spotify.com", "audio")
SOUNDCLOUD = Provider("SoundCloud", _hosts("soundcloud.com", "www.soundcloud.com"), "https://w.soundcloud.com", "audio")
GOOGLE_MAPS = Provider(
    "Google Maps", _hosts("www.google.com", "google.com", "maps.google.com"), "https://www.google.com", "map"
)
DATAWRAPPER = Provider("Datawrapper", _hosts("datawrapper.dwcdn.net"), "https://datawrapper.dwcdn.net", "chart")
FLOURISH = Provider("Flourish", _hosts("flo.uri.sh", "public.flourish.studio"), "https://flo.uri.sh", "chart")

PROVIDERS = (YOUTUBE, VIMEO, X, INSTAGRAM, FACEBOOK, TIKTOK, SPOTIFY, SOUNDCLOUD, GOOGLE_MAPS, DATAWRAPPER, FLOURISH)
# The CSP's frame-src: exactly the origins the providers' frames come from.
FRAME_ORIGINS = tuple(sorted({provider.frame_origin for provider in PROVIDERS}))


def _youtube(parts, path):
    if parts.hostname == "youtu.be":
        match = re.fullmatch(rf"/({ID})", path)
    else:
        match = re.fullmatch(rf"/(?:embed|shorts|live)/({ID})", path)
        if match is None and path == "/watch":
            video = parse_qs(parts.query).get("v", [""])[0]
            match = re.fullmatch(rf"({ID})", video)
    return match and f"https://www.youtube-nocookie.com/embed/{match.group(1)}"


def _vimeo(parts, path):
    match = re.fullmatch(r"/(?:video/)?(\d{1,12})", path)
    return match and f"https://player.vimeo.com/video/{match.group(1)}"


def _x(parts, path):
    match = re.fullmatch(rf"/{ID}/status(?:es)?/(\d{{1,25}})", path)
    return match and f"https://platform.twitter.com/embed/Tweet.html?{urlencode({'id': match.group(1), 'dnt': 'true'})}"


def _instagram(parts, path):
    match = re.fullmatch(rf"/(p|reel|tv)/({ID})", path)
    return match and f"https://www.instagram.com/{match.group(1)}/{match.group(2)}/embed/"


def _facebook(parts, path):
    if not re.fullmatch(rf"/(?:{ID}/(?:posts|videos)/[A-Za-z0-9._-]+|watch|permalink\.php|photo\.php|reel/\d+)", path):
        return None
    canonical = f"https://www.facebook.com{path}" + (f"?{parts.query}" if parts.query else "")
    return f"https://www.facebook.com/plugins/post.php?{urlencode({'href': canonical, 'show_text': 'true'})}"


def _tiktok(parts, path):
    match = re.fullmatch(r"/@[A-Za-z0-9_.-]+/video/(\d{1,25})", path)
    return match and f"https://www.tiktok.com/embed/v2/{match.group(1)}"


def _spotify(parts, path):
    match = re.fullmatch(rf"/(?:embed/)?(track|album|playlist|episode|show|artist)/({ID})", path)
    return match and f"https://open.spotify.com/embed/{match.group(1)}/{match.group(2)}"


def _soundcloud(parts, path):
    if not re.fullmatch(r"/[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+){1,2}", path):
        return None
    canonical = f"https://soundcloud.com{path}"
    return f"https://w.soundcloud.com/player/?{urlencode({'url': canonical, 'visual': 'true'})}"


def _google_maps(parts, path):
    # Only the "embed a map" address works in a frame; a share link has no embeddable form.
    if path != "/maps/embed" or not parts.query or parts.hostname not in {"www.google.com", "google.com"}:
        return None
    pb = parse_qs(parts.query).get("pb", [""])[0]
    return (
        re.fullmatch(r"[A-Za-z0-9!._:%-]{1,1500}", pb)
        and f"https://www.google.com/maps/embed?pb={quote(pb, safe='!:.')}"
    )


def _datawrapper(parts, path):
    match = re.fullmatch(r"/([A-Za-z0-9]{5})(?:/(\d{1,4}))?/?", path)
    return match and f"https://datawrapper.dwcdn.net/{match.group(1)}/{match.group(2) or '1'}/"


def _flourish(parts, path):
    match = re.fullmatch(r"/(visualisation|story)/(\d{1,12})(?:/embed)?/?", path)
    return match and f"https://flo.uri.sh/{match.group(1)}/{match.group(2)}/embed"


FRAME_BUILDERS = {
    YOUTUBE: _youtube,
    VIMEO: _vimeo,
    X: _x,
    INSTAGRAM: _instagram,
    FACEBOOK: _facebook,
    TIKTOK: _tiktok,
    SPOTIFY: _spotify,
    SOUNDCLOUD: _soundcloud,
    GOOGLE_MAPS: _google_maps,
    DATAWRAPPER: _datawrapper,
    FLOURISH: _flourish,
}


def parse_embed(url):
    """The Embed a pasted URL stands for, or None when it is not exactly one of the providers' addresses."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH or any(ord(character) < 33 or ord(character) == 127 for character in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "https" or port not in (None, 443) or parts.username or parts.password or not parts.hostname:
        return None
    if parts.netloc.lower() != parts.hostname:  # no userinfo, no port spelled out, no odd casing tricks
        return None
    path = parts.path.rstrip("/") or "/"
    for provider in PROVIDERS:
        if provider.matches(parts.hostname):
            frame_src = FRAME_BUILDERS[provider](parts, path)
            if frame_src:
                return Embed(provider=provider, url=url, frame_src=frame_src)
    return None
