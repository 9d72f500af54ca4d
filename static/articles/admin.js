// Suggested regions and topics: refresh them from the text as it is written,
// and add one to the autocomplete field with a single click.
"use strict";
(function () {
  function selectFor(field) {
    return document.getElementById("id_" + field);
  }

  function addTag(field, id, name) {
    const select = selectFor(field);
    if (!select) return;
    let option = Array.from(select.options).find((o) => o.value === String(id));
    if (!option) {
      option = new Option(name, id, true, true);
      select.appendChild(option);
    }
    option.selected = true;
    if (window.django && window.django.jQuery) {
      window.django.jQuery(select).trigger("change");
    } else {
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function render(box, data) {
    for (const field of ["regions", "topics"]) {
      const list = box.querySelector('[data-vocabulary="' + field + '"]');
      list.replaceChildren();
      for (const tag of data[field]) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button tag-suggestion";
        button.dataset.field = field;
        button.dataset.id = tag.id;
        button.dataset.name = tag.name;
        button.textContent = "+ " + tag.name + " (" + (field === "regions" ? "region" : "topic") + ")";
        list.appendChild(button);
      }
    }
  }

  function selectedIds(field) {
    const select = selectFor(field);
    return select ? Array.from(select.selectedOptions).map((o) => o.value) : [];
  }

  function refresh(box) {
    const form = box.closest("form");
    const body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    for (const name of ["headline", "standfirst", "body"]) {
      const input = form.querySelector('[name="' + name + '"]');
      body.append(name, input ? input.value : "");
    }
    for (const field of ["regions", "topics"]) {
      for (const id of selectedIds(field)) body.append(field, id);
    }
    fetch(box.dataset.suggestUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => data && render(box, data))
      .catch(() => {});
  }

  document.addEventListener("DOMContentLoaded", function () {
    const box = document.querySelector(".tag-suggestions");
    if (!box) return;
    // Show the suggestions right under the Sections fields they feed.
    const topicsRow = document.querySelector(".field-topics");
    if (topicsRow) topicsRow.after(box);

    box.addEventListener("click", function (event) {
      const button = event.target.closest(".tag-suggestion");
      if (!button) return;
      addTag(button.dataset.field, button.dataset.id, button.dataset.name);
      button.remove();
    });

    let timer = null;
    let lastText = "";
    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        const form = box.closest("form");
        const text = ["headline", "standfirst", "body"]
          .map((n) => (form.querySelector('[name="' + n + '"]') || {}).value || "")
          .join("\n");
        if (text !== lastText) {
          lastText = text;
          refresh(box);
        }
      }, 800);
    }
    box.closest("form").addEventListener("input", schedule);
    // The prose editor writes into its hidden textarea without input events; look again now and then.
    setInterval(schedule, 3000);
  });
})();
