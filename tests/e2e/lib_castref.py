"""Independent reference reader of asciicast v1/v2/v3 for the e2e tests.

Written with nothing but Python's json module (no code shared with
tracecast), so the tests compare tracecast against a second implementation.
Times are exact Decimals turned into integer microseconds.
"""
import gzip
import json
import os
import re
import subprocess
import sys
import zlib
from decimal import Decimal, ROUND_HALF_EVEN

SIZE_RE = re.compile(r"^([0-9]+)x([0-9]+)$")


def us(d):
    """Decimal seconds -> integer microseconds (nearest)."""
    return int((Decimal(d) * 1000000).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def valid_size(s):
    m = SIZE_RE.match(s)
    return bool(m) and all(1 <= int(g) <= 65535 for g in m.groups())


def raw_bytes(path, truncated_ok=False):
    """File bytes, gunzipped if gzip; a cut gzip stream gives what inflates."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        if truncated_ok:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            return d.decompress(raw)
        return gzip.decompress(raw)
    return raw


class Ref:
    """Parsed recording: version, header, events [(time_us, code, data)],
    errors [line numbers of malformed lines; 0 = unknown line],
    dropped [line numbers of nonsense resizes], cut (last line incomplete)."""

    def __init__(self, path, truncated_ok=False):
        self.path = path
        self.events, self.errors, self.dropped = [], [], []
        self.cut = False
        text = raw_bytes(path, truncated_ok).decode("utf-8", errors="strict" if not truncated_ok else "ignore")
        first = text.split("\n", 1)[0]
        try:
            hdr = json.loads(first)
        except ValueError:
            hdr = None
        if not isinstance(hdr, dict) or hdr.get("version") == 1:
            self._v1(text)
        else:
            self._lines(hdr, text)

    def _v1(self, text):
        obj = json.loads(text, parse_float=Decimal)
        self.version = 1
        self.header = {k: v for k, v in obj.items() if k != "stdout"}
        t = Decimal(0)
        for fr in obj["stdout"]:
            if not (isinstance(fr, list) and len(fr) == 2 and isinstance(fr[1], str)
                    and isinstance(fr[0], (int, Decimal)) and not isinstance(fr[0], bool)):
                self.errors.append(0)
                continue
            t += Decimal(fr[0])
            self.events.append((us(t), "o", fr[1]))

    def _lines(self, hdr, text):
        self.version = hdr["version"]
        self.header = json.loads(text.split("\n", 1)[0], parse_float=Decimal)
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        elif len(lines) > 1:
            self.cut = True  # no newline at the end: is the last line whole?
            try:
                json.loads(lines[-1])
                self.cut = False
            except ValueError:
                lines.pop()
        t = Decimal(0)
        for n, line in enumerate(lines[1:], start=2):
            if line.strip() == "" or (self.version == 3 and line.startswith("#")):
                continue
            try:
                ev = json.loads(line, parse_float=Decimal)
            except ValueError:
                self.errors.append(n)
                continue
            if not (isinstance(ev, list) and len(ev) == 3 and isinstance(ev[1], str)
                    and isinstance(ev[2], str) and isinstance(ev[0], (int, Decimal))
                    and not isinstance(ev[0], bool)):
                self.errors.append(n)
                continue
            t = t + Decimal(ev[0]) if self.version == 3 else Decimal(ev[0])
            if ev[1] == "r" and not valid_size(ev[2]):
                self.dropped.append(n)
                continue
            self.events.append((us(t), ev[1], ev[2]))

    def counts(self):
        c = {}
        for _, code, _ in self.events:
            c[code] = c.get(code, 0) + 1
        return c

    def output(self):
        return "".join(d for _, c, d in self.events if c == "o").encode("utf-8")


def corpus_files():
    corpus = os.environ.get("TC_CORPUS", "")
    names = sorted(n for n in os.listdir(corpus)
                   if n.endswith((".cast", ".json", ".gz")))
    return corpus, names


def negatives(corpus):
    """File names marked NEGATIVE in SOURCES.md."""
    neg = set()
    with open(os.path.join(corpus, "SOURCES.md"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("|") and "NEGATIVE" in line:
                m = re.search(r"`([^`]+\.(?:cast|json|gz))`", line)
                if m:
                    neg.add(m.group(1))
    return neg


def tracecast():
    t = os.environ.get("TRACECAST")
    if not t:
        sys.exit("TRACECAST not set (run through make check)")
    return t


def run(args, **kw):
    """Run args; a sanitizer report on stderr fails the test outright (an
    expected non-zero exit must not hide one)."""
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=kw.pop("timeout", 120), **kw)
    if b"Sanitizer" in p.stderr or b"runtime error:" in p.stderr:
        sys.exit(f"sanitizer report from {args}:\n{p.stderr.decode(errors='replace')}")
    return p


def skip(msg):
    print("skipped: " + msg, file=sys.stderr)
    sys.exit(77)
