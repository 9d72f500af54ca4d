// Pictures and embeds in the article body (an extension module of the prose editor).
//
// The body stores references only: <figure data-image="ID" data-caption="…"> for a library image and
// <figure data-embed="URL"> for an embed. Dropping or pasting an image file uploads it to the library;
// pasting a lone URL of an allowed provider makes an embed (the server decides, any other URL stays text).
import { Node, Plugin } from "django-prose-editor/editor";

const ADMIN_ROOT = window.location.pathname.split("/articles/")[0];
const LIBRARY = ADMIN_ROOT + "/articles/libraryimage/";
const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"];

function csrfToken() {
  const input = document.querySelector("[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function say(message) {
  // The desk shows problems in its message list; an alert is the fallback.
  let list = document.querySelector(".prose-media-messages");
  const editor = document.querySelector(".prose-editor");
  if (!list && editor) {
    list = document.createElement("ul");
    list.className = "messagelist prose-media-messages";
    list.setAttribute("role", "status");
    (editor.closest(".form-row") || editor.parentElement).prepend(list);
  }
  if (!list) return window.alert(message);
  const item = document.createElement("li");
  item.className = "error";
  item.textContent = message;
  list.replaceChildren(item);
}

async function upload(file) {
  const body = new FormData();
  body.append("file", file, file.name || "pasted-image.png");
  body.append("csrfmiddlewaretoken", csrfToken());
  const response = await fetch(LIBRARY + "upload/", { method: "POST", body, credentials: "same-origin" });
  const data = await response.json().catch(() => ({ error: "The upload failed; try again." }));
  if (!response.ok) throw new Error(data.error || "The upload failed; try again.");
  return data;
}

async function checkEmbed(url) {
  const response = await fetch(LIBRARY + "embed/?url=" + encodeURIComponent(url), { credentials: "same-origin" });
  return response.ok ? response.json() : null;
}

function imageFiles(list) {
  return Array.from(list || []).filter((file) => IMAGE_TYPES.includes(file.type));
}

async function insertUploads(editor, files, position) {
  for (const file of files) {
    try {
      const image = await upload(file);
      const node = { type: "libraryImage", attrs: { image: String(image.id), caption: image.caption || "" } };
      if (position == null) editor.chain().focus().insertContent(node).run();
      else editor.chain().focus().insertContentAt(position, node).run();
    } catch (error) {
      say("“" + (file.name || "Pasted image") + "” was not added: " + error.message);
    }
  }
}

function libraryDialog(editor) {
  const dialog = document.createElement("dialog");
  dialog.className = "library-dialog";
  dialog.innerHTML =
    '<form method="dialog" class="library-dialog__bar"><label>Search the image library ' +
    '<input type="search" name="q" autocomplete="off"></label> <button value="close">Close</button></form>' +
    '<p class="library-dialog__empty" hidden>No image matches.</p><ul class="library-dialog__list"></ul>';
  document.body.append(dialog);
  const list = dialog.querySelector("ul");
  const empty = dialog.querySelector(".library-dialog__empty");
  async function load(query) {
    const response = await fetch(LIBRARY + "search/?q=" + encodeURIComponent(query), { credentials: "same-origin" });
    const data = response.ok ? await response.json() : { results: [] };
    list.replaceChildren();
    empty.hidden = data.results.length > 0;
    for (const image of data.results) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "library-dialog__pick";
      button.dataset.id = image.id;
      const thumb = document.createElement("img");
      thumb.src = image.thumb;
      thumb.alt = image.alt || "";
      const label = document.createElement("span");
      label.textContent = image.caption || image.alt || "Image " + image.id;
      button.append(thumb, label);
      button.addEventListener("click", () => {
        editor
          .chain()
          .focus()
          .insertContent({ type: "libraryImage", attrs: { image: String(image.id), caption: image.caption || "" } })
          .run();
        dialog.close();
      });
      item.append(button);
      list.append(item);
    }
  }
  let timer = null;
  dialog.querySelector("input").addEventListener("input", (event) => {
    clearTimeout(timer);
    timer = setTimeout(() => load(event.target.value), 250);
  });
  dialog.addEventListener("close", () => dialog.remove());
  load("");
  dialog.showModal();
}

function pickFiles(editor) {
  const input = document.createElement("input");
  input.type = "file";
  input.accept = IMAGE_TYPES.join(",");
  input.multiple = true;
  input.addEventListener("change", () => insertUploads(editor, imageFiles(input.files)));
  input.click();
}

async function askForEmbed(editor) {
  const url = window.prompt("Address of the post, video, map or chart to embed (YouTube, X, Instagram, …):");
  if (!url) return;
  const found = await checkEmbed(url.trim());
  if (!found) {
    say("That address is not one of the providers we can embed; paste it as a link instead.");
    return;
  }
  editor.chain().focus().insertContent({ type: "embed", attrs: { url: found.url } }).run();
}

