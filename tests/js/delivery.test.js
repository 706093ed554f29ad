// The chat's delivery module (fristad/chat/static/chat/delivery.js), under node's own
// test runner and WebCrypto: node --test tests/js/
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const D = require("../../fristad/chat/static/chat/delivery.js");

const { internals } = D;
const B64U = /^[A-Za-z0-9_-]+$/;

/* A relay between the two sides, as the server is: frames go through as JSON text, and
   everything it was given is kept, to be searched for the words. While it is down, what
   a side sends is lost (and that side keeps it in its outbox). */
class Relay {
  constructor() {
    this.sides = {};
    this.up = true;
    this.frames = [];
    this.tamper = null;
  }
  join(name, extra = {}) {
    const side = { name, got: [], acked: [], codes: [], resent: 0 };
    side.ch = D.create({
      side: name,
      send: (frame) => this.pass(side, frame),
      deliver: (text) => side.got.push(text),
      acked: (ref) => side.acked.push(ref),
      code: (code) => side.codes.push(code),
      resent: () => { side.resent += 1; },
      error: (error) => { throw error; },
      ...extra,
    });
    this.sides[name] = side;
    return side;
  }
  pass(from, frame) {
    const text = JSON.stringify(frame);
    this.frames.push({ from: from.name, text });
    if (!this.up) { return false; }
    let relayed = JSON.parse(text);
    if (this.tamper) { relayed = this.tamper(relayed, from.name); }
    const to = this.sides[from.name === "her" ? "staff" : "her"];
    if (relayed && to && to !== from) { to.ch.receive(relayed); }
    return true;
  }
  sent(name, type) {
    return this.frames.filter((f) => f.from === name).map((f) => JSON.parse(f.text)).filter((f) => !type || f.t === type);
  }
  everything() { return this.frames.map((f) => f.text).join("\n"); }
}

/* Until both sides have nothing more to do. */
async function settle(relay) {
  for (let quiet = 0, i = 0; quiet < 3 && i < 200; i++) {
    const before = relay.frames.length;
    await Promise.all(Object.values(relay.sides).map((s) => s.ch.chain));
    await new Promise((resolve) => setImmediate(resolve));
    quiet = relay.frames.length === before ? quiet + 1 : 0;
  }
}

/* Her page and a console, each announcing itself (as on a peer frame). */
async function chat() {
  const relay = new Relay();
  const her = relay.join("her");
  const staff = relay.join("staff");
  her.ch.resend();
  staff.ch.resend();
  await settle(relay);
  return { relay, her, staff };
}

function assertNoWords(relay, words) {
  const all = relay.everything();
  for (const word of words) { assert.ok(!all.includes(word), `"${word}" left the module`); }
  for (const frame of relay.frames.map((f) => JSON.parse(f.text))) {
    assert.ok(["key", "leg", "msg", "ack"].includes(frame.t), frame.t);
    if (frame.t === "msg") { assert.match(frame.body, B64U); }
  }
}

test("encrypt and decrypt between the two sides, in order, acknowledged", async () => {
  const { relay, her, staff } = await chat();
  her.ch.write("Hej, jag behöver prata.", "h1");
  staff.ch.write("Hej, jag heter Anna. Vad har hänt?", "s1");
  her.ch.write("Han skriker på mig. 😢", "h2");
  await settle(relay);
  assert.deepEqual(staff.got, ["Hej, jag behöver prata.", "Han skriker på mig. 😢"]);
  assert.deepEqual(her.got, ["Hej, jag heter Anna. Vad har hänt?"]);
  assert.deepEqual(her.acked, ["h1", "h2"]);
  assert.deepEqual(staff.acked, ["s1"]);
  assert.equal(her.ch.outbox.length + staff.ch.outbox.length, 0);
  assertNoWords(relay, ["Hej", "prata", "Anna", "skriker", "😢"]);
  // Ciphertext: nonce (12) + text + tag (16), base64url.
  const body = relay.sent("her", "msg")[0].body;
  assert.equal(internals.unb64u(body).length, 12 + Buffer.byteLength("Hej, jag behöver prata.") + 16);
});

