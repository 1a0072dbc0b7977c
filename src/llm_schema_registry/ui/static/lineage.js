// Draws the lineage graph from the JSON block on the page into an SVG: referencing versions
// on the left, referenced ones on the right, consumers beside what they read. Zoom with the
// buttons or the mouse wheel, pan by dragging; every schema node is a link (Tab, Enter).
"use strict";

(function () {
  var SVG = "http://www.w3.org/2000/svg";
  var NODE_W = 180, NODE_H = 44, COL = 240, ROW = 64, PAD = 24;

  function el(name, attributes, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  // Columns: +1 along a reference (towards what is referenced), consumers one to the left.
  function levels(graph) {
    var level = {};
    level[graph.root] = 0;
    var queue = [graph.root];
    while (queue.length) {
      var id = queue.shift();
      graph.edges.forEach(function (edge) {
        var next = null, step = 0;
        if (edge.from === id && edge.kind === "references") { next = edge.to; step = 1; }
        if (edge.to === id) { next = edge.from; step = -1; }
        if (next !== null && !(next in level)) {
          level[next] = level[id] + step;
          queue.push(next);
        }
      });
    }
    graph.nodes.forEach(function (node) { if (!(node.id in level)) { level[node.id] = 0; } });
    return level;
  }

  function layout(graph) {
    var level = levels(graph), columns = {}, place = {};
    var low = Math.min.apply(null, Object.values(level));
    graph.nodes.forEach(function (node) {
      var column = level[node.id] - low;
      columns[column] = (columns[column] || 0) + 1;
      place[node.id] = { x: PAD + column * COL, y: PAD + (columns[column] - 1) * ROW };
    });
    var width = PAD * 2 + (Math.max.apply(null, Object.keys(columns).map(Number)) + 1) * COL;
    var height = PAD * 2 + Math.max.apply(null, Object.values(columns)) * ROW;
    return { place: place, width: width, height: height };
  }

  function label(node) {
    return node.kind === "consumer" ? node.consumer + " (reads v" + node.version + ")"
      : node.subject + " v" + node.version;
  }

  function draw(holder, graph, prefix) {
    var laid = layout(graph);
    var svg = el("svg", {
      "class": "lineage", role: "img", viewBox: "0 0 " + laid.width + " " + laid.height,
      "aria-label": "Lineage graph: " + graph.nodes.length + " nodes"
    }, holder);
    var defs = el("defs", {}, svg);
    var marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
      markerWidth: "8", markerHeight: "8", orient: "auto-start-reverse" }, defs);
    el("path", { d: "M 0 0 L 10 5 L 0 10 z", "class": "arrow" }, marker);
    var view = el("g", {}, svg);
    graph.edges.forEach(function (edge) {
      var a = laid.place[edge.from], b = laid.place[edge.to];
      if (!a || !b) { return; }
      var forward = b.x >= a.x;
      el("line", {
        x1: a.x + (forward ? NODE_W : 0), y1: a.y + NODE_H / 2,
        x2: b.x + (forward ? 0 : NODE_W), y2: b.y + NODE_H / 2,
        "class": "edge edge-" + edge.kind, "marker-end": "url(#arrow)"
      }, view);
    });
    graph.nodes.forEach(function (node) {
      var at = laid.place[node.id];
      var group = node.kind === "schema"
        ? el("a", { href: prefix + "/subjects/" + encodeURIComponent(node.subject) + "?version=" + node.version,
                    "class": "node-link", "aria-label": label(node) + (node.state ? ", " + node.state : "") }, view)
        : el("g", {}, view);
      var kind = node.id === graph.root ? "root" : node.kind;
      el("rect", { x: at.x, y: at.y, width: NODE_W, height: NODE_H, rx: 6, "class": "node node-" + kind }, group);
      var title = el("text", { x: at.x + 10, y: at.y + 18, "class": "node-title" }, group);
      title.textContent = label(node).length > 26 ? label(node).slice(0, 25) + "…" : label(node);
      var sub = el("text", { x: at.x + 10, y: at.y + 35, "class": "node-sub" }, group);
      sub.textContent = node.kind === "schema" ? [node.schemaType, node.state, node.owner].filter(Boolean).join(" · ") : node.subject;
      el("title", {}, group).textContent = label(node);
    });
    return { svg: svg, width: laid.width, height: laid.height };
  }

  function zoomable(drawn) {
    var box = { x: 0, y: 0, w: drawn.width, h: drawn.height };
    var apply = function () { drawn.svg.setAttribute("viewBox", [box.x, box.y, box.w, box.h].join(" ")); };
    var zoom = function (factor) {
      var cx = box.x + box.w / 2, cy = box.y + box.h / 2;
      box.w *= factor; box.h *= factor; box.x = cx - box.w / 2; box.y = cy - box.h / 2;
      apply();
    };
    document.querySelectorAll("button[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var how = button.getAttribute("data-zoom");
        if (how === "in") { zoom(0.8); } else if (how === "out") { zoom(1.25); }
        else { box = { x: 0, y: 0, w: drawn.width, h: drawn.height }; apply(); }
      });
    });
    drawn.svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      zoom(event.deltaY < 0 ? 0.9 : 1.1);
    }, { passive: false });
    var dragging = null;
    drawn.svg.addEventListener("pointerdown", function (event) {
      if (event.target.closest && event.target.closest("a")) { return; }
      dragging = { x: event.clientX, y: event.clientY };
    });
    window.addEventListener("pointerup", function () { dragging = null; });
    drawn.svg.addEventListener("pointermove", function (event) {
      if (!dragging) { return; }
      var scale = box.w / drawn.svg.clientWidth;
      box.x -= (event.clientX - dragging.x) * scale;
      box.y -= (event.clientY - dragging.y) * scale;
      dragging = { x: event.clientX, y: event.clientY };
      apply();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.getElementById("lineage-graph");
    var data = document.getElementById("lineage-data");
    if (!holder || !data) { return; }
    var graph = JSON.parse(data.textContent);
    var prefix = (document.querySelector("a.brand") || { getAttribute: function () { return "/ui/"; } })
      .getAttribute("href").replace(/\/$/, "");
    zoomable(draw(holder, graph, prefix));
  });
})();