export const LibraryImage = Node.create({
  name: "libraryImage",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      image: { default: null, parseHTML: (element) => element.getAttribute("data-image") },
      caption: { default: "", parseHTML: (element) => element.getAttribute("data-caption") || "" },
    };
  },

  parseHTML() {
    return [{ tag: "figure[data-image]" }];
  },

  renderHTML({ node }) {
    const attributes = { "data-image": node.attrs.image };
    if (node.attrs.caption) attributes["data-caption"] = node.attrs.caption;
    return ["figure", attributes];
  },

  addNodeView() {
    return ({ node, editor, getPos }) => {
      const dom = document.createElement("figure");
      dom.className = "prose-library-image";
      dom.dataset.image = node.attrs.image;
      const img = document.createElement("img");
      img.src = LIBRARY + node.attrs.image + "/thumb/";
      img.alt = "";
      const caption = document.createElement("input");
      caption.type = "text";
      caption.className = "prose-library-image__caption";
      caption.placeholder = "Caption (leave empty to use the library's)";
      caption.setAttribute("aria-label", "Caption of this picture");
      caption.maxLength = 300;
      caption.value = node.attrs.caption || "";
      caption.addEventListener("change", () => {
        const position = getPos();
        if (typeof position !== "number") return;
        editor.view.dispatch(
          editor.view.state.tr.setNodeMarkup(position, undefined, { ...node.attrs, caption: caption.value })
        );
      });
      dom.append(img, caption);
      return {
        dom,
        stopEvent: (event) => event.target === caption,
        ignoreMutation: () => true,
        update(updated) {
          if (updated.type.name !== "libraryImage" || updated.attrs.image !== node.attrs.image) return false;
          node = updated;
          if (document.activeElement !== caption) caption.value = updated.attrs.caption || "";
          return true;
        },
      };
    };
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "libraryImage",
      groups: "nodes",
      button: buttons.material("photo_library", "insert an image from the library"),
      command: (editor) => libraryDialog(editor),
      active: () => false,
    });
    menu.defineItem({
      name: "uploadImage",
      groups: "nodes",
      button: buttons.material("add_photo_alternate", "upload an image into the text"),
      command: (editor) => pickFiles(editor),
      active: () => false,
    });
  },

  addProseMirrorPlugins() {
    const editor = this.editor;
    return [
      new Plugin({
        props: {
          // Text pasted from Word or Google Docs: headings moved to the body's levels (h2 to h4), and pictures
          // either uploaded (when the paste carries their bytes) or named, so none disappears unnoticed.
          transformPastedHTML(html) {
            const doc = new DOMParser().parseFromString(html, "text/html");
            if (doc.querySelector("h1")) {
              for (const heading of doc.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
                const level = Math.min(Math.max(Number(heading.tagName[1]) + 1, 2), 4);
                const replacement = doc.createElement("h" + level);
                replacement.append(...heading.childNodes);
                heading.replaceWith(replacement);
              }
            }
            const pictures = Array.from(doc.querySelectorAll("img"));
            if (!pictures.length) return doc.body.innerHTML;
            const carried = pictures.filter((img) => /^data:image\/(jpeg|png|webp|gif);base64,/.test(img.src));
            for (const img of pictures) img.remove();
            const files = carried.map((img, index) => {
              const [head, data] = img.src.split(",");
              const type = head.slice(5, head.indexOf(";"));
              const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
              return new File([bytes], "pasted-" + (index + 1) + "." + type.split("/")[1].replace("jpeg", "jpg"), { type });
            });
            if (files.length) setTimeout(() => insertUploads(editor, files), 0);
            const left = pictures.length - files.length;
            if (left) {
              say(
                "The pasted text had " + left + (left === 1 ? " picture" : " pictures") + " the browser could not copy. " +
                  "Save " + (left === 1 ? "it" : "them") + " from the document and drop the file" + (left === 1 ? "" : "s") +
                  " here (or use the upload button) to add " + (left === 1 ? "it" : "them") + " to the text."
              );
            }
            return doc.body.innerHTML;
          },
          handleDrop(view, event) {
            const files = imageFiles(event.dataTransfer && event.dataTransfer.files);
            if (!files.length) return false;
            event.preventDefault();
            const at = view.posAtCoords({ left: event.clientX, top: event.clientY });
            insertUploads(editor, files, at ? at.pos : null);
            return true;
          },
          handlePaste(view, event) {
            const data = event.clipboardData;
            const files = imageFiles(data && data.files);
            if (files.length) {
              event.preventDefault();
              insertUploads(editor, files);
              return true;
            }
            const text = data ? data.getData("text/plain").trim() : "";
            if (!/^https:\/\/\S+$/.test(text) || (data && data.getData("text/html").includes("<img"))) return false;
            event.preventDefault();
            checkEmbed(text).then((found) => {
              if (found) editor.chain().focus().insertContent({ type: "embed", attrs: { url: found.url } }).run();
              else editor.chain().focus().insertContent(text).run();
            });
            return true;
          },
        },
      }),
    ];
  },
});

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return { url: { default: null, parseHTML: (element) => element.getAttribute("data-embed") } };
  },

  parseHTML() {
    return [{ tag: "figure[data-embed]" }];
  },

  renderHTML({ node }) {
    return ["figure", { "data-embed": node.attrs.url }];
  },

  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("figure");
      dom.className = "prose-embed";
      const label = document.createElement("span");
      label.className = "prose-embed__label";
      label.textContent = "Embed";
      const link = document.createElement("span");
      link.className = "prose-embed__url";
      link.textContent = node.attrs.url;
      dom.append(label, link);
      return { dom, ignoreMutation: () => true };
    };
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      button: buttons.material("smart_display", "embed a video, post, map or chart"),
      command: (editor) => askForEmbed(editor),
      active: () => false,
    });
  },
});
