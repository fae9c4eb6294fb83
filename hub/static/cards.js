// A host's cards on this device, and "Copy" buttons that work on plain http too.
// [data-remember] elements (the "added" and edit pages) put their card in the "My cards" list
// kept in localStorage; /my-cards lists it. [data-copy-from] buttons copy the text of the
// element they name: with the clipboard API where the browser offers it (https), else by
// selecting the text and asking the browser to copy; either way a status line says what
// happened, and the text stays selected so Ctrl+C works if the browser refused.
(function () {
  "use strict";

  var KEY = "openspaces.my-cards";

  function load() {
    try {
      var cards = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(cards) ? cards : [];
    } catch (e) { return []; }
  }

  function save(cards) {
    try { window.localStorage.setItem(KEY, JSON.stringify(cards)); } catch (e) { /* storage off */ }
  }

  function remember(element) {
    var card = {
      id: element.getAttribute("data-remember"), title: element.getAttribute("data-title"),
      when: element.getAttribute("data-when"), link: element.getAttribute("data-link")
    };
    var cards = load().filter(function (old) {
      if (old.id !== card.id) { return true; }
      if (old.link && old.link.indexOf("token=") >= 0) { card.link = old.link; }
      return false;
    });
    cards.unshift(card);
    save(cards);
  }

  function showList(list) {
    var cards = load();
    cards.forEach(function (card) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      var title = document.createElement("bdi");
      title.textContent = card.title || "Your card";
      link.href = card.link;
      link.appendChild(title);
      item.appendChild(link);
      var when = document.createElement("span");
      when.className = "meta";
      when.textContent = " " + (card.when || "");
      item.appendChild(when);
      list.appendChild(item);
    });
    var empty = document.querySelector("[data-my-cards-empty]");
    if (empty) { empty.hidden = cards.length > 0; }
  }

  function selectText(target) {
    if (target.select) { target.focus(); target.select(); return; }
    var range = document.createRange();
    range.selectNodeContents(target);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyBySelecting(target) {
    selectText(target);
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  function copy(button) {
    var target = document.querySelector(button.getAttribute("data-copy-from"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!target) { return; }
    var text = target.value !== undefined ? target.value : target.textContent;
    function say(message) { if (status) { status.textContent = message; } }
    function fallback() {
      say(copyBySelecting(target) ? "Copied." : "Selected: press Ctrl+C (⌘C on a Mac) to copy.");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { say("Copied."); }, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-remember]").forEach(remember);
    var list = document.querySelector("[data-my-cards]");
    if (list) { showList(list); }
    document.querySelectorAll("[data-copy-from]").forEach(function (button) {
      button.addEventListener("click", function () { copy(button); });
    });
  });
})();
