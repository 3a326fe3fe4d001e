// newsflow dashboard: plain JS, no library. Reads /api/*, listens to /api/stream (server-sent events).
"use strict";

(() => {
  const FEED_LIMIT = 50;
  const MAX_BARS = { "1h": 48, "1d": 60 };
  const KNOWN_COLORS = {
    CBDC: "#1f6feb", CRYPTO_BAN: "#d1382b", BLOCKCHAIN_PLATFORM: "#0f9d8a", AI: "#8a4fd8", UNCLASSIFIED: "#8a94a3",
  };
  const PALETTE = ["#e08a00", "#2f8f3a", "#c2417f", "#4a6fa5", "#7a6a00", "#00838f"];

  const state = {
    window: "1h",
    theme: null,           // feed filter; null = all
    articles: [],          // newest first
    themes: null,          // last /api/themes answer
    knownThemes: new Set(),
    openId: null,
  };

  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  };
  const svgEl = (tag, attrs) => {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  };

  function color(theme) {
    if (KNOWN_COLORS[theme]) return KNOWN_COLORS[theme];
    let h = 0;
    for (const c of theme) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    return PALETTE[h % PALETTE.length];
  }

  // ---------------------------------------------------------------- API

  async function api(path, tries = 6) {
    for (let i = 0; ; i++) {
      const res = await fetch(path, { headers: { Accept: "application/json" } });
      if (res.ok) return res.json();
      // 503: rebalancing or restoring; the answer comes once every partition is queryable again
      if (res.status === 503 && i + 1 < tries) {
        await new Promise((r) => setTimeout(r, 400 * (i + 1)));
        continue;
      }
      let msg = res.statusText;
      try { msg = (await res.json()).error || msg; } catch (e) { /* not JSON */ }
      const err = new Error(msg);
      err.status = res.status;
      throw err;
    }
  }

  // ---------------------------------------------------------------- stats

  async function loadStats() {
    const s = await api("/api/stats");
    $("stat-articles").textContent = s.articles;
    $("stat-paragraphs").textContent = s.paragraphsIn;
    $("stat-removed").textContent = s.paragraphsRemoved;
    $("stat-removed-kinds").textContent = `(${s.removedExact} exact, ${s.removedNear} near)`;
    $("stat-ratio").textContent = (100 * s.duplicateRatio).toFixed(1) + "%";
    $("stat-dlq").textContent = s.dlq.total;
  }

  // ---------------------------------------------------------------- chart

  async function loadThemes() {
    const t = await api("/api/themes?window=" + state.window);
    state.themes = t;
    t.themes.forEach((x) => state.knownThemes.add(x));
    renderChart(t);
    renderFilters();
  }

  function label(iso, window) {
    const d = new Date(iso);
    const p = (n) => String(n).padStart(2, "0");
    const day = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
    return window === "1h" ? `${day} ${p(d.getUTCHours())}:00` : day;
  }

  function renderChart(t) {
    const box = $("chart");
    box.replaceChildren();
    const buckets = t.buckets.slice(-MAX_BARS[t.window]);
    const W = 720, H = 260, L = 34, R = 8, T = 10, B = 46;
    const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "xMidYMid meet" });
    box.appendChild(svg);
    if (buckets.length === 0) {
      const txt = svgEl("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty" });
      txt.textContent = "No articles counted in this window size yet";
      svg.appendChild(txt);
    } else {
      const max = Math.max(1, ...buckets.map((b) => Object.values(b.counts).reduce((a, c) => a + c, 0)));
      const step = niceStep(max);
      const top = Math.ceil(max / step) * step;
      const y = (v) => T + (H - T - B) * (1 - v / top);
      for (let v = 0; v <= top; v += step) {
        svg.appendChild(svgEl("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: v === 0 ? "axis" : "grid" }));
        const tl = svgEl("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" });
        tl.textContent = v;
        svg.appendChild(tl);
      }
      const slot = (W - L - R) / buckets.length;
      const bw = Math.max(2, Math.min(40, slot * 0.7));
      const every = Math.ceil(buckets.length / Math.max(1, Math.floor((W - L - R) / 90)));
      buckets.forEach((b, i) => {
        const x = L + i * slot + (slot - bw) / 2;
        let acc = 0;
        for (const theme of t.themes) {
          const c = b.counts[theme] || 0;
          if (!c) continue;
          const r = svgEl("rect", {
            x: x.toFixed(1), y: y(acc + c).toFixed(1), width: bw.toFixed(1),
            height: Math.max(0, y(acc) - y(acc + c)).toFixed(1), fill: color(theme),
            "data-theme": theme, "data-start": b.start, "data-count": c,
          });
          const tip = svgEl("title");
          tip.textContent = `${theme}: ${c} (${label(b.start, t.window)} UTC)`;
          r.appendChild(tip);
          svg.appendChild(r);
          acc += c;
        }
        if (i % every === 0) {
          const xl = svgEl("text", { x: (x + bw / 2).toFixed(1), y: H - B + 16, "text-anchor": "middle" });
          xl.textContent = label(b.start, t.window);
          svg.appendChild(xl);
        }
      });
      const cap = svgEl("text", { x: W - R, y: H - 6, "text-anchor": "end" });
      cap.textContent = `${t.window === "1h" ? "hour" : "day"} of publication (UTC); non-empty windows only`;
      svg.appendChild(cap);
    }
    const legend = $("legend");
    legend.replaceChildren();
    for (const theme of t.themes) {
      const li = el("li");
      li.dataset.themeTotal = theme;
      li.dataset.count = t.totals[theme];
      const sw = el("span", "swatch");
      sw.style.background = color(theme);
      li.append(sw, `${theme} `, el("b", null, String(t.totals[theme])));
      legend.appendChild(li);
    }
    const graceH = t.graceSeconds / 3600;
    const grace = graceH >= 24 ? `${graceH / 24} day${graceH === 24 ? "" : "s"}` : `${graceH} h`;
    $("chart-note").textContent =
      `Counted by publication time (else arrival time); an article counts under each of its themes. ` +
      `Grace period ${grace}: ${t.late} article${t.late === 1 ? "" : "s"} arrived too late for ` +
      `${t.window === "1h" ? "hourly" : "daily"} windows and ${t.late === 1 ? "is" : "are"} listed but not counted here.`;
    $("chart").dataset.window = t.window;
  }

  function niceStep(max) {
    const raw = max / 5;
    const mag = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
    for (const m of [1, 2, 5, 10]) if (raw <= m * mag) return Math.max(1, m * mag);
    return 10 * mag;
  }

  // ---------------------------------------------------------------- feed

  async function loadArticles() {
    const q = state.theme ? "&theme=" + encodeURIComponent(state.theme) : "";
    const a = await api(`/api/articles?limit=${FEED_LIMIT}${q}`);
    state.articles = a.articles;
    a.articles.forEach((x) => x.themes.forEach((c) => state.knownThemes.add(c.theme)));
    renderFeed();
    renderFilters();
  }

  function renderFilters() {
    const box = $("filters");
    const themes = ["ALL", ...[...state.knownThemes].sort()];
    box.replaceChildren(...themes.map((theme) => {
      const b = el("button", null, theme === "ALL" ? "all" : theme);
      b.type = "button";
      b.dataset.theme = theme;
      b.setAttribute("aria-pressed", String((state.theme || "ALL") === theme));
      b.addEventListener("click", () => {
        state.theme = theme === "ALL" ? null : theme;
        loadArticles().catch(showError);
      });
      return b;
    }));
  }

  function matchesFilter(s) {
    if (!state.theme) return true;
    if (state.theme === "UNCLASSIFIED") return s.themes.length === 0;
    return s.themes.some((c) => c.theme === state.theme);
  }

  function chips(themes, withScores) {
    const ul = el("ul", "chips");
    if (themes.length === 0) ul.appendChild(el("li", "chip none", "unclassified"));
    for (const c of themes) {
      const li = el("li", "chip", withScores ? `${c.theme} ${c.score.toFixed(2)}` : c.theme);
      li.style.background = color(c.theme);
      li.dataset.theme = c.theme;
      ul.appendChild(li);
    }
    return ul;
  }

  function when(s) {
    const t = s.publishedAt ? `published ${s.publishedAt}` : `arrived ${new Date(s.arrivedAt).toLocaleString()}`;
    return [s.source, t].filter(Boolean).join(" · ");
  }

  function feedItem(s, fresh) {
    const li = el("li");
    const b = el("button", "article" + (fresh ? " fresh" : ""));
    b.type = "button";
    b.dataset.id = s.id;
    b.appendChild(el("span", "title", s.title || s.id));
    const removed = s.removedExact + s.removedNear;
    const sub = el("span", "sub");
    sub.append(`${s.id} · ${when(s)} · `);
    const dup = el("span", "dup" + (removed === 0 ? " zero" : ""),
      removed === 0 ? `${s.paragraphsIn} paragraphs, none removed`
        : `${removed} of ${s.paragraphsIn} paragraphs removed (${s.removedExact} exact, ${s.removedNear} near)`);
    dup.dataset.removed = removed;
    sub.appendChild(dup);
    b.append(sub, chips(s.themes, true));
    b.addEventListener("click", () => openDetail(s.id));
    li.appendChild(b);
    return li;
  }

  function renderFeed() {
    $("feed").replaceChildren(...state.articles.map((s) => feedItem(s, false)));
    $("feed-empty").hidden = state.articles.length > 0;
  }

  function addLive(s) {
    s.themes.forEach((c) => state.knownThemes.add(c.theme));
    state.articles = state.articles.filter((x) => x.id !== s.id);
    const old = $("feed").querySelector(`[data-id="${CSS.escape(s.id)}"]`);
    if (old) old.parentElement.remove();
    if (!matchesFilter(s)) return;
    state.articles.unshift(s);
    $("feed").prepend(feedItem(s, true));
    while (state.articles.length > FEED_LIMIT) {
      state.articles.pop();
      $("feed").lastElementChild.remove();
    }
    $("feed-empty").hidden = true;
  }

  // ---------------------------------------------------------------- detail

  async function openDetail(id) {
    state.openId = id;
    if (location.hash !== "#article=" + encodeURIComponent(id)) {
      history.pushState(null, "", "#article=" + encodeURIComponent(id));
    }
    const box = $("detail");
    $("detail-title").textContent = "Loading…";
    $("detail-meta").textContent = id;
    $("detail-themes").replaceChildren();
    $("kept-list").replaceChildren();
    $("removed-list").replaceChildren();
    $("kept-count").textContent = $("removed-count").textContent = "";
    box.hidden = false;
    box.dataset.id = id;
    box.dataset.loaded = "false";
    let d;
    try {
      d = await api("/api/articles/" + encodeURIComponent(id) + "?wait=3000");
    } catch (e) {
      if (state.openId === id) $("detail-title").textContent = `Cannot load ${id}: ${e.message}`;
      return;
    }
    if (state.openId !== id) return;
    const a = d.article;
    $("detail-title").textContent = a.title || a.id;
    const meta = [a.id, a.source, a.publishedAt ? "published " + a.publishedAt : null,
      `article time ${d.articleTime} (from ${d.articleTimeSource})`, "processed " + a.processedAt,
      `served by ${d.servedBy}, partition ${d.partition}`].filter(Boolean).join(" · ");
    $("detail-meta").textContent = meta;
    if (a.url) {
      const link = el("a", null, " source");
      link.href = a.url;
      link.rel = "noopener noreferrer";
      link.target = "_blank";
      $("detail-meta").append(" ·", link);
    }
    $("detail-themes").replaceWith(Object.assign(chips(a.themes, true), { id: "detail-themes" }));
    const terms = a.themes.map((t) => `${t.theme}: ${t.matchedTerms.join(", ")}`).join(" — ");
    if (terms) $("detail-themes").title = terms;

    $("kept-count").textContent = `(${a.paragraphsKept})`;
    $("kept-list").replaceChildren(...a.paragraphs.map((p) => {
      const li = el("li", "para");
      li.dataset.index = p.index;
      li.append(el("span", "idx", "#" + p.index), p.text);
      if (p.themes && p.themes.length) li.appendChild(el("span", "terms", p.themes.join(", ")));
      return li;
    }));
    $("removed-count").textContent = `(${a.removedParagraphs.length})`;
    if (a.removedParagraphs.length === 0) {
      $("removed-list").appendChild(el("li", "para note", "Nothing removed: no paragraph was seen before."));
    }
    $("removed-list").append(...a.removedParagraphs.map((r) => {
      const li = el("li", "para");
      li.dataset.index = r.index;
      li.dataset.kind = r.kind;
      li.append(el("span", "idx", "#" + r.index), r.text);
      const why = el("span", "why");
      why.append(`${r.kind} duplicate (similarity ${r.similarity.toFixed(3)}) of `);
      const ref = el("a", "dup-of", `${r.duplicateOf.articleId} #${r.duplicateOf.index}`);
      ref.href = "#article=" + encodeURIComponent(r.duplicateOf.articleId);
      ref.dataset.articleId = r.duplicateOf.articleId;
      why.appendChild(ref);
      li.appendChild(why);
      return li;
    }));
    box.dataset.loaded = "true";
  }

  function closeDetail() {
    state.openId = null;
    $("detail").hidden = true;
    if (location.hash.startsWith("#article=")) history.pushState(null, "", location.pathname);
  }

  function routeFromHash() {
    const m = location.hash.match(/^#article=(.+)$/);
    if (m) openDetail(decodeURIComponent(m[1]));
    else if (!$("detail").hidden) { state.openId = null; $("detail").hidden = true; }
  }

  // ---------------------------------------------------------------- live updates

  // The views are updated a moment after the enriched topic: before refreshing the counts, wait (server side,
  // ?wait=) until the newest streamed article is in them. A burst of articles waits for its last one only.
  let pendingId = null;
  let refreshing = false;
  async function scheduleRefresh(id) {
    pendingId = id;
    if (refreshing) return;
    refreshing = true;
    try {
      while (pendingId) {
        const next = pendingId;
        pendingId = null;
        try {
          await fetch("/api/articles/" + encodeURIComponent(next) + "?wait=5000", { headers: { Accept: "application/json" } });
        } catch (e) { /* refresh anyway */ }
        await refreshAggregates();
      }
    } finally {
      refreshing = false;
    }
  }

  function refreshAggregates() {
    return Promise.all([loadThemes(), loadStats()]).catch(showError);
  }

  function connect() {
    const live = $("live");
    const es = new EventSource("/api/stream");
    es.addEventListener("hello", (e) => {
      live.dataset.state = "live";
      live.textContent = "live";
      $("instance").textContent = "instance " + JSON.parse(e.data).instance;
      // catch up on anything that arrived while disconnected
      loadArticles().catch(showError);
      refreshAggregates();
    });
    es.addEventListener("article", (e) => {
      const summary = JSON.parse(e.data);
      addLive(summary);
      scheduleRefresh(summary.id);
    });
    es.onerror = () => {
      live.dataset.state = "offline";
      live.textContent = "reconnecting…";
    };
  }

  function showError(e) {
    // the page stays usable; the next refresh retries
    $("chart-note").textContent = "Could not refresh: " + e.message;
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".toggle button").forEach((b) => b.addEventListener("click", () => {
      state.window = b.dataset.window;
      document.querySelectorAll(".toggle button").forEach((x) =>
        x.setAttribute("aria-pressed", String(x === b)));
      loadThemes().catch(showError);
    }));
    $("detail-close").addEventListener("click", closeDetail);
    $("detail").addEventListener("click", (e) => { if (e.target === $("detail")) closeDetail(); });
    document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !$("detail").hidden) closeDetail(); });
    window.addEventListener("popstate", routeFromHash);
    $("removed-list").addEventListener("click", (e) => {
      const a = e.target.closest("a.dup-of");
      if (a) { e.preventDefault(); openDetail(a.dataset.articleId); }
    });
    Promise.all([loadArticles(), loadThemes(), loadStats()]).catch(showError);
    routeFromHash();
    connect();
    setInterval(refreshAggregates, 15000);
  });
})();
