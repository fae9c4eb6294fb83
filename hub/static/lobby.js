// The lobby screen's clock and pages. The clock starts from the hub's time (data-now on the
// live part, in the event's time zone) and counts on with the screen's own timer, so a screen
// whose clock is wrong still shows the event's time. Pages of rooms (tbody.lobby-page) turn
// every PAGE_SECONDS; a live refresh (live.js swaps the part in) keeps the page being shown.
(function () {
  "use strict";

  var PAGE_SECONDS = 12;
  var synced = { hubMs: 0, localMs: 0, offsetMinutes: 0, source: null };
  var shown = 0;

  function live() { return document.querySelector("[data-live]"); }

  function sync() {
    var part = live();
    var stamp = part && part.getAttribute("data-now");
    if (!stamp || synced.source === stamp) { return; }
    var zone = stamp.match(/([+-])(\d\d):(\d\d)$/);
    synced = {
      hubMs: Date.parse(stamp), localMs: Date.now(), source: stamp,
      offsetMinutes: zone ? (zone[1] === "-" ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3])) : 0
    };
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    sync();
    var clock = document.querySelector("[data-clock]");
    if (!clock || !synced.source) { return; }
    var local = new Date(synced.hubMs + (Date.now() - synced.localMs) + synced.offsetMinutes * 60000);
    clock.textContent = two(local.getUTCHours()) + ":" + two(local.getUTCMinutes());
  }

  function showPage() {
    var pages = document.querySelectorAll("tbody.lobby-page");
    if (!pages.length) { return; }
    shown = shown % pages.length;
    pages.forEach(function (page, index) { page.hidden = index !== shown; });
    var number = document.querySelector("[data-page-number]");
    if (number) { number.textContent = String(shown + 1); }
  }

  function turn() { shown += 1; showPage(); }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    setInterval(turn, PAGE_SECONDS * 1000);
    new MutationObserver(function () { tick(); showPage(); })
      .observe(document.body, { attributes: true, attributeFilter: ["data-refreshed"] });
  });
})();
