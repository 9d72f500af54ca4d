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

// No lost work on the article form: a leave guard while it has unsaved changes, autosave to the server,
// a backup in this browser that outlives a session, Ctrl/Cmd+S, and writing comforts (spell-check,
// word count and reading time, copying preview links). The server side is articles/admin/autosave_views.py.
(function () {
  const BACKUP_FIELDS = ["headline", "slug", "standfirst", "body", "source_attribution", "hero_alt", "hero_caption", "hero_credit"];
  const BACKUP_DAYS = 14;
  const SUBMITTED = "newsroom:submitted";
  let bodyEditor = null;
  const editorListeners = [];

  // The prose editor announces itself once it is built (it is a module, so after this script has run).
  document.addEventListener("prose-editor:ready", function (event) {
    const editor = event.detail.editor;
    if (!event.detail.textarea || event.detail.textarea.name !== "body") return;
    bodyEditor = editor;
    // The editor library leaves spell-checking off; writers want it on.
    const props = editor.options.editorProps || {};
    const attributes = typeof props.attributes === "object" && props.attributes ? props.attributes : {};
    editor.setOptions({ editorProps: { ...props, attributes: { ...attributes, spellcheck: "true" } } });
    editor.view.dom.setAttribute("spellcheck", "true");
    for (const listener of editorListeners) listener(editor);
    editor.on("update", function () {
      for (const listener of editorListeners) listener(editor);
    });
  });

  function onEditor(listener) {
    editorListeners.push(listener);
    if (bodyEditor) listener(bodyEditor);
  }

  function textOf(html) {
    // DOMParser builds an inert document: nothing in the text runs.
    return new DOMParser().parseFromString(html || "", "text/html").body.textContent || "";
  }

  function wordCount(form, config) {
    const body = form.querySelector('textarea[name="body"]');
    const row = document.querySelector(".field-body");
    if (!body || !row) return;
    const perMinute = parseInt(config && config.dataset.wordsPerMinute, 10) || 230;
    // Under the body's help text, aligned with it.
    const stats = document.createElement("div");
    stats.className = "help body-stats";
    const help = row.querySelector(".help");
    if (help) help.after(stats);
    else row.appendChild(stats);
    function update() {
      const text = bodyEditor ? bodyEditor.getText() : textOf(body.value);
      const words = text.split(/\s+/).filter(Boolean).length;
      const minutes = words ? Math.max(1, Math.ceil(words / perMinute)) : 0;
      stats.textContent = words.toLocaleString("en-GB") + (words === 1 ? " word" : " words") +
        " · " + (minutes ? "about " + minutes + " min read" : "no reading time yet");
    }
    update();
    onEditor(update);
    form.addEventListener("input", update);
  }

  function copyButtons() {
    document.addEventListener("click", function (event) {
      const button = event.target.closest("[data-copy-link]");
      if (!button) return;
      const input = button.parentElement.querySelector("input");
      const done = () => { button.textContent = "Copied"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          input.select();
          if (document.execCommand("copy")) done();
        });
      } else {
        input.select();
        if (document.execCommand("copy")) done();
      }
    });
  }

  function forgetSubmittedBackup() {
    // A save that succeeded lands on a page with a success message: its backup is spent.
    const key = sessionStorage.getItem(SUBMITTED);
    if (!key) return;
    sessionStorage.removeItem(SUBMITTED);
    if (document.querySelector(".messagelist .success") && !document.querySelector(".errornote")) {
      localStorage.removeItem(key);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    copyButtons();
    forgetSubmittedBackup();
    const form = document.getElementById("article_form");
    const config = document.getElementById("desk-editing");
    if (!form) return;
    wordCount(form, config);
    if (!config) return; // Read only: nothing to lose.

    const status = config.querySelector("[data-autosave-status]");
    const key = config.dataset.storageKey;

    function tracked() {
      return Array.from(form.elements).filter(
        (el) => el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file" && el.type !== "submit" &&
          el.type !== "button" && !el.closest(".workflow-panel, #desk-editing")
      );
    }
    function valueOf(el) {
      if (el.type === "checkbox" || el.type === "radio") return el.checked;
      if (el.type === "select-multiple") return Array.from(el.selectedOptions).map((o) => o.value);
      return el.value;
    }
    function serialize() {
      return JSON.stringify(tracked().map((el) => [el.name, valueOf(el)]));
    }
    function field(name) {
      return form.querySelector('[name="' + name + '"]');
    }
    function fields() {
      const values = {};
      for (const name of BACKUP_FIELDS) {
        const el = field(name);
        if (el) values[name] = el.value;
      }
      return values;
    }

    // A form shown again with errors, or filled from an autosave, differs from the saved story from the start.
    let clean = config.dataset.restored || document.querySelector(".errornote") ? null : serialize();
    let touched = false;
    let submitting = false;
    const isDirty = () => serialize() !== clean;

    onEditor(function () {
      // The editor may rewrite the body's markup as it starts: that is not an edit.
      if (!touched && clean !== null) clean = serialize();
    });
    form.addEventListener("input", () => { touched = true; });
    form.addEventListener("keydown", () => { touched = true; });

    // The local backup: written while the form differs from the saved story, offered when it is opened again.
    function backup() {
      if (!isDirty()) return;
      try {
        localStorage.setItem(key, JSON.stringify({ savedAt: Date.now(), version: config.dataset.version || "", fields: fields() }));
      } catch (error) {
        // Storage full or disabled: the server autosave still runs.
      }
    }
    function storedBackup() {
      try {
        const kept = JSON.parse(localStorage.getItem(key) || "null");
        if (kept && Date.now() - kept.savedAt < BACKUP_DAYS * 86400000) return kept;
      } catch (error) {
        // Unreadable: forget it below.
      }
      localStorage.removeItem(key);
      return null;
    }
    function setField(name, value) {
      const el = field(name);
      if (!el) return;
      if (name === "body" && bodyEditor) bodyEditor.commands.setContent(value);
      el.value = value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }
    function offerBackup() {
      const kept = storedBackup();
      if (!kept) return;
      const current = fields();
      const differs = Object.keys(kept.fields).some((name) => name in current && current[name] !== kept.fields[name]);
      if (!differs) {
        localStorage.removeItem(key);
        return;
      }
      const offer = config.querySelector("[data-backup-offer]");
      offer.querySelector("[data-backup-time]").textContent = new Date(kept.savedAt).toLocaleString("en-GB");
      offer.hidden = false;
      offer.querySelector("[data-backup-restore]").addEventListener("click", function () {
        const restore = () => {
          for (const [name, value] of Object.entries(kept.fields)) setField(name, value);
          offer.hidden = true;
          status.textContent = "The typed text is back in the form. It is not saved yet: press Save to keep it.";
        };
        if (field("body") && !bodyEditor && "body" in kept.fields) onEditor(function once() {
          editorListeners.splice(editorListeners.indexOf(once), 1);
          restore();
        });
        else restore();
      });
      offer.querySelector("[data-backup-discard]").addEventListener("click", function () {
        localStorage.removeItem(key);
        offer.hidden = true;
      });
    }
    offerBackup();

    // Leaving with unsaved changes asks first; saving (any button of this form) does not.
    form.addEventListener("submit", function () {
      submitting = true;
      backup();
      sessionStorage.setItem(SUBMITTED, key);
    });
    window.addEventListener("pageshow", () => { submitting = false; });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || !isDirty()) return;
      backup();
      event.preventDefault();
      event.returnValue = "";
    });

    // Ctrl+S or Cmd+S saves and keeps the form open.
    document.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.key.toLowerCase() !== "s") return;
      event.preventDefault();
      const button = form.querySelector('input[name="_continue"], button[name="_continue"]');
      form.requestSubmit(button || undefined);
    });

    // Autosave to the server (never applied to the story) and the "someone else has it open" heartbeat.
    const url = config.dataset.autosaveUrl;
    const others = config.querySelector("[data-others]");
    let lastSent = clean;
    let inFlight = false;
    let again = false;
    function showOthers(editors) {
      others.hidden = !editors.length;
      others.querySelector("[data-others-names]").textContent = editors
        .map((e) => e.name + " (since " + e.since.split(", ").pop().slice(0, 5) + ")")
        .join(", ");
    }
    function autosave() {
      backup();
      if (!url || submitting) return;
      if (inFlight) {
        again = true; // Go again once the answer is in: the text may have changed since.
        return;
      }
      const state = serialize();
      const store = isDirty() && state !== lastSent;
      const body = new FormData();
      body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      body.append("loaded_version", (field("loaded_version") || {}).value || "");
      if (store) {
        body.append("store", "on");
        for (const [name, value] of Object.entries(fields())) body.append(name, value);
      }
      inFlight = true;
      fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          const json = (response.headers.get("Content-Type") || "").includes("application/json");
          if (response.redirected || !json) {
            status.textContent = "You are signed out. Your text is kept in this browser: sign in again, then restore it.";
            return null;
          }
          return response.json().then((data) => ({ ok: response.ok, data: data }));
        })
        .then(function (result) {
          if (!result) return;
          if (!result.ok) {
            status.textContent = "Not autosaved: " + (result.data.error || "the server refused it") + " Your text is kept in this browser.";
            return;
          }
          if (store) {
            lastSent = state;
            status.textContent = "Autosaved (not published) at " + result.data.saved_at + ".";
          }
          showOthers(result.data.editors || []);
          // Whether the form holds text the server has not kept yet (read by the browser tests).
          config.dataset.unsent = String(isDirty() && serialize() !== lastSent);
        })
        .catch(function () {
          status.textContent = "Not autosaved: the server could not be reached. Your text is kept in this browser.";
        })
        .finally(function () {
          inFlight = false;
          if (again) {
            again = false;
            autosave();
          }
        });
    }
    const seconds = parseFloat(config.dataset.autosaveSeconds) || 20;
    setInterval(autosave, seconds * 1000);
    setInterval(backup, 2000);
    // Leaving a field autosaves, a moment later: when the field was left for Save, the save goes alone.
    let blurTimer = null;
    form.addEventListener("focusout", function () {
      clearTimeout(blurTimer);
      blurTimer = setTimeout(function () {
        if (isDirty() && serialize() !== lastSent) autosave();
      }, 400);
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && isDirty() && serialize() !== lastSent) autosave();
    });
    // A form filled from an autosave, or shown again with errors, is kept at once.
    if (isDirty()) autosave();
  });
})();
