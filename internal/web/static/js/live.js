// live.js — progressive enhancement: keeps counts on the page up to date without a
// reload. Markup contract (server-rendered, works without this file):
//
//   <span data-live-topic="proposal:12" data-live-field="votes">1 234</span>
//
// The script opens one Server-Sent Events stream, GET /evenements?topic=…, for every
// distinct data-live-topic on the page. Each event is
//   {"topic": "proposal:12", "fields": {"votes": 1235, "comments": 8}}
// and every element whose topic and field match gets the new value, formatted for the
// page language (French: "1 234" with a non-breaking space). Non-numeric values are set
// as text. Elements may carry data-live-format="raw" to skip number formatting.
//
// Counts inside a phrase ("12 commentaires"): give the plural forms of the catalog
// message, each with %s where the number goes, and the whole text is rewritten:
//
//   <span data-live-topic="proposal:12" data-live-field="comments"
//         data-live-one="%s commentaire" data-live-other="%s commentaires">12 commentaires</span>
//
// (French uses "one" for 0 and 1, English for 1 only, as the server's .TN does.)
(function () {
  "use strict";
  if (!window.EventSource || !document.querySelectorAll) return;
  var nodes = document.querySelectorAll("[data-live-topic][data-live-field]");
  if (!nodes.length) return;
  var topics = [];
  for (var i = 0; i < nodes.length; i++) {
    var t = nodes[i].getAttribute("data-live-topic");
    if (t && topics.indexOf(t) < 0 && topics.length < 20) topics.push(t);
  }
  var lang = (document.documentElement.lang || "fr").toLowerCase();
  function format(v) {
    if (typeof v !== "number" || !isFinite(v)) return String(v);
    var neg = v < 0, s = String(Math.abs(Math.round(v)));
    var sep = lang.indexOf("en") === 0 ? "," : "\u00a0";
    s = s.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
    return neg ? "-" + s : s;
  }
  var prefix = lang.indexOf("en") === 0 ? "/en" : "";
  var url = prefix + "/evenements?" + topics.map(function (t) {
    return "topic=" + encodeURIComponent(t);
  }).join("&");
  var source = new EventSource(url);
  source.addEventListener("update", function (e) {
    var msg;
    try { msg = JSON.parse(e.data); } catch (err) { return; }
    if (!msg || !msg.topic || !msg.fields) return;
    var els = document.querySelectorAll("[data-live-topic][data-live-field]");
    for (var j = 0; j < els.length; j++) {
      var el = els[j];
      if (el.getAttribute("data-live-topic") !== msg.topic) continue;
      var field = el.getAttribute("data-live-field");
      if (!Object.prototype.hasOwnProperty.call(msg.fields, field)) continue;
      var v = msg.fields[field];
      var text = el.getAttribute("data-live-format") === "raw" ? String(v) : format(v);
      var one = el.getAttribute("data-live-one"), other = el.getAttribute("data-live-other");
      if (one && other && typeof v === "number") {
        var singular = lang.indexOf("en") === 0 ? v === 1 : (v === 0 || v === 1);
        text = (singular ? one : other).replace("%s", text);
      }
      el.textContent = text;
    }
  });
  // Leaving the page: close the stream at once so the server frees it.
  window.addEventListener("pagehide", function () { source.close(); });
})();
