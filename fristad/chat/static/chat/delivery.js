/* One side of one chat: outbox, seq, acks, legs and end-to-end encryption, for her
   page and the console alike (docs/chat-protocol.md, docs/chat-encryption.md).
   Only key, leg, msg (ciphertext) and ack frames leave it. Plain script for the
   browser (window.FristadDelivery), CommonJS for node's tests (tests/js/). */
(function (root, factory) {
  "use strict";
  var api = factory(root);
  if (typeof module !== "undefined" && module.exports) { module.exports = api; } else { root.FristadDelivery = api; }
})(typeof globalThis !== "undefined" ? globalThis : this, function (root) {
  "use strict";
  var VERSION = "fristad-chat-1";
  var MAX_TEXT_BYTES = 2900;  // UTF-8: the msg frame (a console's too) stays within the relay's 4 KB
  var P256 = {name: "ECDH", namedCurve: "P-256"};
  var encoder = new TextEncoder();
  var decoder = new TextDecoder("utf-8", {fatal: true});

  function subtle() { return root.crypto.subtle; }
  function supported() {
    return !!(root.crypto && root.crypto.subtle && root.crypto.getRandomValues && root.TextEncoder && root.Promise);
  }
  function fits(text) { return encoder.encode(text).length <= MAX_TEXT_BYTES; }
  function b64u(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i += 0x8000) { s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000)); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function unb64u(text) {
    if (typeof text !== "string" || !/^[A-Za-z0-9_-]+$/.test(text)) { return null; }
    var s;
    try { s = atob(text.replace(/-/g, "+").replace(/_/g, "/")); } catch (e) { return null; }
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) { out[i] = s.charCodeAt(i); }
    return out;
  }
  function concat(a, b) {
    var out = new Uint8Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
  }
  function randomId() { return b64u(root.crypto.getRandomValues(new Uint8Array(9))); }

  async function newPair() {
    var pair = await subtle().generateKey(P256, false, ["deriveBits"]);
    var raw = new Uint8Array(await subtle().exportKey("raw", pair.publicKey));
    return {priv: pair.privateKey, raw: raw, pub: b64u(raw)};
  }
  // ECDH, then HKDF-SHA-256 with both public keys (hers first) as info: AES-GCM-256.
  async function deriveKey(priv, theirRaw, herRaw, staffRaw) {
    var theirs = await subtle().importKey("raw", theirRaw, P256, false, []);
    var bits = await subtle().deriveBits({name: "ECDH", public: theirs}, priv, 256);
    var ikm = await subtle().importKey("raw", bits, "HKDF", false, ["deriveKey"]);
    return subtle().deriveKey(
      {name: "HKDF", hash: "SHA-256", salt: encoder.encode(VERSION), info: concat(herRaw, staffRaw)},
      ikm, {name: "AES-GCM", length: 256}, false, ["encrypt", "decrypt"]);
  }
  // SHA-256 of her raw public key, then the jourkvinna's: three groups of four digits.
  async function securityCode(herRaw, staffRaw) {
    var digest = new DataView(await subtle().digest("SHA-256", concat(herRaw, staffRaw)));
    return [0, 4, 8].map(function (at) { return String(digest.getUint32(at) % 10000).padStart(4, "0"); }).join(" ");
  }
  // For a screen reader: digit by digit, a pause between the groups.
  function spoken(code) {
    return code.split(" ").map(function (group) { return group.split("").join(" "); }).join(", ");
  }
  function aad(side, leg, seq) { return encoder.encode(VERSION + "|" + side + "|" + leg + "|" + seq); }
  async function seal(key, data, text) {
    var nonce = root.crypto.getRandomValues(new Uint8Array(12));
    var sealed = await subtle().encrypt({name: "AES-GCM", iv: nonce, additionalData: data}, key, encoder.encode(text));
    return b64u(concat(nonce, new Uint8Array(sealed)));
  }
  // The text, or null (another key, seq, leg or side; altered; not ours at all).
  async function open(key, data, body) {
    var bytes = unb64u(body);
    if (!bytes || bytes.length < 28) { return null; }
    try {
      return decoder.decode(await subtle().decrypt({name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: data}, key, bytes.subarray(12)));
    } catch (e) {
      return null;
    }
  }

  // options: side ("her" | "staff"), send, deliver(text), acked(ref), code(text), resent, error
  function Channel(options) {
    this.side = options.side;
    this.peerSide = options.side === "her" ? "staff" : "her";
    this.on = options;
    this.leg = randomId();
    this.seq = 0;
    this.outbox = [];   // {seq, text, ref}, until acknowledged
    this.mine = null;   // a promise of this side's key pair
    this.peer = null;   // {leg, pub, key}
    this.peerLeg = null;
    this.peerLast = 0;
    this.retired = {};  // legs of a jourkvinna who has gone (a transfer)
    this.code = "";
    this.nudged = false;
    this.epoch = 0;     // changes when keys are dropped: work begun before stops
    this.closed = false;
    this.chain = Promise.resolve();
  }
  var C = Channel.prototype;

  // One step at a time, in order (WebCrypto answers with promises).
  C.run = function (step) {
    var self = this;
    this.chain = this.chain.then(function () { return self.closed ? null : step(); }).catch(function (error) {
      if (self.on.error) { self.on.error(error); }
    });
    return this.chain;
  };
  C.after = function (fn) { return this.run(function () { fn(); }); };
  C.send = function (frame) { if (!this.closed) { this.on.send(frame); } };
  C.pair = function () {
    var self = this;
    if (!this.mine) {
      var made = this.mine = newPair();
      made.catch(function () { if (self.mine === made) { self.mine = null; } });
    }
    return this.mine;
  };
  C.setCode = function (code) {
    if (code !== this.code) { this.code = code; if (this.on.code) { this.on.code(code); } }
  };

  // Numbered now, encrypted when it goes: now if the other side's key is known, else later.
  C.write = function (text, ref) {
    if (this.closed || !fits(text)) { return null; }
    var message = {seq: ++this.seq, text: text, ref: ref};
    this.outbox.push(message);
    var self = this;
    this.run(function () { return self.flush([message]); });
    return message;
  };
  C.flush = async function (messages) {
    var peer = this.peer, epoch = this.epoch;
    for (var i = 0; peer && i < messages.length; i++) {
      var m = messages[i];
      if (this.outbox.indexOf(m) < 0) { continue; }
      var body = await seal(peer.key, aad(this.side, this.leg, m.seq), m.text);
      if (epoch !== this.epoch || peer !== this.peer) { return; }
      this.send({t: "msg", seq: m.seq, leg: this.leg, body: body});
    }
  };

  // Whenever either side (re)joins: this side's key, its leg, what is not acknowledged.
  C.resend = function () {
    var self = this;
    return this.run(function () { return self.resendNow(); });
  };
  C.resendNow = async function () {
    var epoch = this.epoch;
    var mine = await this.pair();
    if (epoch !== this.epoch) { return; }
    this.send({t: "key", leg: this.leg, pub: mine.pub});
    this.send({t: "leg", leg: this.leg, from: this.outbox.length ? this.outbox[0].seq : this.seq + 1});
    await this.flush(this.outbox.slice());
    if (epoch === this.epoch && this.on.resent) { this.on.resent(); }
  };

  C.receive = function (frame) {
    var self = this;
    return this.run(function () {
      if (frame.t === "key") { return self.gotKey(frame); }
      if (frame.t === "leg") { return self.gotLeg(frame); }
      if (frame.t === "msg") { return self.gotMessage(frame); }
      if (frame.t === "ack") { return self.gotAck(frame); }
      return null;
    });
  };
  C.gotKey = async function (frame) {
    if (this.retired[frame.leg] || (this.peer && this.peer.leg === frame.leg && this.peer.pub === frame.pub)) { return; }
    var raw = unb64u(frame.pub);
    if (!raw || raw.length !== 65) { return; }
    var epoch = this.epoch;
    var mine = await this.pair();
    var her = this.side === "her" ? mine.raw : raw, staff = this.side === "her" ? raw : mine.raw;
    var key, code;
    try {
      key = await deriveKey(mine.priv, raw, her, staff);
      code = await securityCode(her, staff);
    } catch (e) {
      return;  // not a point on the curve
    }
    if (epoch !== this.epoch) { return; }
    if (frame.leg !== this.peerLeg) { this.peerLeg = frame.leg; this.peerLast = 0; }
    this.peer = {leg: frame.leg, pub: frame.pub, key: key};
    this.nudged = false;
    this.setCode(code);
    // The other side may not have this side's key yet: it, and what waits, under the new key.
    await this.resendNow();
  };
  C.gotLeg = function (frame) {
    if (this.retired[frame.leg]) { return; }
    if (frame.leg !== this.peerLeg) { this.peerLeg = frame.leg; this.peerLast = frame.from - 1; }
    else { this.peerLast = Math.max(this.peerLast, frame.from - 1); }
  };
  C.gotMessage = async function (frame) {
    if (frame.leg !== this.peerLeg) { return; }
    if (frame.seq <= this.peerLast) { this.send({t: "ack", seq: frame.seq, leg: frame.leg}); return; }
    var peer = this.peer;
    if (frame.seq !== this.peerLast + 1 || !peer || peer.leg !== frame.leg) { return; }
    var text = await open(peer.key, aad(this.peerSide, frame.leg, frame.seq), frame.body);
    if (peer !== this.peer || frame.seq !== this.peerLast + 1) { return; }
    if (text === null) {
      // Sealed for a key this side no longer has: say its key again (once per key of theirs).
      if (!this.nudged) {
        this.nudged = true;
        var epoch = this.epoch, mine = await this.pair();
        if (epoch === this.epoch) { this.send({t: "key", leg: this.leg, pub: mine.pub}); }
      }
      return;
    }
    this.peerLast = frame.seq;
    this.on.deliver(text, frame.seq);
    this.send({t: "ack", seq: frame.seq, leg: frame.leg});
  };
  C.gotAck = function (frame) {
    if (frame.leg !== this.leg) { return; }
    var acked = this.on.acked;
    this.outbox = this.outbox.filter(function (m) {
      if (m.seq <= frame.seq) { if (acked) { acked(m.ref); } return false; }
      return true;
    });
  };

  // Someone new will answer (a transfer): the one before is retired, this side's keys dropped.
  C.newPeer = function () {
    if (this.peerLeg) { this.retired[this.peerLeg] = true; }
    this.peer = this.peerLeg = this.mine = null;
    this.peerLast = 0;
    this.epoch += 1;
    this.setCode("");
  };
  // The chat is over: every key and every word dropped.
  C.close = function () {
    this.closed = true;
    this.epoch += 1;
    this.peer = this.mine = null;
    this.outbox = [];
    this.code = "";
  };

  return {
    supported: supported,
    fits: fits,
    spoken: spoken,
    MAX_TEXT_BYTES: MAX_TEXT_BYTES,
    create: function (options) { return new Channel(options); },
    // For the tests and the benchmark.
    internals: {b64u: b64u, unb64u: unb64u, aad: aad, seal: seal, open: open, newPair: newPair, deriveKey: deriveKey, securityCode: securityCode}
  };
});
