// The report's timeline: an overview of the whole run with overlapping
// activities on lanes of their own, a zoomable waterfall of every phase,
// activity and span, and a details panel. It reads the run from
// #report-data and builds everything with the DOM API (textContent only,
// never HTML from the data).
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("report-data").textContent);
  var rows = data.rows;
  var total = Math.max(data.durationMs || 0, 0.001);
  var pad = total * 0.015;
  var fit = { from: -pad, to: total + pad };
  var view = { from: fit.from, to: fit.to };
  var minSpan = Math.max(total / 20000, 0.005);
  var collapsed = {};
  var selected = -1;
  var rowEls = [];
  var tableRows = {};

  rows.forEach(function (r) { r.kids = []; });
  rows.forEach(function (r) { if (r.parent >= 0) { rows[r.parent].kids.push(r.id); } });

  // --- helpers -------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function isPhase(r) { return r.kind !== "activity" && r.kind !== "span"; }
  function typeOf(r) {
    if (r.kind === "span") { return "span"; }
    if (isPhase(r)) { return "phase"; }
    return r.type === "probe" || r.type === "action" ? r.type : "activity";
  }
  function badgeText(r) {
    switch (typeOf(r)) {
      case "probe": return "P";
      case "action": return "A";
      case "span": return "S";
      case "activity": return "?";
    }
    return { hypothesis: "H", method: "M", rollbacks: "R" }[r.kind] || "·";
  }
  function markOf(status) {
    return { ok: "✓", failed: "✗", missed: "✗", interrupted: "•", skipped: "•" }[status] || "";
  }
  function statusWord(r) {
    switch (r.status) {
      case "ok": return r.kind === "hypothesis" ? "met" : "succeeded";
      case "failed": return "failed";
      case "missed": return r.kind === "hypothesis" ? "not met" : "out of tolerance";
      case "interrupted": return "interrupted";
      case "skipped": return "not run";
    }
    return "unknown";
  }
  // fmt writes a time offset or a duration; with a step (the axis's),
  // with just the digits that step needs.
  function fmt(ms, step) {
    var a = Math.abs(ms);
    if (a === 0) { return "0"; }
    if (step === undefined) {
      if (a < 1) { return ms.toFixed(2) + " ms"; }
      if (a < 10) { return ms.toFixed(1) + " ms"; }
      if (a < 1000) { return ms.toFixed(0) + " ms"; }
      if (a < 10000) { return (ms / 1000).toFixed(2) + " s"; }
      if (a < 60000) { return (ms / 1000).toFixed(1) + " s"; }
      step = 1000;
    }
    if (a < 1000 && step < 1000) {
      return ms.toFixed(step >= 1 ? 0 : (step >= 0.1 ? 1 : 2)) + " ms";
    }
    if (a < 60000) {
      return (ms / 1000).toFixed(step >= 1000 ? 0 : (step >= 100 ? 1 : (step >= 10 ? 2 : 3))) + " s";
    }
    var m = Math.floor(ms / 60000);
    var rest = (ms - m * 60000) / 1000;
    return m + " min" + (rest >= 0.05 ? " " + rest.toFixed(step >= 1000 ? 0 : 1) + " s" : "");
  }
  function niceStep(raw) {
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var n = raw / p;
    return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
  }
  function pct(t) { return (t - view.from) / (view.to - view.from) * 100; }
  function visible(r) {
    var p = r.parent;
    while (p >= 0) {
      if (collapsed[p]) { return false; }
      p = rows[p].parent;
    }
    return true;
  }

  // --- default collapse: long continuous hypotheses --------------------
  rows.forEach(function (r) {
    if (r.kind === "hypothesis" && r.phase === "continuous" && !r.iteration && r.kids.length > 8) {
      r.kids.forEach(function (k) { if (rows[k].kids.length) { collapsed[k] = true; } });
    }
  });

  // --- waterfall -------------------------------------------------------
  var wf = document.getElementById("waterfall");
  var axis = el("div", "axis");
  axis.appendChild(el("div", "axis-label", "Phase / activity"));
  var ticks = el("div", "axis-ticks");
  axis.appendChild(ticks);
  wf.appendChild(axis);
  var body = el("div", "rows");
  body.style.position = "relative";
  wf.appendChild(body);
  var grid = el("div", "grid-overlay");
  grid.style.cssText = "position:absolute;top:0;bottom:0;left:var(--label-w);right:16px;pointer-events:none;overflow:hidden";
  body.appendChild(grid);

  var bars = 0;
  rows.forEach(function (r) {
    var row = el("div", "row " + (isPhase(r) ? "phase " : "") + (r.status || "unknown"));
    row.setAttribute("role", "button");
    row.setAttribute("tabindex", "0");
    row.dataset.row = r.id;
    var label = el("div", "label");
    label.style.setProperty("--depth", r.depth);
    var caret = el("button", "caret", r.kids.length ? "▾" : "");
    caret.type = "button";
    if (r.kids.length) {
      caret.setAttribute("aria-label", "show or hide what " + r.name + " holds");
      caret.addEventListener("click", function (e) {
        e.stopPropagation();
        collapsed[r.id] = !collapsed[r.id];
        layout();
      });
    } else {
      caret.tabIndex = -1;
      caret.setAttribute("aria-hidden", "true");
    }
    label.appendChild(caret);
    var badge = el("span", "badge t-" + typeOf(r) + " k-" + r.kind, badgeText(r));
    badge.title = typeOf(r) === "phase" ? r.kind : typeOf(r);
    label.appendChild(badge);
    var nm = el("span", "nm", r.name);
    nm.title = r.name;
    label.appendChild(nm);
    label.appendChild(el("span", "mark st-" + r.status, markOf(r.status)));
    row.appendChild(label);
    var track = el("div", "track");
    var bar = null, dur = null, events = [];
    if (r.start !== null && r.end !== null) {
      bar = el("div", "bar k-" + r.kind + " t-" + typeOf(r) + " st-" + (r.status || "unknown") + (isPhase(r) ? " phase" : "") + (r.background ? " bg" : ""));
      bar.title = r.name + " · " + r.duration + " · " + statusWord(r) + (r.background ? " · background" : "");
      track.appendChild(bar);
      bars++;
      dur = el("span", "dur", r.duration);
      track.appendChild(dur);
      (r.events || []).forEach(function (ev) {
        var m = el("div", "event");
        m.title = ev.name + " at +" + fmt(ev.at);
        track.appendChild(m);
        events.push({ el: m, at: ev.at });
      });
    } else {
      track.appendChild(el("span", "skipped-note", r.reason || "not run"));
    }
    row.appendChild(track);
    row.addEventListener("click", function () { if (!dragged) { select(r.id, false); } });
    row.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(r.id, false); }
    });
    body.appendChild(row);
    rowEls[r.id] = { row: row, bar: bar, dur: dur, caret: caret, events: events };
  });

  function layout() {
    var span = view.to - view.from;
    var width = ticks.clientWidth || 800;
    var step = niceStep(span / Math.max(2, Math.floor(width / 110)));
    ticks.textContent = "";
    grid.textContent = "";
    for (var t = Math.ceil(view.from / step) * step; t <= view.to; t += step) {
      var x = pct(t) + "%";
      var tick = el("div", "tick" + (pct(t) > 93 ? " end" : ""), Math.abs(t) < step / 1e6 ? "0" : fmt(t, step));
      tick.style.left = x;
      ticks.appendChild(tick);
      var line = el("div", "gridline");
      line.style.left = x;
      grid.appendChild(line);
    }
    rows.forEach(function (r) {
      var e = rowEls[r.id];
      e.row.style.display = visible(r) ? "" : "none";
      if (r.kids.length) { e.caret.textContent = collapsed[r.id] ? "▸" : "▾"; }
      if (!e.bar) { return; }
      var a = pct(r.start), b = pct(r.end);
      e.bar.style.left = a + "%";
      e.bar.style.width = Math.max(b - a, 0) + "%";
      var out = b < 0 || a > 100;
      e.dur.style.display = out ? "none" : "";
      // The duration goes after the bar, else before it, else inside
      // its right end.
      e.dur.classList.remove("inside");
      if (b < 84) {
        e.dur.style.left = "calc(" + Math.max(b, 0) + "% + 6px)";
        e.dur.style.right = "";
      } else if (a > 12) {
        e.dur.style.left = "";
        e.dur.style.right = "calc(" + (100 - a) + "% + 6px)";
      } else {
        e.dur.style.left = "";
        e.dur.style.right = "calc(" + Math.max(100 - b, 0) + "% + 6px)";
        e.dur.classList.add("inside");
      }
      e.events.forEach(function (ev) { ev.el.style.left = pct(ev.at) + "%"; });
    });
    document.getElementById("range").textContent = "showing " + fmt(Math.max(view.from, 0)) + " – " + fmt(Math.min(view.to, total)) + " of " + fmt(total);
    drawWindow();
  }

  function setView(from, to) {
    var span = Math.min(Math.max(to - from, minSpan), fit.to - fit.from);
    if (from < fit.from) { from = fit.from; }
    if (from + span > fit.to) { from = fit.to - span; }
    view.from = from;
    view.to = from + span;
    layout();
  }
  function zoomAt(t, factor) {
    var span = view.to - view.from;
    var next = Math.min(Math.max(span * factor, minSpan), fit.to - fit.from);
    var ratio = (t - view.from) / span;
    setView(t - ratio * next, t - ratio * next + next);
  }
  function timeAt(clientX, box) {
    var r = box.getBoundingClientRect();
    return view.from + (clientX - r.left) / r.width * (view.to - view.from);
  }

  // Drag to pan.
  var drag = null, dragged = false;
  body.addEventListener("mousedown", function (e) {
    if (e.button !== 0 || e.target.closest(".label")) { return; }
    drag = { x: e.clientX, from: view.from, to: view.to, w: ticks.clientWidth || 1 };
    dragged = false;
  });
  window.addEventListener("mousemove", function (e) {
    if (!drag) { return; }
    var dx = e.clientX - drag.x;
    if (Math.abs(dx) > 3) { dragged = true; body.style.cursor = "grabbing"; }
    if (dragged) {
      var dt = dx / drag.w * (drag.to - drag.from);
      setView(drag.from - dt, drag.to - dt);
    }
  });
  window.addEventListener("mouseup", function () {
    if (drag) { body.style.cursor = ""; }
    drag = null;
    setTimeout(function () { dragged = false; }, 0);
  });

  // Wheel: zoom with Ctrl (or over the axis), pan sideways.
  function onWheel(e, always) {
    if (always || e.ctrlKey || e.metaKey) {
      e.preventDefault();
      zoomAt(timeAt(e.clientX, ticks), Math.pow(1.0015, e.deltaY));
    } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      e.preventDefault();
      var d = (e.shiftKey ? e.deltaY : e.deltaX) / (ticks.clientWidth || 1) * (view.to - view.from);
      setView(view.from + d, view.to + d);
    }
  }
  body.addEventListener("wheel", function (e) { onWheel(e, false); }, { passive: false });
  axis.addEventListener("wheel", function (e) { onWheel(e, true); }, { passive: false });

  document.querySelectorAll("[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () {
      var c = (view.from + view.to) / 2;
      switch (b.dataset.zoom) {
        case "in": zoomAt(c, 0.5); break;
        case "out": zoomAt(c, 2); break;
        default: setView(fit.from, fit.to);
      }
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.target && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) { return; }
    var c = (view.from + view.to) / 2;
    if (e.key === "+" || e.key === "=") { zoomAt(c, 0.5); }
    else if (e.key === "-" || e.key === "_") { zoomAt(c, 2); }
    else if (e.key === "0") { setView(fit.from, fit.to); }
  });

  // --- overview: lanes ---------------------------------------------------
  var ov = document.getElementById("overview");
  var ovLanes = [];
  var groups = [];
  var groupOf = { hypothesis: "Hypothesis", method: "Method", rollbacks: "Rollbacks" };
  rows.forEach(function (r) {
    if (r.parent >= 0) { return; }
    var name = groupOf[r.kind] || "Other spans";
    var g = null;
    groups.forEach(function (x) { if (x.name === name) { g = x; } });
    if (!g) { g = { name: name, bands: [], items: [] }; groups.push(g); }
    if (isPhase(r) && r.start !== null) { g.bands.push(r); }
    (function collect(id) {
      var x = rows[id];
      if ((x.kind === "activity" || x.kind === "span") && x.start !== null) { g.items.push(x); }
      x.kids.forEach(collect);
    })(r.id);
  });
  function ox(t) { return (t - fit.from) / (fit.to - fit.from) * 100; }
  groups = groups.filter(function (g) { return g.items.length || g.bands.length; });
  groups.forEach(function (g) {
    g.items.sort(function (a, b) { return a.start - b.start || b.end - a.end; });
    var ends = [];
    var eps = total / 2000;
    g.items.forEach(function (it) {
      var lane = -1;
      for (var i = 0; i < ends.length; i++) { if (ends[i] <= it.start + eps) { lane = i; break; } }
      if (lane < 0) { lane = ends.length; ends.push(0); }
      ends[lane] = it.end;
      it.lane = lane;
    });
    var lanes = Math.max(ends.length, 1);
    var box = el("div", "ov-group");
    var name = el("div", "ov-name");
    name.appendChild(el("b", "", g.name));
    var n = g.items.filter(function (x) { return x.kind === "activity"; }).length;
    var note = n + (n === 1 ? " activity" : " activities");
    if (lanes > 1) { note += " · " + lanes + " lanes"; }
    name.appendChild(el("span", "", note));
    box.appendChild(name);
    var area = el("div", "ov-lanes");
    area.style.height = (lanes * 11 + 7) + "px";
    g.bands.forEach(function (b) {
      var band = el("div", "ov-band k-" + b.kind);
      band.style.left = ox(b.start) + "%";
      band.style.width = Math.max(ox(b.end) - ox(b.start), 0.2) + "%";
      area.appendChild(band);
    });
    g.items.forEach(function (it) {
      var item = el("div", "ov-item bar k-" + it.kind + " t-" + typeOf(it) + " st-" + (it.status || "unknown") + (it.background ? " bg" : ""));
      item.style.top = (4 + it.lane * 11) + "px";
      item.style.height = "8px";
      item.style.left = ox(it.start) + "%";
      item.style.width = Math.max(ox(it.end) - ox(it.start), 0) + "%";
      item.title = it.name + " · " + it.duration;
      area.appendChild(item);
    });
    box.appendChild(area);
    ov.appendChild(box);
    ovLanes.push(area);
  });
  if (!groups.length) { ov.style.display = "none"; }
  var win = el("div", "ov-window");
  var brush = el("div", "ov-brush");
  brush.style.display = "none";
  function lanesBox() { return ovLanes.length ? ovLanes[0].getBoundingClientRect() : ov.getBoundingClientRect(); }
  function attachOverlay() {
    if (!ovLanes.length) { return; }
    ov.appendChild(win);
    ov.appendChild(brush);
  }
  attachOverlay();
  function drawWindow() {
    if (!ovLanes.length) { return; }
    var lb = lanesBox(), ob = ov.getBoundingClientRect();
    var left = lb.left - ob.left, w = lb.width;
    var a = Math.max(ox(view.from), 0), b = Math.min(ox(view.to), 100);
    win.style.left = (left + a / 100 * w) + "px";
    win.style.width = Math.max((b - a) / 100 * w, 2) + "px";
  }
  function ovTime(clientX) {
    var lb = lanesBox();
    return fit.from + (clientX - lb.left) / lb.width * (fit.to - fit.from);
  }
  var ovDrag = null;
  ov.addEventListener("mousedown", function (e) {
    if (e.button !== 0) { return; }
    e.preventDefault();
    ovDrag = { x: e.clientX };
  });
  window.addEventListener("mousemove", function (e) {
    if (!ovDrag) { return; }
    var ob = ov.getBoundingClientRect();
    var x0 = Math.min(ovDrag.x, e.clientX), x1 = Math.max(ovDrag.x, e.clientX);
    brush.style.display = "";
    brush.style.left = (x0 - ob.left) + "px";
    brush.style.width = (x1 - x0) + "px";
  });
  window.addEventListener("mouseup", function (e) {
    if (!ovDrag) { return; }
    var x0 = ovDrag.x;
    ovDrag = null;
    brush.style.display = "none";
    if (Math.abs(e.clientX - x0) > 4) {
      var a = ovTime(Math.min(x0, e.clientX)), b = ovTime(Math.max(x0, e.clientX));
      setView(a, b);
    } else {
      var c = ovTime(e.clientX), half = (view.to - view.from) / 2;
      setView(c - half, c + half);
    }
  });
  ov.addEventListener("wheel", function (e) {
    e.preventDefault();
    zoomAt(ovTime(e.clientX), Math.pow(1.0015, e.deltaY));
  }, { passive: false });

  // --- details -----------------------------------------------------------
  var details = document.getElementById("details");
  function jsonNodes(text, pre) {
    if (!/^[\[{"]/.test(text)) { pre.textContent = text; return; }
    var re = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
    var last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) { pre.appendChild(document.createTextNode(text.slice(last, m.index))); }
      var cls = m[1] ? (m[2] ? "j-key" : "j-str") : (m[3] ? "j-lit" : "j-num");
      pre.appendChild(el("span", cls, m[1] || m[0]));
      if (m[2]) { pre.appendChild(document.createTextNode(m[2])); }
      last = re.lastIndex;
    }
    if (last < text.length) { pre.appendChild(document.createTextNode(text.slice(last))); }
  }
  function section(title) { return el("div", "section-title", title); }
  function kv(list) {
    var dl = el("dl", "kv");
    list.forEach(function (p) {
      if (p[1] === undefined || p[1] === null || p[1] === "") { return; }
      dl.appendChild(el("dt", "", p[0]));
      dl.appendChild(el("dd", "", p[1]));
    });
    return dl;
  }
  // attrTable lists attributes; their dotted keys may break after a dot.
  function attrTable(attrs) {
    var t = el("table", "attrs");
    attrs.forEach(function (a) {
      var tr = el("tr");
      var key = el("td");
      a[0].split(".").forEach(function (part, i, parts) {
        key.appendChild(document.createTextNode(part + (i < parts.length - 1 ? "." : "")));
        if (i < parts.length - 1) { key.appendChild(el("wbr")); }
      });
      tr.appendChild(key);
      tr.appendChild(el("td", "mono", a[1]));
      t.appendChild(tr);
    });
    return t;
  }
  function renderDetails(r) {
    details.textContent = "";
    details.appendChild(el("h2", "", "Details"));
    details.appendChild(el("h3", "", r.name));
    var chips = el("div", "chips");
    chips.appendChild(el("span", "pill st-" + r.status, statusWord(r)));
    chips.appendChild(el("span", "chip", typeOf(r) === "phase" ? r.kind : typeOf(r)));
    if (r.phase && r.kind === "activity") { chips.appendChild(el("span", "chip", "hypothesis " + r.phase)); }
    if (r.background) { chips.appendChild(el("span", "chip", "background")); }
    details.appendChild(chips);
    if (r.reason) { details.appendChild(el("p", "reason-box st-" + r.status, r.reason)); }
    var tol = r.tolerance === true ? "met" : (r.tolerance === false ? "not met" : "");
    details.appendChild(kv([
      ["Start", r.startAt ? r.startAt + "  (+" + fmt(r.start) + ")" : "not run"],
      ["Duration", r.duration],
      ["Tolerance", tol],
      ["Hypothesis", r.title],
      ["Iteration", r.iteration ? String(r.iteration) : ""],
      ["Holds", r.kids.length ? r.kids.length + " item" + (r.kids.length === 1 ? "" : "s") : ""],
      ["Span id", r.spanId]
    ]));
    if (r.output) {
      details.appendChild(section("Output"));
      var pre = el("pre", "output");
      jsonNodes(r.output, pre);
      details.appendChild(pre);
    }
    if (r.exception) {
      var ex = el("details");
      ex.appendChild(el("summary", "", "Exception"));
      ex.appendChild(el("pre", "", r.exception));
      details.appendChild(ex);
    }
    if (r.attributes && r.attributes.length) {
      details.appendChild(section("Attributes"));
      details.appendChild(attrTable(r.attributes));
    }
    (r.events || []).forEach(function (ev) {
      details.appendChild(section("Event: " + ev.name + " at +" + fmt(ev.at)));
      if (ev.attributes && ev.attributes.length) { details.appendChild(attrTable(ev.attributes)); }
    });
    if (r.definition) {
      var def = el("details");
      def.appendChild(el("summary", "", "Definition"));
      var dp = el("pre", "");
      jsonNodes(r.definition, dp);
      def.appendChild(dp);
      details.appendChild(def);
    }
  }
  function select(id, fromTable) {
    if (selected >= 0) {
      rowEls[selected].row.classList.remove("selected");
      if (tableRows[selected]) { tableRows[selected].classList.remove("selected"); }
    }
    selected = id;
    var r = rows[id];
    for (var p = r.parent; p >= 0; p = rows[p].parent) { collapsed[p] = false; }
    layout();
    rowEls[id].row.classList.add("selected");
    if (tableRows[id]) { tableRows[id].classList.add("selected"); }
    renderDetails(r);
    if (fromTable) {
      if (r.start !== null && (r.end < view.from || r.start > view.to)) {
        var half = (view.to - view.from) / 2, c = (r.start + r.end) / 2;
        setView(c - half, c + half);
      }
      rowEls[id].row.scrollIntoView({ block: "center" });
    }
  }
  document.querySelectorAll("#activities tr[data-row]").forEach(function (tr) {
    var id = Number(tr.dataset.row);
    tableRows[id] = tr;
    tr.addEventListener("click", function () { select(id, true); });
    tr.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(id, true); }
    });
  });

  window.addEventListener("resize", layout);
  layout();
  // The page opens on the first failure, or on what its address asks
  // for: #view=FROM,TO (milliseconds from the start) and #row=ID.
  var first = -1;
  rows.forEach(function (r) {
    if (first < 0 && r.kind === "activity" && (r.status === "failed" || r.status === "missed")) { first = r.id; }
  });
  var hash = {};
  location.hash.replace(/^#/, "").split("&").forEach(function (p) {
    var kv = p.split("=");
    if (kv.length !== 2) { return; }
    try { hash[kv[0]] = decodeURIComponent(kv[1]); } catch (e) { /* a malformed address opens the page as usual */ }
  });
  if (hash.row !== undefined && rows[Number(hash.row)]) { first = Number(hash.row); }
  if (first >= 0) { select(first, false); }
  if (hash.view) {
    var span = hash.view.split(",").map(Number);
    if (span.length === 2 && span[1] > span[0]) { setView(span[0], span[1]); }
  }
  document.body.dataset.rendered = "true";
  document.body.dataset.bars = String(bars);
})();
