// The planning calendar: drag a scheduled story (or a planned draft) to another day to move it.
"use strict";
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    const board = document.querySelector(".planning");
    if (!board) return;
    const error = board.querySelector(".planning__error");
    const token = board.querySelector("[name=csrfmiddlewaretoken]").value;

    board.addEventListener("dragstart", function (event) {
      const entry = event.target.closest("[data-article]");
      if (!entry) return;
      event.dataTransfer.setData("text/plain", entry.dataset.article);
      event.dataTransfer.effectAllowed = "move";
      entry.classList.add("planning__entry--dragging");
    });
    board.addEventListener("dragend", function (event) {
      const entry = event.target.closest("[data-article]");
      if (entry) entry.classList.remove("planning__entry--dragging");
    });
    board.addEventListener("dragover", function (event) {
      const day = event.target.closest("[data-day]");
      if (!day) return;
      event.preventDefault();
      board.querySelectorAll(".planning__day--target").forEach((cell) => cell.classList.remove("planning__day--target"));
      day.classList.add("planning__day--target");
    });
    board.addEventListener("drop", function (event) {
      const day = event.target.closest("[data-day]");
      const article = event.dataTransfer.getData("text/plain");
      if (!day || !/^\d+$/.test(article)) return;
      event.preventDefault();
      const body = new FormData();
      body.append("csrfmiddlewaretoken", token);
      body.append("day", day.dataset.day);
      const url = board.dataset.moveUrl.replace("/0/", "/" + article + "/");
      fetch(url, { method: "POST", body: body, credentials: "same-origin" })
        .then((response) => response.json().then((data) => ({ ok: response.ok, data: data })))
        .then(({ ok, data }) => {
          if (ok) {
            window.location.reload();
          } else {
            error.textContent = data.error || "The story could not be moved.";
            error.hidden = false;
            day.classList.remove("planning__day--target");
          }
        })
        .catch(() => {
          error.textContent = "The server did not answer; nothing was moved.";
          error.hidden = false;
        });
    });
  });
})();