test("the security code is the same on both sides: 12 digits, from both public keys", async () => {
  const { her, staff, relay } = await chat();
  assert.match(her.ch.code, /^\d{4} \d{4} \d{4}$/);
  assert.equal(her.ch.code, staff.ch.code);
  assert.deepEqual(her.codes, [her.ch.code]);
  assert.deepEqual(staff.codes, [staff.ch.code]);
  // SHA-256 of her raw public key and then hers: anyone can compute it.
  const herPub = internals.unb64u(relay.sent("her", "key")[0].pub);
  const staffPub = internals.unb64u(relay.sent("staff", "key")[0].pub);
  assert.equal(herPub.length, 65);
  assert.equal(await internals.securityCode(herPub, staffPub), her.ch.code);
  assert.notEqual(await internals.securityCode(staffPub, herPub), her.ch.code);
  assert.equal(D.spoken("0123 4567 8901"), "0 1 2 3, 4 5 6 7, 8 9 0 1");
});

test("the leg, the seq and the side are bound to the ciphertext (AAD)", async () => {
  const pair = await internals.newPair();
  const other = await internals.newPair();
  const key = await internals.deriveKey(pair.priv, other.raw, pair.raw, other.raw);
  const body = await internals.seal(key, internals.aad("her", "legA", 1), "Kalle");
  assert.equal(await internals.open(key, internals.aad("her", "legA", 1), body), "Kalle");
  assert.equal(await internals.open(key, internals.aad("her", "legA", 2), body), null);
  assert.equal(await internals.open(key, internals.aad("her", "legB", 1), body), null);
  assert.equal(await internals.open(key, internals.aad("staff", "legA", 1), body), null);
  // Altered, cut short, not base64url: refused.
  const bytes = internals.unb64u(body);
  bytes[20] ^= 1;
  assert.equal(await internals.open(key, internals.aad("her", "legA", 1), internals.b64u(bytes)), null);
  assert.equal(await internals.open(key, internals.aad("her", "legA", 1), body.slice(0, 30)), null);
  assert.equal(await internals.open(key, internals.aad("her", "legA", 1), "Kalle i klartext"), null);
  // A fresh nonce each time: the same words never look the same.
  assert.notEqual(await internals.seal(key, internals.aad("her", "legA", 1), "Kalle"), body);
});

test("a message moved to another seq or leg by the relay is not shown, and its true copy is", async () => {
  const { relay, her, staff } = await chat();
  const bodies = [];
  relay.tamper = (frame, from) => {
    if (frame.t !== "msg" || from !== "her") { return frame; }
    bodies.push(frame.body);
    // The first two come through swapped (the second one's body at seq 1), once.
    if (bodies.length === 2) { return { ...frame, seq: 1 }; }
    if (bodies.length === 1) { return null; }
    return frame;
  };
  her.ch.write("Ett", 1);
  her.ch.write("Två", 2);
  await settle(relay);
  assert.deepEqual(staff.got, []);
  // Another leg: refused too.
  relay.tamper = (frame, from) => (frame.t === "msg" && from === "her" ? { ...frame, leg: "annan" } : frame);
  her.ch.resend();
  await settle(relay);
  assert.deepEqual(staff.got, []);
  relay.tamper = null;
  her.ch.resend();
  await settle(relay);
  assert.deepEqual(staff.got, ["Ett", "Två"]);
  assert.deepEqual(her.acked, [1, 2]);
});

