// Keeps an open board, room or session page current without a reload, and wires the
// share button. The page marks the part to refresh with [data-live] and the site-wide
// announcements with [data-live-banner]; on every "board" event from /live (and when the
// current slot ends, or an announcement's end passes: data-next-change, data-until) the script
// fetches the page again and swaps both in. While the event stream is down the page says
// "Not live — reconnecting" (.live-lost). No framework, no build step. (Copy buttons:
// static/cards.js.)
(function () {
  "use strict";

  function livePart() { return document.querySelector("[data-live]"); }

  var refreshing = false, again = false, boundaryTimer = null;

  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch(window.location.href, { headers: { "Accept": "text/html" }, cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-live]"), current = livePart();
        var freshBanner = page.querySelector("[data-live-banner]");
        var banner = document.querySelector("[data-live-banner]");
        if (freshBanner && banner) { banner.replaceWith(freshBanner); }
        if (fresh && current) {
          current.replaceWith(fresh);
          document.body.setAttribute("data-refreshed", String(Date.now()));
          scheduleBoundary();
        }
      })
      .catch(function () { /* the next event or boundary tries again */ })
      .finally(function () {
        refreshing = false;
        if (again) { again = false; refresh(); }
      });
  }

  function scheduleBoundary() {
    var part = livePart();
    if (boundaryTimer) { clearTimeout(boundaryTimer); }
    var banner = document.querySelector("[data-live-banner]");
    var moments = [part && part.getAttribute("data-next-change"), banner && banner.getAttribute("data-until")]
      .filter(Boolean).map(Date.parse);
    if (!moments.length) { return; }
    var wait = Math.min.apply(null, moments) - Date.now() + 1500;
    if (wait > 0 && wait < 2147483647) { boundaryTimer = setTimeout(refresh, wait); }
  }

  function connect() {
    var part = livePart();
    if (!part || !window.EventSource) { return; }
    var source = new EventSource("/live?since=" + encodeURIComponent(part.getAttribute("data-version") || "0"));
    var lost = document.querySelector(".live-lost");
    source.addEventListener("open", function () {
      document.body.classList.add("live-on");
      if (lost && !lost.hidden) { lost.hidden = true; refresh(); }  // catch up on what was missed
    });
    source.addEventListener("error", function () {
      document.body.classList.remove("live-on");
      if (lost) { lost.hidden = false; }
    });
    source.addEventListener("board", refresh);
    scheduleBoundary();
  }

  function wireButtons() {
    document.querySelectorAll("[data-share]").forEach(function (button) {
      if (!navigator.share) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var target = document.querySelector(button.getAttribute("data-share"));
        navigator.share({ text: target ? target.value : "", url: button.getAttribute("data-url") }).catch(function () {});
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { connect(); wireButtons(); });
})();
