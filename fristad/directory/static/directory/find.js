/* Find a jour: municipality suggestions, and "use my location" computed in
   this browser only. Her position never leaves the page: we fetch the same
   published list of jourer everyone gets and sort it here. */
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  var input = document.getElementById("id_q");
  var list = document.getElementById("kommuner");
  var out = document.getElementById("near");
  if (!button || !out) { return; }
  // Every text comes translated from the page (data-* on the button).
  var text = button.dataset;
  button.hidden = false;
  var note = document.getElementById("location-note");
  if (note) { note.hidden = false; }

  if (input && list) {
    input.addEventListener("focus", function () {
      if (list.childElementCount) { return; }
      fetch(button.dataset.kommuner, { credentials: "omit" }).then(function (r) { return r.json(); }).then(function (data) {
        data.names.forEach(function (name) { var o = document.createElement("option"); o.value = name; list.appendChild(o); });
      }).catch(function () { /* the plain form still works */ });
    }, { once: true });
  }

  function say(message) { out.textContent = ""; var p = document.createElement("p"); p.className = "message"; p.textContent = message; out.appendChild(p); }
  function km(a, b, c, d) {
    var r = Math.PI / 180, x = Math.sin((c - a) * r / 2), y = Math.sin((d - b) * r / 2);
    var h = x * x + Math.cos(a * r) * Math.cos(c * r) * y * y;
    return 2 * 6371 * Math.asin(Math.sqrt(h));
  }
  function el(tag, cls, content) { var e = document.createElement(tag); if (cls) { e.className = cls; } if (content) { e.textContent = content; } return e; }
  function show(jourer, lat, lon) {
    jourer.forEach(function (j) { j.km = km(lat, lon, j.lat, j.lon); });
    jourer.sort(function (a, b) { return a.km - b.km; });
    out.textContent = "";
    out.appendChild(el("h2", null, text.heading));
    var ol = el("ol", "results");
    jourer.slice(0, 10).forEach(function (j) {
      var li = el("li", "result"), h = el("h3"), a = el("a", null, j.name);
      a.href = j.url; h.appendChild(a); li.appendChild(h);
      li.appendChild(el("p", "meta", j.municipality + ", " + j.county + " · " + Math.round(j.km) + " " + text.km));
      j.phones.forEach(function (p) {
        var line = el("p"), call = el("a", "phone", p.number);
        call.href = "tel:" + p.tel;
        line.appendChild(el("span", "meta", p.kind + ": ")); line.appendChild(call);
        line.appendChild(document.createTextNode(" "));
        line.appendChild(el("span", p.open ? "open" : "closed", p.status));
        li.appendChild(line);
        var hours = el("p", "meta", p.hours.join(" · "));
        li.appendChild(hours);
      });
      ol.appendChild(li);
    });
    out.appendChild(ol);
    out.focus();
  }
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { say(text.denied); return; }
    say(text.wait);
    navigator.geolocation.getCurrentPosition(function (pos) {
      var lat = pos.coords.latitude, lon = pos.coords.longitude;
      fetch(button.dataset.url, { credentials: "omit" }).then(function (r) { return r.json(); }).then(function (data) {
        show(data.jourer, lat, lon);
      }).catch(function () { say(text.failed); });
    }, function () { say(text.denied); }, { maximumAge: 600000, timeout: 15000 });
  });
})();