test("after a reconnect the outbox goes again, in order, encrypted when it is sent", async () => {
  const { relay, her, staff } = await chat();
  her.ch.write("Före", "a");
  await settle(relay);
  relay.up = false;
  her.ch.write("Under 1", "b");
  her.ch.write("Under 2", "c");
  staff.ch.write("Svar under", "x");
  await settle(relay);
  assert.deepEqual(her.ch.outbox.map((m) => m.seq), [2, 3]);
  const whileDown = relay.sent("her", "msg").map((f) => f.body);
  relay.up = true;
  const sentBefore = relay.sent("her", "leg").length;
  // Her socket is back: she announces herself and resends; the console hears she is here.
  her.ch.resend();
  staff.ch.resend();
  await settle(relay);
  assert.deepEqual(staff.got, ["Före", "Under 1", "Under 2"]);
  assert.deepEqual(her.got, ["Svar under"]);
  // Her leg frame says where she stands: from her first unacknowledged message.
  assert.equal(relay.sent("her", "leg")[sentBefore].from, 2);
  // Each resend is a new encryption (a fresh nonce), never a copy of what was sent before.
  const resent = relay.sent("her", "msg").slice(whileDown.length).map((f) => f.body);
  assert.ok(resent.length >= 2 && resent.every((body) => !whileDown.includes(body)));
  // Duplicates (each resend) are acknowledged again and shown once.
  her.ch.resend();
  await settle(relay);
  assert.deepEqual(staff.got, ["Före", "Under 1", "Under 2"]);
  assertNoWords(relay, ["Före", "Under", "Svar"]);
});

test("what she writes before anyone answers waits, and goes under the key of the one who answers", async () => {
  const relay = new Relay();
  const her = relay.join("her");
  her.ch.write("Jag skrev medan jag väntade.", "w");
  her.ch.resend();  // nobody there: her key, her leg, no message (there is no key to encrypt with)
  await settle(relay);
  assert.deepEqual(relay.sent("her", "msg"), []);
  const staff = relay.join("staff");
  staff.ch.resend();  // the console opens the chat
  await settle(relay);
  assert.deepEqual(staff.got, ["Jag skrev medan jag väntade."]);
  assert.ok(her.resent >= 1);
  assertNoWords(relay, ["väntade"]);
});

test("a new jourkvinna (a transfer) is a new key exchange: nothing said before opens for her", async () => {
  const { relay, her, staff } = await chat();
  her.ch.write("Hemligt: han heter Kalle.", 1);
  staff.ch.write("Jag hör dig.", 2);
  await settle(relay);
  const before = relay.frames.slice();
  const oldCode = her.ch.code;
  const oldPub = relay.sent("her", "key")[0].pub;

  // The chat goes back to a queue: her page drops the jourkvinna and its own keys.
  her.ch.newPeer();
  assert.equal(her.ch.code, "");
  staff.ch.close();  // the first console's panel ends
  her.ch.write("Är någon där?", 3);
  await settle(relay);
  const next = relay.join("staff");
  next.ch.resend();
  her.ch.resend();
  await settle(relay);
  assert.deepEqual(next.got, ["Är någon där?"]);
  assert.notEqual(her.ch.code, oldCode);
  assert.equal(her.ch.code, next.ch.code);
  assert.notEqual(relay.sent("her", "key").pop().pub, oldPub, "her page made a new key pair");

  // Everything the relay saw before, replayed to the new jourkvinna: none of it opens.
  for (const frame of before.map((f) => JSON.parse(f.text))) {
    if (frame.t === "msg" || frame.t === "leg") { next.ch.receive({ ...frame }); }
  }
  await settle(relay);
  assert.deepEqual(next.got, ["Är någon där?"]);
  // The old jourkvinna's key, sent again (late, or by a relay), is not taken back.
  her.ch.receive(JSON.parse(before.find((f) => f.from === "staff" && JSON.parse(f.text).t === "key").text));
  await settle(relay);
  assert.equal(her.ch.code, next.ch.code);
  assertNoWords(relay, ["Kalle", "hör", "någon"]);
});

test("her new page (a return code) is a new leg and a new key: the console's waiting messages reach it", async () => {
  const { relay, her, staff } = await chat();
  her.ch.write("Jag måste gå.", 1);
  await settle(relay);
  const oldCode = staff.ch.code;
  her.ch.close();
  relay.up = false;
  staff.ch.write("Är du kvar?", "s");
  await settle(relay);
  relay.up = true;
  const again = relay.join("her");  // another page: another leg, another key pair
  again.ch.resend();
  staff.ch.resend();  // the console hears her arrive
  await settle(relay);
  assert.deepEqual(again.got, ["Är du kvar?"]);
  assert.notEqual(again.ch.leg, her.ch.leg);
  assert.notEqual(staff.ch.code, oldCode);
  assert.equal(staff.ch.code, again.ch.code);
  again.ch.write("Nu är jag tillbaka.", 2);
  await settle(relay);
  assert.deepEqual(staff.got, ["Jag måste gå.", "Nu är jag tillbaka."]);
  assertNoWords(relay, ["måste", "kvar", "tillbaka"]);
});

