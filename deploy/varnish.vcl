#
# Varnish in front of the newsroom (Varnish 7.1 with vmod_xkey; Debian: `varnish`, `varnish-modules`).
#
#   varnishd -a 127.0.0.1:6081 -f /etc/varnish/varnish.vcl -s malloc,256m   (the TLS proxy forwards to it)
#   VARNISH_PURGE_URLS=http://127.0.0.1:6081 gunicorn newsroom.wsgi --bind 127.0.0.1:8000 ...
#
# Every cached page names its tags in an `xkey` header (e.g. "article:12 listing:all page");
# a committed change sends `PURGE /` with the invalidated tags in `xkey-purge`, and Varnish
# drops exactly the pages showing them. See docs/deployment.md.
#
vcl 4.1;

import xkey;

# The origin: gunicorn serving newsroom.wsgi. Change host and port to match its --bind.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may send PURGE: the machines running the newsroom (its VARNISH_PURGE_URLS point here).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Set only by vcl_synth below, never by a client.
    if (req.restarts == 0) {
        unset req.http.X-Grace-Retry;
    }

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        # A hard purge: a story that was unpublished must never come back, even as a stale copy.
        return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge)));
    }

    # The desk, previews and anyone with a session or a pending message: always from the origin.
    if (req.url ~ "^/(admin|preview)/" || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # Reader pages look the same to every anonymous reader: drop other cookies (analytics, csrftoken)
    # so they all share one copy. Writes (POST) keep theirs, and the built-in VCL passes them.
    if (req.method == "GET" || req.method == "HEAD") {
        unset req.http.Cookie;
    }

    # Never a stale copy while the origin answers (purges and scheduled stories show at once);
    # when it fails, vcl_synth retries once, accepting a copy within its grace (beresp.grace).
    if (req.http.X-Grace-Retry) {
        set req.grace = 6h;
    } else {
        set req.grace = 0s;
    }
    # The built-in vcl_recv follows: it passes other methods and requests with Authorization.
}

sub vcl_hash {
    # Behind a TLS proxy (BEHIND_TLS_PROXY=1), http and https copies are kept apart.
    hash_data(req.http.X-Forwarded-Proto);
    # The built-in vcl_hash adds the URL and the Host.
}

sub vcl_backend_response {
    # An origin error never replaces a good copy: abandon it, so the stale copy stays and the
    # retry (vcl_synth) can serve it. On that retry, with no copy to fall back on, the origin's
    # own error page goes to the reader, uncached.
    if (beresp.status >= 500 && !bereq.uncacheable) {
        if (bereq.is_bgfetch || !bereq.http.X-Grace-Retry) {
            return (abandon);
        }
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }

    # Text is kept compressed and sent so to every client that accepts it (a page is about a quarter
    # of its size, a feed of twenty full-text items about 100 KB before); Varnish unzips it for the rest.
    if (beresp.http.Content-Type ~ "^(text/|application/(rss\+xml|atom\+xml|xml|json|javascript))") {
        set beresp.do_gzip = true;
    }

    # Personal or uncacheable responses are never stored (remembered for 2 minutes as hit-for-miss).
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "(?i)private|no-cache|no-store") {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }

    if (beresp.http.xkey) {
        # Tagged pages: purges keep them fresh, so keep them an hour. A max-age below the origin's
        # usual 60 s (PAGE_CACHE_MAX_AGE: change both together) means a scheduled story goes live
        # then: that TTL is kept, so the next request reaches the origin, which purges what changed.
        if (beresp.ttl >= 60s) {
            set beresp.ttl = 1h;
        }
        # Scheduling or withdrawing a story purges "schedule": every page, whose TTL was set
        # before that moment existed, is fetched again (from the origin's own page cache).
        set beresp.http.xkey = beresp.http.xkey + " schedule";
    } elsif (beresp.http.Cache-Control !~ "(?i)max-age" && !beresp.http.Expires) {
        # No lifetime from the origin (a 404, a redirect): not cached, so a later publish shows at once.
        set beresp.ttl = 0s;
    }
    # Otherwise the origin's max-age. The origin's page cache may answer with a copy it kept
    # while re-rendering ("stale"): never keep that one for long.
    if (beresp.http.X-Page-Cache == "stale" && beresp.ttl > 1s) {
        set beresp.ttl = 1s;
    }

    # Grace: kept 6 hours past the TTL, to be served when the origin is down or failing.
    set beresp.grace = 6h;
}

sub vcl_backend_error {
    # The origin is unreachable: keep the stale copy (abandon), unless this is the retry and
    # there is none, when the built-in 503 goes to the reader.
    if (!bereq.uncacheable && (bereq.is_bgfetch || !bereq.http.X-Grace-Retry)) {
        return (abandon);
    }
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        synthetic(resp.reason + {"
"});
        return (deliver);
    }
    # The fetch was abandoned (origin down or 5xx): look again, accepting a copy within its grace.
    if (resp.status == 503 && req.restarts == 0 && (req.method == "GET" || req.method == "HEAD")) {
        set req.http.X-Grace-Retry = "1";
        return (restart);
    }
}

sub vcl_deliver {
    # For debugging; obj.hits counts stale (grace) hits too.
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
        # The site's request id names the request the copy was rendered for, not this one.
        unset resp.http.X-Request-ID;
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The tags are for Varnish and CDNs, not for readers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
}
