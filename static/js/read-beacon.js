// Counts one read of this story: a POST with no cookie and nothing about the reader, sent after the page has
// loaded so that it never delays it. Served from our own origin; the page cache keeps the page itself.
(function () {
  var script = document.currentScript;
  var url = script && script.getAttribute("data-count-url");
  if (!url) return;
  function send() {
    if (navigator.sendBeacon) {
      navigator.sendBeacon(url);
    } else if (window.fetch) {
      fetch(url, { method: "POST", credentials: "omit", keepalive: true });
    }
  }
  if (document.readyState === "complete") send(); else window.addEventListener("load", send);
})();