test("the key exchange heals whichever side hears first, and stale ciphertext is dropped", async () => {
  const relay = new Relay();
  const staff = relay.join("staff");
  staff.ch.write("Hej, jag heter Anna.", "s");
  const her = relay.join("her");
  // Only the console announces itself; her page answers the new key with its own.
  staff.ch.resend();
  await settle(relay);
  assert.deepEqual(her.got, ["Hej, jag heter Anna."]);
  assert.equal(her.ch.code, staff.ch.code);
});

test("no plaintext leaves the module: every frame it sends", async () => {
  const canary = "kanariefagel-" + Math.random().toString(36).slice(2);
  const { relay, her, staff } = await chat();
  for (let i = 0; i < 20; i++) {
    her.ch.write(`${canary} ${i}`, i);
    staff.ch.write(`Svar ${canary} ${i}`, i);
  }
  relay.up = false;
  her.ch.write(`${canary} offline`, "o");
  relay.up = true;
  her.ch.resend();
  staff.ch.resend();
  await settle(relay);
  assert.equal(staff.got.length, 21);
  assert.equal(her.got.length, 20);
  assert.ok(staff.got.every((t) => t.includes(canary)));
  assertNoWords(relay, [canary]);
});

test("keys cannot be read out of the page: non-extractable", async () => {
  const pair = await internals.newPair();
  const other = await internals.newPair();
  assert.equal(pair.priv.extractable, false);
  const key = await internals.deriveKey(pair.priv, other.raw, pair.raw, other.raw);
  assert.equal(key.extractable, false);
  assert.equal(key.algorithm.name, "AES-GCM");
  assert.equal(key.algorithm.length, 256);
  await assert.rejects(globalThis.crypto.subtle.exportKey("raw", key));
  await assert.rejects(globalThis.crypto.subtle.exportKey("pkcs8", pair.priv));
});

test("too long is refused before anything is sent; a closed chat sends and shows nothing", async () => {
  const { relay, her, staff } = await chat();
  assert.ok(D.fits("å".repeat(D.MAX_TEXT_BYTES / 2)));
  assert.ok(!D.fits("å".repeat(D.MAX_TEXT_BYTES / 2 + 1)));
  assert.equal(her.ch.write("x".repeat(D.MAX_TEXT_BYTES + 1), 1), null);
  // The longest message still fits the relay's 4 KB frame, with the console's chat id.
  her.ch.write("€".repeat(D.MAX_TEXT_BYTES / 3), 1);
  await settle(relay);
  const frame = { ...relay.sent("her", "msg").pop(), chat: "c".repeat(64) };
  assert.ok(Buffer.byteLength(JSON.stringify(frame)) <= 4096, Buffer.byteLength(JSON.stringify(frame)));
  assert.equal(staff.got.length, 1);

  const count = relay.frames.length;
  staff.ch.close();
  assert.equal(staff.ch.write("Efter slutet", 2), null);
  her.ch.write("Hallå?", 3);
  await settle(relay);
  assert.equal(staff.got.length, 1);
  assert.ok(relay.frames.slice(count).every((f) => f.from === "her"));
  assert.equal(staff.ch.outbox.length, 0);
});

test("a key that is not a P-256 point is ignored", async () => {
  const relay = new Relay();
  const her = relay.join("her");
  her.ch.receive({ t: "key", leg: "x", pub: internals.b64u(new Uint8Array(65).fill(4)) });
  her.ch.receive({ t: "key", leg: "x", pub: "kort" });
  await settle(relay);
  assert.equal(her.ch.peer, null);
  assert.equal(her.ch.code, "");
});
