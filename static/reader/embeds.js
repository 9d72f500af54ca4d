// Embeds load nothing from their provider until the reader asks: the button swaps the placeholder for the frame.
"use strict";
(function () {
  document.addEventListener("click", function (event) {
    const button = event.target.closest("button.embed__load");
    if (!button) return;
    const figure = button.closest("figure.embed");
    const src = button.dataset.embedSrc || "";
    if (!figure || !src.startsWith("https://")) return;
    const frame = document.createElement("iframe");
    frame.src = src;
    frame.title = button.dataset.embedTitle || "Embedded content";
    frame.className = "embed__frame";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.setAttribute("allow", "encrypted-media; fullscreen; picture-in-picture");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute(
      "sandbox",
      "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-presentation"
    );
    figure.replaceChildren(frame);
    figure.classList.add("embed--loaded");
    frame.focus();
  });
})();
