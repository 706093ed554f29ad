"""What the chat's end-to-end encryption costs her page, in Chromium (Debian's, as the
browser tests use it).

Loads fristad/chat/static/chat/delivery.js into a page served from loopback (a secure
context, cross-origin isolated so that performance.now() has 5 µs resolution rather than
100 µs) and measures, with the module's own functions:

- the key exchange: one side's part (a P-256 pair, ECDH, HKDF, the security code) and both
  sides' (what two pages do between them, without the relay's round trip);
- encrypt and decrypt of N messages of 200 characters each, per operation (median, p99);
- a message through two Channels wired to each other (write → ciphertext frame →
  decrypt → deliver → ack), per message.

    .venv/bin/python bench/chat_crypto.py [--messages 1000] [--exchanges 200] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DELIVERY = ROOT / "fristad" / "chat" / "static" / "chat" / "delivery.js"
CHROMIUM = "/usr/bin/chromium"
PAGE = b"<!doctype html><meta charset=utf-8><title>bench</title><script src=/delivery.js></script>"

# 200 characters of the kind she writes (Swedish, with a few two-byte letters).
TEXT = ("Jag vet inte vad jag ska göra. Han blir arg när jag går ut och läser mina meddelanden. " * 3)[:200]

BENCH = """async ([messages, exchanges, text]) => {
  const D = FristadDelivery, I = D.internals, now = () => performance.now();
  const oneSide = [], bothSides = [], enc = [], dec = [], through = [];
  const other = await I.newPair();
  for (let i = 0; i < exchanges; i++) {
    let t = now();
    const mine = await I.newPair();
    await I.deriveKey(mine.priv, other.raw, mine.raw, other.raw);
    await I.securityCode(mine.raw, other.raw);
    oneSide.push(now() - t);
    t = now();
    const a = await I.newPair(), b = await I.newPair();
    await I.deriveKey(a.priv, b.raw, a.raw, b.raw);
    await I.deriveKey(b.priv, a.raw, a.raw, b.raw);
    await I.securityCode(a.raw, b.raw);
    await I.securityCode(a.raw, b.raw);
    bothSides.push(now() - t);
  }
  const a = await I.newPair(), b = await I.newPair();
  const ka = await I.deriveKey(a.priv, b.raw, a.raw, b.raw);
  const kb = await I.deriveKey(b.priv, a.raw, a.raw, b.raw);
  const bodies = [];
  for (let i = 1; i <= messages; i++) {
    const t = now();
    bodies.push(await I.seal(ka, I.aad("her", "bench", i), text));
    enc.push(now() - t);
  }
  for (let i = 1; i <= messages; i++) {
    const t = now();
    const out = await I.open(kb, I.aad("her", "bench", i), bodies[i - 1]);
    dec.push(now() - t);
    if (out !== text) { throw new Error("did not decrypt"); }
  }
  // Two Channels wired to each other, as her page and the console are through the relay.
  const sides = {};
  let delivered = null;
  const make = (side) => D.create({
    side,
    send: (frame) => sides[side === "her" ? "staff" : "her"].receive(JSON.parse(JSON.stringify(frame))),
    deliver: () => { if (delivered) { delivered(); } },
  });
  sides.her = make("her");
  sides.staff = make("staff");
  sides.her.resend();
  sides.staff.resend();
  await new Promise((r) => setTimeout(r, 50));
  for (let i = 0; i < messages; i++) {
    const t = now();
    await new Promise((resolve) => { delivered = resolve; sides.her.write(text, i); });
    through.push(now() - t);
  }
  return {oneSide, bothSides, enc, dec, through, isolated: self.crossOriginIsolated,
          bodyLength: bodies[0].length, userAgent: navigator.userAgent};
}"""


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body, kind = (
            (DELIVERY.read_bytes(), "text/javascript") if self.path == "/delivery.js" else (PAGE, "text/html")
        )
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        # Cross-origin isolated: performance.now() at 5 µs, not 100 µs.
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered), 4),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 4),
        "mean_ms": round(statistics.fmean(ordered), 4),
        "n": len(ordered),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--exchanges", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
            raw = page.evaluate(BENCH, [args.messages, args.exchanges, TEXT])
            browser.close()
    finally:
        server.shutdown()
    figures = {
        "browser": raw["userAgent"],
        "cross_origin_isolated": raw["isolated"],
        "message_characters": len(TEXT),
        "message_utf8_bytes": len(TEXT.encode()),
        "body_base64url_characters": raw["bodyLength"],
        "key_exchange_one_side": summary(raw["oneSide"]),
        "key_exchange_both_sides": summary(raw["bothSides"]),
        "encrypt": summary(raw["enc"]),
        "decrypt": summary(raw["dec"]),
        "write_to_deliver_through_two_channels": summary(raw["through"]),
    }
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    print(f"{figures['browser']} (cross-origin isolated: {figures['cross_origin_isolated']})")
    print(
        f"{len(TEXT)} characters ({figures['message_utf8_bytes']} bytes) -> "
        f"{figures['body_base64url_characters']} characters of body"
    )
    for name in (
        "key_exchange_one_side",
        "key_exchange_both_sides",
        "encrypt",
        "decrypt",
        "write_to_deliver_through_two_channels",
    ):
        s = figures[name]
        print(f"{name:40} median {s['median_ms']:.3f} ms   p99 {s['p99_ms']:.3f} ms   (n={s['n']})")


if __name__ == "__main__":
    main()
