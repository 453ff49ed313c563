"""Minimal asciicast reader for the golden-screen tools (independent of
tracecast's own reader, so the golden screens are a second opinion).

read_cast(path) -> (cols, rows, [(time, code, data), ...]) with absolute
times; v1 (one JSON object), v2, v3 (intervals summed), plain or gzip.
Malformed event lines are skipped, like `tracecast dump` does by default;
a resize whose size is not COLSxROWS with both >= 1 is dropped."""
import gzip
import json
import re


def _open_text(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8", errors="replace")


def parse_size(s):
    m = re.fullmatch(r"(\d+)x(\d+)", s) if isinstance(s, str) else None
    if not m:
        return None
    c, r = int(m.group(1)), int(m.group(2))
    if not (1 <= c <= 65535 and 1 <= r <= 65535):
        return None
    return c, r


def read_cast(path):
    text = _open_text(path)
    lines = text.split("\n")
    first = lines[0]
    try:
        hdr = json.loads(first)
        v1 = False
    except ValueError:
        hdr = json.loads(text)
        v1 = True
    if v1 or hdr.get("version") == 1:
        if not v1:
            hdr = json.loads(text)
        t = 0.0
        events = []
        for fr in hdr.get("stdout", []):
            if not isinstance(fr, list) or len(fr) != 2 or not isinstance(fr[1], str):
                continue
            d, data = fr
            t += d
            events.append((t, "o", data))
        return hdr.get("width", 80), hdr.get("height", 24), events
    version = hdr.get("version")
    if version == 3:
        cols = hdr.get("term", {}).get("cols", 80)
        rows = hdr.get("term", {}).get("rows", 24)
    else:
        cols = hdr.get("width", 80)
        rows = hdr.get("height", 24)
    events = []
    t = 0.0
    for line in lines[1:]:
        s = line.strip()
        if not s or (version == 3 and s.startswith("#")):
            continue
        try:
            ev = json.loads(s)
        except ValueError:
            continue
        if not isinstance(ev, list) or len(ev) != 3 or not isinstance(ev[1], str) \
                or not isinstance(ev[2], str) or not isinstance(ev[0], (int, float)):
            continue
        if version == 3:
            t += ev[0]
        else:
            t = ev[0]
        events.append((t, ev[1], ev[2]))
    return cols, rows, events
