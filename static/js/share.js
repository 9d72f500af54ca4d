// "Copy link": copies the story's address instead of following it, where the browser allows.
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-copy-link]");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  var status = link.parentNode.querySelector(".share__status");
  navigator.clipboard.writeText(link.getAttribute("data-copy-link")).then(
    function () { if (status) status.textContent = "Link copied"; },
    function () { if (status) status.textContent = "Could not copy: press and hold the link instead"; }
  );
});
