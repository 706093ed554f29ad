/* Her chat. Everything lives in this page's memory: no cookie, no storage of any
   kind. Her words are encrypted in this page for the jourkvinna's console alone
   (delivery.js, docs/chat-encryption.md); messages are numbered per leg and kept until
   acknowledged, so a dropped connection reconnects and resends without losing or
   doubling anything (docs/chat-protocol.md). */
(function () {
  "use strict";
  var app = document.getElementById("chat-app");
  if (!app) { return; }
  function $(id) { return document.getElementById(id); }
  var D = window.FristadDelivery;
  // Never a chat in clear: a browser that cannot encrypt gets the phone numbers instead.
  if (!window.WebSocket || !D || !D.supported()) { $("chat-unsupported").hidden = false; return; }
  var S = JSON.parse(document.getElementById("chat-strings").textContent);
  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) { return String(values[name]); });
  }
  // A counted string: its language's forms, and the form index of n (fristad/web/plurals.py).
  function fmtCount(key, n, values) {
    var c = S[key], i = n < 200 ? n : 100 + n % 100;
    return fmt(c.f[+c.t.charAt(i)], values);
  }
  var log = $("chat-log"), statusLine = $("chat-status"), typingLine = $("chat-typing");
  var input = $("chat-input"), anyNow = $("any-jour-now");

  var chat = null, key = null, session = null, ws = null, ended = false, active = false;
  var channel = null;  // this chat's delivery: outbox, seq, acks, keys (delivery.js)
  var staffLeg = null;  // the server's number for who answers: another one is a transfer
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

  // The security code both sides see.
  function showCode(code) {
    $("verify-shown").textContent = code;
    $("verify-spoken").textContent = code ? D.spoken(code) : "";
    $("chat-verify").hidden = !code;
  }
  // A new chat (a start, a return code): a new leg, new keys, an empty outbox.
  function newChannel() {
    if (channel) { channel.close(); }
    channel = D.create({
      side: "her",
      send: send,
      deliver: function (text) { typingLine.textContent = ""; addLine("them", text, false); },
      acked: function (item) {
        var mark = item.querySelector(".pending");
        if (mark) { mark.remove(); }
      },
      code: showCode,
      // Answered (or the jourkvinna's console back) while she was writing: she sees it at once.
      resent: function () { if (active && !ended && input.value.trim()) { lastTyping = Date.now(); send({t: "typing"}); } }
    });
    channel.pair();  // ready before she is answered
    staffLeg = null;
    showCode("");
  }
  // A new jourkvinna (handed over, even while this page was away): a new key exchange.
  function answeredBy(leg) {
    if (staffLeg !== null && leg !== staffLeg && channel) { channel.newPeer(); }
    staffLeg = leg;
  }
  function legAndResend() { if (channel) { channel.resend(); } }

  function showChat() {
    $("chat-safety").hidden = true;
    $("chat-start").hidden = true;
    $("chat").hidden = false;
    if (!pingTimer) { pingTimer = window.setInterval(function () { send({t: "ping"}); }, 25000); }
  }
  function minutes(key, seconds) {
    var n = Math.ceil(seconds / 60);
    return fmtCount(key, n, {minutes: n});
  }
  function showQueue(frame) {
    var text = fmt(S.queued, {position: frame.position}) + " ";
    if (frame.wait === null) { text += frame.open ? S.wait_not_known : S.wait_unknown; }
    else if (frame.wait < 60) { text += S.wait_soon; }
    else { text += minutes("wait_minutes", frame.wait); }
    // Waiting for her own jour, with someone elsewhere: the other choice, and asked again in time.
    if (frame.network) {
      if (frame.ask) { text += " " + S.ask_again; }
      if (frame.any_wait === 0) { text += " " + S.any_wait_now; }
      else if (frame.any_wait) { text += " " + minutes("any_wait_minutes", frame.any_wait); }
    }
    setStatus(text);
    anyNow.hidden = !app.dataset.jour || !frame.network;
  }
  function finish(by) {
    ended = true;
    chat = key = null;
    if (channel) { channel.close(); channel = null; }
    showCode("");
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
          answeredBy(frame.leg);
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
        answeredBy(frame.leg);
        peerWasAway = false;
        anyNow.hidden = true;
        setStatus(fmt(S.assigned, {jour: frame.jour}));
        legAndResend();
        input.focus();
        break;
      case "requeued":
        active = false;
        // Whoever answers next is someone new: a new key exchange.
        if (channel) { channel.newPeer(); }
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
      case "key": case "leg": case "msg": case "ack":
        if (channel) { channel.receive(frame); }
        break;
      case "typing":
        // In turn with the messages (decrypted one by one).
        if (channel) { channel.after(showTyping); }
        break;
      case "code":
        $("chat-code").textContent = fmtCount("code", frame.minutes, {code: frame.code, minutes: frame.minutes});
        break;
      case "ended": finish(frame.by); break;
      case "refused":
        if (frame.code === "blocked") { setStatus(fmtCount("refused_blocked", frame.minutes, {minutes: frame.minutes})); }
        else if (frame.code === "no_such_code") { setStatus(S.refused_no_such_code); }
        else if (frame.code === "try_later") { setStatus(S.refused_try_later); }
        else if (frame.code === "busy") { setStatus(S.refused_busy || S.refused_other); }
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

  function showTyping() {
    typingLine.textContent = S.typing;
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () { typingLine.textContent = ""; }, 5000);
  }

  /* The safety check, then the start. */
  var startAny = $("start-any");
  function toStart() {
    $("chat-safety").hidden = true; $("chat-start").hidden = false; (startAny || $("start")).focus();
  }
  $("safe-yes").addEventListener("click", toStart);
  $("safe-no").addEventListener("click", function () { $("safety-advice").hidden = false; $("safe-continue").focus(); });
  $("safe-continue").addEventListener("click", toStart);
  function start(any) {
    ended = false; active = false;
    newChannel();
    setStatus(S.connecting);
    showChat();
    connect(function () {
      var frame = {t: "start", any: any};
      if (app.dataset.jour) { frame.jour = app.dataset.jour; }
      if (session) { frame.session = session; }
      send(frame);
    });
  }
  $("start").addEventListener("click", function () { var box = $("any-jour"); start(!!(box && box.checked)); });
  if (startAny) { startAny.addEventListener("click", function () { start(true); }); }
  $("code-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = $("code-input").value;
    $("code-input").value = "";
    ended = false; active = false;
    newChannel();
    showChat();
    setStatus(S.connecting);
    connect(function () { send({t: "resume_code", code: code}); });
  });

  /* Writing. */
  $("chat-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var body = input.value.trim();
    if (!body || ended || !channel) { return; }
    if (!D.fits(body)) { setStatus(S.too_large); return; }
    // Before anyone answers (or the chat even exists) it waits, and goes when a key has come.
    channel.write(body, addLine("me", body, true));
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
    if (channel) { channel.close(); channel = null; }
    log.textContent = "";
    if (ws) { ws.close(); }
  });
})();
