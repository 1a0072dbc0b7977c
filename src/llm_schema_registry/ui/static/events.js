// The events page's live feed: Server-Sent Events from /ui/events/stream (the session cookie
// authenticates it), each new event added as the table's first row. EventSource reconnects by
// itself, sending the last sequence received as Last-Event-ID, so nothing is missed.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var table = document.getElementById("event-feed");
  var status = document.getElementById("feed-status");
  if (!table || !window.EventSource) {
    if (status) { status.textContent = "Live updates need a browser with EventSource."; }
    return;
  }
  var body = table.tBodies[0];
  var empty = document.getElementById("feed-empty");
  var prefix = table.getAttribute("data-stream").split("/events/stream")[0];
  var source = new EventSource(table.getAttribute("data-stream"));
  source.onopen = function () { status.textContent = "Live: new events appear as they commit."; };
  source.onerror = function () { status.textContent = "Reconnecting to the live feed…"; };
  table.getAttribute("data-types").split(" ").forEach(function (type) {
    source.addEventListener(type, function (message) { add(JSON.parse(message.data)); });
  });

  function add(event) {
    var row = document.createElement("tr");
    row.className = "fresh";
    cell(row, "#", String(event.sequence));
    cell(row, "Time", event.time);
    var tag = document.createElement("span");
    tag.className = "tag";
    tag.textContent = event.type;
    cell(row, "Type", "").appendChild(tag);
    var where = cell(row, "Subject", "");
    if (event.subject) {
      var link = document.createElement("a");
      link.href = prefix + "/subjects/" + encodeURIComponent(event.subject);
      link.textContent = event.subject;
      where.appendChild(link);
    }
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    summary.textContent = "CloudEvent";
    var pre = document.createElement("pre");
    pre.className = "code";
    var code = document.createElement("code");
    code.textContent = JSON.stringify(event, null, 2);
    pre.appendChild(code);
    details.appendChild(summary);
    details.appendChild(pre);
    cell(row, "Data", "").appendChild(details);
    body.insertBefore(row, body.firstChild);
    if (empty) { empty.hidden = true; }
  }

  // textContent only: event data is shown, never interpreted as HTML
  function cell(row, label, text) {
    var td = document.createElement("td");
    td.setAttribute("data-label", label);
    td.textContent = text;
    row.appendChild(td);
    return td;
  }
});
