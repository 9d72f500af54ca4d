// Steps that take a story off the public site ask first: the Unpublish button on a story's page.
"use strict";
(function () {
  document.addEventListener("click", function (event) {
    const button = event.target.closest(".workflow-button--unpublish");
    if (!button) return;
    const message =
      "Unpublish this story? It leaves every public page, feed and sitemap at once. " +
      "An editor can publish it again later.";
    if (!window.confirm(message)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
})();
