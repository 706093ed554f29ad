/* The jourkvinna's console: presence, queues and several chats over one socket.
   Transcripts live only in this page; an ended chat is cleared from it.
   Delivery as on her page (delivery.js): encrypted end to end, numbered per leg, kept
   until acknowledged, resent when either side comes back (docs/chat-protocol.md,
   docs/chat-encryption.md). */
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root) { return; }
  var D = window.FristadDelivery;
  // A console that cannot encrypt never connects: no presence, so no chat comes to it.
  if (!window.WebSocket || !D || !D.supported()) { document.getElementById("console-unsupported").hidden = false; return; }
  var S = JSON.parse(document.getElementById("console-strings").textContent);
  var recordUrls = {};
  root.dataset.recordUrls.trim().split(/\s+/).forEach(function (pair) {
    var i = pair.indexOf("=");
    if (i > 0) { recordUrls[pair.slice(0, i)] = pair.slice(i + 1); }
  });
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") { node.className = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) { return String(values[name]); });
  }
  root.hidden = false;
  var ws = null, retry = 0, state = null, panels = {}, counter = 0;

  function status(text) { $("console-status").textContent = text; }
  function send(frame) {
    if (ws && ws.readyState === 1) { ws.send(JSON.stringify(frame)); return true; }
    return false;
  }
  function connect() {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/personal/chatt/");
    ws = socket;
    socket.onopen = function () {
      retry = 0;
      status(S.connected);
      Object.keys(panels).forEach(function (id) { if (!panels[id].ended) { legAndResend(panels[id]); } });
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      handle(frame);
    };
    socket.onclose = function (event) {
      if (ws !== socket) { return; }
      ws = null;
      if (event.code === 4403) { window.location.reload(); return; }
      status(S.reconnecting);
      window.setTimeout(connect, Math.min(5000, 500 * Math.pow(2, retry++)));
    };
  }
  window.setInterval(function () { send({t: "ping"}); }, 20000);

  function renderQueue(list, rows) {
    list.textContent = "";
    if (!rows.length) { list.appendChild(el("li", {className: "meta"}, S.queue_empty)); return; }
    rows.forEach(function (row) {
      var item = el("li");
      var label = row.jour ? fmt(S.chosen, {jour: row.jour}) + ", " : "";
      item.appendChild(el("span", {}, "#" + row.position + " " + label + fmt(S.waited, {minutes: Math.floor(row.waited / 60)})));
      var take = el("button", {type: "button", className: "secondary"}, S.take);
      take.addEventListener("click", function () { send({t: "take", chat: row.id}); });
      take.disabled = !state.available;
      item.appendChild(take);
      list.appendChild(item);
    });
  }
  function renderState(next) {
    state = next;
    $("presence-line").textContent = state.available ? S.available : S.away;
    $("presence-toggle").textContent = state.available ? S.set_away : S.set_available;
    if (state.jour && $("presence-jour").tagName === "SELECT") { $("presence-jour").value = String(state.jour); }
    renderQueue($("queue"), state.queue);
    renderQueue($("overflow"), state.overflow);
    $("take-next").disabled = !state.available;
    state.chats.forEach(function (chat) {
      if (!panels[chat.id] || panels[chat.id].ended) { openPanel(chat); }
      else { panels[chat.id].herLine.textContent = chat.her_connected ? S.her_here : S.her_away; }
    });
    var open = Object.keys(panels).filter(function (id) { return !panels[id].ended; }).length;
    $("no-chats").textContent = open ? "" : S.no_chats;
    Object.keys(panels).forEach(function (id) { updateTools(panels[id]); });
  }

  function openPanel(chat) {
    counter += 1;
    var p = {id: chat.id, ended: false, jour: state.jour};
    // This chat's delivery: its own leg and key pair, for as long as the panel is open.
    p.channel = D.create({
      side: "staff",
      send: function (frame) { frame.chat = p.id; return send(frame); },
      deliver: function (text) { p.typing.textContent = ""; addLine(p, "them", text, false); },
      acked: function (item) {
        var mark = item.querySelector(".pending");
        if (mark) { mark.remove(); }
      },
      code: function (code) { showCode(p, code); }
    });
    var box = el("section", {className: "chat-panel", "aria-labelledby": "chat-h-" + counter});
    box.appendChild(el("h3", {id: "chat-h-" + counter}, chat.jour_name + (chat.chosen_jour_name && chat.chosen_jour_name !== chat.jour_name ? " (" + fmt(S.chosen, {jour: chat.chosen_jour_name}) + ")" : "")));
    if (chat.note) { box.appendChild(el("p", {className: "notice"}, S.note + ": " + chat.note)); }
    p.herLine = el("p", {className: "meta", role: "status"}, chat.her_connected ? S.her_here : S.her_away);
    box.appendChild(p.herLine);
    p.verify = el("p", {className: "meta verify"});
    p.verify.hidden = true;
    box.appendChild(p.verify);
    var logbox = el("div", {className: "chat-logbox", role: "log", "aria-live": "polite", "aria-label": chat.jour_name});
    p.log = el("ol", {className: "chat-log"});
    logbox.appendChild(p.log);
    box.appendChild(logbox);
    p.typing = el("p", {className: "meta", "aria-live": "polite"});
    box.appendChild(p.typing);
    var form = el("form", {className: "chat-form"});
    var inputId = "msg-" + counter;
    form.appendChild(el("label", {"for": inputId}, S.message));
    p.input = el("textarea", {id: inputId, rows: "3", maxlength: "1000"});
    form.appendChild(p.input);
    form.appendChild(el("button", {type: "submit"}, S.send));
    form.addEventListener("submit", function (event) { event.preventDefault(); sendMessage(p); });
    p.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); sendMessage(p); }
    });
    var lastTyping = 0;
    p.input.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTyping > 3000) { lastTyping = now; send({t: "typing", chat: p.id}); }
    });
    box.appendChild(form);
    p.tools = el("div", {className: "chat-tools"});
    box.appendChild(p.tools);
    p.box = box;
    var old = panels[chat.id];
    if (old) { old.box.remove(); }  // the same chat back (handed back to her): a new panel
    $("chats").appendChild(box);
    panels[chat.id] = p;
    buildTools(p);
    status(chat.jour_name);
    legAndResend(p);
    p.input.focus();
  }

  /* A chat's tools are built once; a state update only refreshes the choices in them,
     keeping what is selected and a note she is typing. */
  function setOptions(select, groups, keep) {
    var current = select.value;
    select.textContent = "";
    groups.forEach(function (g) {
      if (!g.items.length) { return; }
      var parent = g.label ? el("optgroup", {label: g.label}) : select;
      g.items.forEach(function (item) { parent.appendChild(el("option", {value: item.value}, item.text)); });
      if (parent !== select) { select.appendChild(parent); }
    });
    if (keep && current) {
      var still = Array.prototype.some.call(select.options, function (o) { return o.value === current; });
      if (still) { select.value = current; }
    }
    return select.options.length > 0;
  }
  function updateTools(p) {
    if (p.ended || !state || !p.toolset) { return; }
    var t = p.toolset;
    t.canned.hidden = t.insert.hidden = !setOptions(t.canned, [{items: state.canned.map(function (r, i) {
      return {value: String(i), text: r.title};
    })}], true);
    var any = setOptions(t.target, [
      {label: S.colleagues, items: state.colleagues.map(function (c) { return {value: "u" + c.id, text: c.name}; })},
      {label: S.jourer, items: state.transfer_jourer.map(function (j) { return {value: "j" + j.id, text: j.name}; })}
    ], true);
    t.target.hidden = t.note.hidden = t.transfer.hidden = !any;
  }
  function buildTools(p) {
    var t = {};
    t.canned = el("select", {"aria-label": S.canned});
    t.insert = el("button", {type: "button", className: "secondary"}, S.insert);
    t.insert.addEventListener("click", function () {
      var r = state.canned[Number(t.canned.value)];
      if (!r) { return; }
      p.input.value = (p.input.value ? p.input.value + " " : "") + r.body;
      p.input.focus();
    });
    var end = el("button", {type: "button", className: "danger"}, S.end);
    end.addEventListener("click", function () { if (window.confirm(S.confirm_end)) { send({t: "end", chat: p.id}); } });
    t.target = el("select", {"aria-label": S.transfer_to});
    t.note = el("input", {type: "text", maxlength: "500", "aria-label": S.note, placeholder: S.note});
    t.transfer = el("button", {type: "button", className: "secondary"}, S.transfer);
    t.transfer.addEventListener("click", function () {
      var value = t.target.value;
      if (!value) { return; }
      var frame = {t: "transfer", chat: p.id, note: t.note.value};
      if (value[0] === "u") { frame.to_user = Number(value.slice(1)); } else { frame.to_jour = Number(value.slice(1)); }
      send(frame);
    });
    var minutes = el("select", {"aria-label": S.block_for});
    [[15, fmt(S.minutes, {minutes: 15})], [60, fmt(S.hours, {hours: 1})], [1440, fmt(S.hours, {hours: 24})]].forEach(function (o) {
      minutes.appendChild(el("option", {value: String(o[0])}, o[1]));
    });
    var block = el("button", {type: "button", className: "secondary"}, S.block);
    block.addEventListener("click", function () {
      if (window.confirm(S.confirm_block)) { send({t: "block", chat: p.id, minutes: Number(minutes.value)}); }
    });
    [t.canned, t.insert, end, t.target, t.note, t.transfer, minutes, block].forEach(function (node) { p.tools.appendChild(node); });
    p.toolset = t;
    updateTools(p);
  }

  function addLine(p, who, text, pending) {
    var item = el("li", {className: who === "me" ? "mine" : "theirs"});
    item.appendChild(el("span", {className: "who"}, (who === "me" ? S.you : S.her) + ": "));
    item.appendChild(el("span", {}, text));
    if (pending) { item.appendChild(el("span", {className: "pending meta"}, " " + S.sending)); }
    p.log.appendChild(item);
    p.log.parentNode.scrollTop = p.log.parentNode.scrollHeight;
    return item;
  }
  function showCode(p, code) {
    p.verify.textContent = "";
    p.verify.hidden = !code;
    if (!code) { return; }
    var parts = S.verify.split("%(code)s");
    p.verify.appendChild(document.createTextNode(parts[0]));
    p.verify.appendChild(el("strong", {"aria-hidden": "true", className: "code"}, code));
    p.verify.appendChild(el("span", {className: "visually-hidden"}, D.spoken(code)));
    p.verify.appendChild(document.createTextNode(parts[1] || ""));
  }
  function sendMessage(p) {
    var body = p.input.value.trim();
    if (!body || p.ended) { return; }
    if (!D.fits(body)) { status(S.too_large); return; }
    // Encrypted when it goes: now, or when her key comes (delivery.js).
    p.channel.write(body, addLine(p, "me", body, true));
    p.input.value = "";
  }
  function legAndResend(p) { p.channel.resend(); }
  function endPanel(p, reason) {
    if (p.ended) { return; }
    p.ended = true;
    // Her words and this chat's keys go from the page.
    p.channel.close();
    p.log.textContent = "";
    p.verify.textContent = "";
    p.verify.hidden = true;
    p.box.querySelector("form").remove();
    p.tools.textContent = "";
    p.typing.textContent = "";
    var text = {her: S.ended_her, left: S.ended_left, blocked: S.ended_blocked, staff: S.ended_staff,
      transferred: S.transferred, lost: S.lost}[reason] || S.ended_left;
    p.herLine.textContent = text;
    status(text);
    if (reason !== "transferred" && reason !== "lost" && recordUrls[String(p.jour)]) {
      p.tools.appendChild(el("a", {href: recordUrls[String(p.jour)], className: "button", target: "_blank", rel: "noopener"}, S.record));
    }
    var close = el("button", {type: "button", className: "secondary"}, "×");
    close.setAttribute("aria-label", S.close);
    close.addEventListener("click", function () { p.box.remove(); if (panels[p.id] === p) { delete panels[p.id]; } });
    p.tools.appendChild(close);
  }

  function handle(frame) {
    var p = frame.chat ? panels[frame.chat] : null;
    switch (frame.t) {
      case "state": renderState(frame); break;
      case "queue":
        // Only the queues moved.
        if (!state) { break; }
        state.queue = frame.queue; state.overflow = frame.overflow;
        renderQueue($("queue"), state.queue);
        renderQueue($("overflow"), state.overflow);
        break;
      case "chat":
        // A chat just given to her: open its panel at once (the full state follows).
        if ((!panels[frame.id] || panels[frame.id].ended) && state) { openPanel(frame); $("no-chats").textContent = ""; }
        break;
      case "removed": if (p) { endPanel(p, frame.reason); } break;
      case "peer":
        if (!p || p.ended) { break; }
        p.herLine.textContent = frame.here ? S.her_here : S.her_away;
        if (frame.here) { legAndResend(p); }
        break;
      case "key": case "leg": case "msg": case "ack":
        if (p && !p.ended) { p.channel.receive(frame); }
        break;
      case "typing":
        if (!p || p.ended) { break; }
        // After the messages before it (they are decrypted in turn).
        p.channel.after(function () {
          p.typing.textContent = S.typing;
          window.clearTimeout(p.typingTimer);
          p.typingTimer = window.setTimeout(function () { p.typing.textContent = ""; }, 5000);
        });
        break;
      case "error":
        if (frame.code === "slow_down") { status(S.slow_down); }
        else if (frame.code === "too_large") { status(S.too_large); }
        else if (frame.code === "queue_empty") { status(S.queue_empty); }
        else if (frame.message) { status(fmt(S.refused, {reason: frame.message})); }
        break;
    }
  }

  $("presence-toggle").addEventListener("click", function () {
    send({t: "presence", jour: Number($("presence-jour").value), available: !(state && state.available)});
  });
  $("take-next").addEventListener("click", function () { send({t: "take"}); });
  connect();
})();
