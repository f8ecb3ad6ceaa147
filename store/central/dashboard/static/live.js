// Keeps an open page current: every few seconds it fetches the page again
// (the filters are in its address) and replaces only its live part, so
// nothing typed in a field is lost. A session that ended shows the login.
"use strict";
// On a phone the page links scroll sideways: the page open is shown.
(function () {
  const here = document.querySelector("nav.pages a[aria-current]");
  const nav = here && here.parentElement;
  if (nav && nav.scrollWidth > nav.clientWidth) {
    const at = here.getBoundingClientRect().left - nav.getBoundingClientRect().left + nav.scrollLeft;
    nav.scrollLeft = at - (nav.clientWidth - here.offsetWidth) / 2;
  }
})();
(function () {
  const live = document.getElementById("live");
  if (!live) return;
  const every = Number(live.dataset.refresh) || 5000;
  async function tick() {
    try {
      const r = await fetch(location.href, {
        headers: { "X-Dropin-Partial": "1" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (r.status === 401) {
        location.reload();
        return;
      }
      if (r.ok) {
        const html = await r.text();
        if (html !== live.innerHTML) live.innerHTML = html;
      }
    } catch (e) {
      // The server is away for a moment; try again at the next tick.
    }
    setTimeout(tick, every);
  }
  setTimeout(tick, every);
})();
