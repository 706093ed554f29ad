/* Her chat. Everything lives in this page's memory: no cookie, no storage of any
   kind. Messages are numbered per leg and kept until acknowledged, so a dropped
   connection reconnects and resends without losing or doubling anything
   (docs/chat-protocol.md). */
(function () {
  "use strict";
  var app = document.getElementById("chat-app");
  if (!app || !window.WebSocket || !window.JSON) { return; }
  var S = JSON.parse(document.getElementById("chat-strings").textContent);
  function $(id) { return document.getElementById(id); }
  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) { return String(values[name]); });
  }
  // A counted string: S[key + "_one"] for 1, S[key] for more.
  function fmtCount(key, n, values) {
    return fmt(n === 1 && S[key + "_one"] ? S[key + "_one"] : S[key], values);
  }
  function randomId() {
    var bytes = new Uint8Array(9);
    window.crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_");
  }
  var encoder = new TextEncoder();
  var log = $("chat-log"), statusLine = $("chat-status"), typingLine = $("chat-typing");
  var input = $("chat-input"), anyNow = $("any-jour-now");

  var chat = null, key = null, session = null, ws = null, ended = false, active = false;
  var myLeg = randomId(), mySeq = 0, outbox = [];
  var peerLeg = null, peerLast = 0, staffLeg = 0;
  var retry = 0, typingTimer = null, lastTyping = 0, pingTimer = null, peerWasAway = false;

  app.hidden = false;

  function setStatus(text) { statusLine.textContent = text; }

  function connect(onOpen) {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/chatt/";
    var socket = new WebSocket(url);
    ws = socket;
    socket.onopen = function () { retry = 0; onOpen(); };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      handle(frame);
    };
    socket.onclose = function () {
      if (ws !== socket) { return; }
      ws = null;
      if (chat && !ended) {
        setStatus(S.reconnecting);
        window.setTimeout(reconnect, Math.min(5000, 500 * Math.pow(2, retry++)));
      }
    };
  }
  function reconnect() {
    if (!chat || ended) { return; }
    connect(function () { send({t: "resume", chat: chat, key: key}); });
  }
  function send(frame) {
    if (ws && ws.readyState === 1) { ws.send(JSON.stringify(frame)); return true; }
    return false;
  }

  function addLine(who, text, pending) {
    var item = document.createElement("li");
    item.className = who === "me" ? "mine" : "theirs";
    var label = document.createElement("span");
    label.className = "who";
    label.textContent = (who === "me" ? S.you : S.her) + ": ";
    var body = document.createElement("span");
    body.textContent = text;
    item.appendChild(label);
    item.appendChild(body);
    if (pending) {
      var mark = document.createElement("span");
      mark.className = "pending meta";
      mark.textContent = " " + S.sending;
      item.appendChild(mark);
    }
    log.appendChild(item);
    log.parentNode.scrollTop = log.parentNode.scrollHeight;
    return item;
  }

  /* Delivery: announce where this leg stands, then resend what was not acknowledged. */
  function legAndResend() {
    send({t: "leg", leg: myLeg, from: outbox.length ? outbox[0].seq : mySeq + 1});
    outbox.forEach(function (m) { send({t: "msg", seq: m.seq, leg: myLeg, body: m.body}); });
    // Answered (or the jourkvinna's console back) while she was writing: she sees it at once.
    if (active && input.value.trim()) { lastTyping = Date.now(); send({t: "typing"}); }
  }
  function received(frame) {
    if (frame.leg !== peerLeg) { return; }
    if (frame.seq <= peerLast) { send({t: "ack", seq: frame.seq, leg: frame.leg}); return; }
    if (frame.seq !== peerLast + 1) { return; }
    peerLast = frame.seq;
    typingLine.textContent = "";
    addLine("them", frame.body, false);
    send({t: "ack", seq: frame.seq, leg: frame.leg});
  }
  function acknowledged(frame) {
    if (frame.leg !== myLeg) { return; }
    outbox = outbox.filter(function (m) {
      if (m.seq <= frame.seq) {
        var mark = m.item.querySelector(".pending");
        if (mark) { mark.remove(); }
        return false;
      }
      return true;
    });
  }

  function showChat() {
    $("chat-safety").hidden = true;
    $("chat-start").hidden = true;
    $("chat").hidden = false;
    if (!pingTimer) { pingTimer = window.setInterval(function () { send({t: "ping"}); }, 25000); }
  }
  function showQueue(frame) {
    var text = fmt(S.queued, {position: frame.position}) + " ";
    if (frame.wait === null) { text += S.wait_unknown; }
    else if (frame.wait < 60) { text += S.wait_soon; }
    else { text += fmtCount("wait_minutes", Math.ceil(frame.wait / 60), {minutes: Math.ceil(frame.wait / 60)}); }
    setStatus(text);
    anyNow.hidden = !app.dataset.jour;
  }
  function finish(by) {
    ended = true;
    chat = key = null;
    outbox = [];
    log.textContent = "";
    typingLine.textContent = "";
    $("chat-code").textContent = "";
    $("chat-form").hidden = true;
    $("get-code").hidden = true;
    $("end-chat").hidden = true;
    anyNow.hidden = true;
    setStatus(by === "her" ? S.ended_her : by === "staff" ? S.ended_staff : by === "moved" ? S.ended_moved : S.ended_other);
    if (pingTimer) { window.clearInterval(pingTimer); pingTimer = null; }
    if (ws) { var socket = ws; ws = null; socket.close(); }
  }

  function handle(frame) {
    switch (frame.t) {
      case "started":
        chat = frame.chat; key = frame.key; session = frame.session;
        showChat();
        break;
      case "resumed":
        chat = frame.chat;
        if (frame.key) { key = frame.key; }
        showChat();
        if (frame.status === "active") {
          active = true;
          staffLeg = frame.leg;
          setStatus(fmt(S.assigned, {jour: frame.jour}));
          anyNow.hidden = true;
        }
        legAndResend();
        break;
      case "queue":
        if (!active) { showQueue(frame); }
        break;
      case "assigned":
        active = true;
        // A new jourkvinna starts a new leg; the same one announced twice does not.
        if (frame.leg !== staffLeg) { staffLeg = frame.leg; peerLeg = null; peerLast = 0; }
        peerWasAway = false;
        anyNow.hidden = true;
        setStatus(fmt(S.assigned, {jour: frame.jour}));
        legAndResend();
        input.focus();
        break;
      case "requeued":
        active = false;
        setStatus(frame.jour ? fmt(S.requeued_jour, {jour: frame.jour}) : S.requeued);
        break;
      case "peer":
        if (frame.here) {
          // "Back" only after she was told the jourkvinna was gone, never on first arrival.
          if (active && peerWasAway) { setStatus(S.peer_back); }
          peerWasAway = false;
          legAndResend();
        } else if (active) { peerWasAway = true; setStatus(S.peer_away); }
        break;
      case "leg":
        if (frame.leg !== peerLeg) { peerLeg = frame.leg; peerLast = frame.from - 1; }
        else { peerLast = Math.max(peerLast, frame.from - 1); }
        break;
      case "msg": received(frame); break;
      case "ack": acknowledged(frame); break;
      case "typing":
        typingLine.textContent = S.typing;
        window.clearTimeout(typingTimer);
        typingTimer = window.setTimeout(function () { typingLine.textContent = ""; }, 5000);
        break;
      case "code":
        $("chat-code").textContent = fmtCount("code", frame.minutes, {code: frame.code, minutes: frame.minutes});
        break;
      case "ended": finish(frame.by); break;
      case "refused":
        if (frame.code === "blocked") { setStatus(fmtCount("refused_blocked", frame.minutes, {minutes: frame.minutes})); }
        else if (frame.code === "no_such_code") { setStatus(S.refused_no_such_code); }
        else if (frame.code === "try_later") { setStatus(S.refused_try_later); }
        else if (frame.code === "no_such_chat") { chat = null; finish("left"); }
        else { setStatus(S.refused_other); }
        $("chat").hidden = false;
        break;
      case "error":
        if (frame.code === "slow_down") { setStatus(S.slow_down); }
        else if (frame.code === "too_large") { setStatus(S.too_large); }
        break;
    }
  }

  /* The safety check, then the start. */
  $("safe-yes").addEventListener("click", function () {
    $("chat-safety").hidden = true; $("chat-start").hidden = false; $("start").focus();
  });
  $("safe-no").addEventListener("click", function () { $("safety-advice").hidden = false; $("safe-continue").focus(); });
  $("safe-continue").addEventListener("click", function () {
    $("chat-safety").hidden = true; $("chat-start").hidden = false; $("start").focus();
  });
  $("start").addEventListener("click", function () {
    var any = $("any-jour");
    ended = false; active = false;
    setStatus(S.connecting);
    showChat();
    connect(function () {
      var frame = {t: "start", any: !!(any && any.checked)};
      if (app.dataset.jour) { frame.jour = app.dataset.jour; }
      if (session) { frame.session = session; }
      send(frame);
    });
  });
  $("code-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = $("code-input").value;
    $("code-input").value = "";
    ended = false; active = false;
    showChat();
    setStatus(S.connecting);
    connect(function () { send({t: "resume_code", code: code}); });
  });

  /* Writing. */
  $("chat-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var body = input.value.trim();
    if (!body || ended) { return; }
    if (encoder.encode(body).length > 3500) { setStatus(S.too_large); return; }
    mySeq += 1;
    var message = {seq: mySeq, body: body, item: addLine("me", body, true)};
    outbox.push(message);
    // Written before anyone answers (or before the chat even exists): it waits in the
    // outbox and goes with the first resend, when someone answers.
    if (chat && active) { send({t: "msg", seq: message.seq, leg: myLeg, body: body}); }
    input.value = "";
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); $("chat-form").requestSubmit(); }
  });
  input.addEventListener("input", function () {
    var now = Date.now();
    // Only to someone: while she waits, legAndResend sends it when she is answered.
    if (active && !ended && now - lastTyping > 3000) { lastTyping = now; send({t: "typing"}); }
  });
  anyNow.addEventListener("click", function () {
    send({t: "any_jour"}); anyNow.hidden = true; setStatus(S.any_jour_sent);
  });
  $("get-code").addEventListener("click", function () { send({t: "code"}); });
  $("end-chat").addEventListener("click", function () {
    if (!window.confirm(S.confirm_end)) { return; }
    send({t: "end"});
    finish("her");
  });

  /* The quick exit ends the chat before the page goes. */
  window.addEventListener("fristad:quickexit", function () {
    if (chat && !ended) { send({t: "end"}); }
    ended = true;
    chat = key = session = null;
    outbox = [];
    log.textContent = "";
    if (ws) { ws.close(); }
  });
})();
