// tracecast's HTML viewer: the page `tracecast export FILE --format html`
// writes. It inflates the two embedded blobs (gzip + base64), plays the
// terminal events in asciinema-player and keeps the panels (syscalls,
// CPU/RSS per process, flame graph, markers) synced to the player's clock.
//
// Everything recorded is data: it reaches the DOM through textContent,
// option text and attribute values only, never as markup.
//
// window.tracecast (times in seconds of the recording, as `tracecast dump
// --at` takes them):
//   ready                      a Promise, resolved once the page is playable
//   seek(t)                    a Promise, resolved once the screen shows t
//   currentTime()              the playhead
//   duration()                 the recording's length
//   screenText()               the terminal as `tracecast dump --at T`
//                              prints it (rows, trailing spaces cut, "\n"
//                              after each)
//   syscallRows(opts)          the syscall rows `tracecast dump --overlay`
//                              shows at the playhead, oldest first;
//                              opts: {limit: rows (default 20), filter:
//                              as `dump --filter` (name=N pid=N failed
//                              slow>D, then a regex), errorsOnly: bool}
//   statsRows(opts)            the stats table's rows, as the "syscalls" of
//                              `tracecast stats --json` (syscall, calls,
//                              errors, seconds, usecs_per_call, max_usecs,
//                              percent), sorted as --sort sorts (opts.sort:
//                              time (default), calls, errors, name). The
//                              window: the table's own (no opts), or
//                              {window: 'all'} the exported range (equals
//                              `tracecast stats --json` with the export's
//                              options),
//                              {from: s, to: s} the calls whose line's time
//                              is in [from, to] (= stats --from --to),
//                              {markers: [A, B]} between the first marker A
//                              and the first B after it (= stats
//                              --between-markers A B)
//   procRows()                 the CPU/RSS strip's rows as drawn at the
//                              playhead: {pid, comm, cpu (percent), rss_kb,
//                              text} of the latest proc sample at or
//                              before it (cpu and rss_kb null before the
//                              first: text '-')
//   flameStacks()              the flame graph drawn (its own window
//                              control), as `tracecast export --format
//                              folded` lines: {"frame;..;leaf": samples};
//                              on-CPU samples, lost ones as "[lost]"
(function () {
  'use strict';

  const SYS_MAX_SCAN = 200000; // as overlay_syscalls.c
  const SYS_FLY_SCAN = 4096, SYS_FLY_MAX_NS = 3600e9;
  const F_ERROR = 1, F_UNFINISHED = 2, F_RESUMED = 4, F_NOTCALL = 8, F_ATTACHED = 16;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  async function inflate(id) {
    const b64 = document.getElementById(id).textContent;
    let bytes;
    if (typeof Uint8Array.fromBase64 === 'function') {
      bytes = Uint8Array.fromBase64(b64);
    } else {
      const bin = atob(b64);
      bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    }
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return await new Response(stream).text();
  }

  // printf("%.3f", x) (glibc rounds an exact tie to even; toFixed up)
  function f3(x) {
    const neg = x < 0;
    const a = Math.abs(x);
    let s = a.toFixed(3);
    const y = a * 2000;
    if (Number.isInteger(a * 16) && Number.isInteger(y) && y % 2 === 1) {
      const lo = Math.floor(a * 1000);
      s = ((lo % 2 === 0 ? lo : lo + 1) / 1000).toFixed(3);
    }
    return (neg ? '-' : '') + s;
  }
  function f3signed(x) {
    const s = f3(x);
    return (s[0] === '-' ? s : '+' + s).padStart(8, ' ');
  }

  // dump's time parsing: int64 ns = v * 1e9 + 0.5, truncated
  function toNs(seconds) {
    return Math.floor(seconds * 1e9 + 0.5);
  }

  // The last index i of a sorted array with a[i] <= v, or -1.
  function lastLe(a, n, v) {
    let lo = 0, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid] <= v) lo = mid + 1; else hi = mid;
    }
    return lo - 1;
  }

  // The last index i of a sorted array with a[i] < v, or -1.
  function lastLt(a, n, v) {
    let lo = 0, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid] < v) lo = mid + 1; else hi = mid;
    }
    return lo - 1;
  }

  // Display width of one code point (wcwidth, close enough for a screen).
  const reZero = /^[\p{Mn}\p{Me}\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]$/u;
  function cpWidth(ch) {
    const cp = ch.codePointAt(0);
    if (cp < 0x300) return 1;
    if (reZero.test(ch)) return 0;
    if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
        (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
        (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
        (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
        (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd)) return 2;
    return 1;
  }

  // ---- data --------------------------------------------------------------

  function decodeSys(s) {
    const n = s.n;
    const tNs = new Float64Array(n), dur = new Float64Array(n);
    const pair = new Int32Array(n), tid = s.tid, flags = new Uint8Array(n);
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += s.t[i];
      tNs[i] = acc * 1000;
      pair[i] = s.p[i] ? i + s.p[i] : -1;
      flags[i] = s.f[i];
      dur[i] = s.d[i];
    }
    return { n, tNs, dur, pair, tid, flags, x: s.x, c: s.c, r: s.r };
  }

  function sysBody(S, i) {
    return S.x[i].replace(/^[0-9]*[ ]*/, '');
  }
  function sysCall(S, i) {
    const c = S.c[i];
    return typeof c === 'number' ? sysBody(S, i).slice(0, c) : c;
  }
  function sysResult(S, i) {
    const r = S.r[i];
    if (typeof r !== 'number') return r;
    const c = S.c[i];
    return sysBody(S, i).substr(c + 1, r);
  }

  // One row as overlay_syscalls_draw writes it (untruncated); start: when
  // a call in flight by its span started (sysSelect), else null.
  function sysRowText(S, i, Tns, start) {
    let res;
    const when = start !== null ? start : S.tNs[i];
    if ((S.flags[i] & F_UNFINISHED) || start !== null) res = 'in flight ' + f3((Tns - when) / 1e9) + 's';
    else res = sysResult(S, i);
    const head = f3signed((when - Tns) / 1e9) + ' ' + String(S.tid[i]).padEnd(6, ' ') + ' ';
    return (head + sysCall(S, i) + (res ? ' ' + res : '')).replace(/ +$/, '');
  }

  // A syscall filter in the grammar of `tracecast dump --filter` and
  // `play --filter` (player/sys_filter.h): terms separated by spaces, all
  // of which must hold (name=N,.. tid=N,.. pid=N,.. failed slow>D), then
  // a regular expression over the line without its "TID " prefix (a
  // resumed call also matches on its unfinished half). null: all lines.
  // Throws an Error saying why on a bad term; a bad expression is an
  // error when strict, else matched as plain text.
  function sysFilter(src, strict) {
    let p = String(src || '').replace(/^ +/, '');
    if (!p) return null;
    const f = { names: null, tids: null, failed: false, slow: 0, re: null };
    const list = (key, v, names) => {
      if (!v) throw new Error(key + '=: expected ' + (names ? 'a syscall name' : 'a number'));
      return v.split(',').map((x) => {
        if (!x) throw new Error(key + '=' + v + ': empty item');
        if (names ? !/^[a-z0-9_]+$/.test(x) : !/^[0-9]+$/.test(x) || +x <= 0)
          throw new Error(key + '=' + v + ": '" + x + "' is not a " + (names ? 'syscall name' : 'thread id'));
        return names ? x : +x;
      });
    };
    for (;;) {
      p = p.replace(/^ +/, '');
      const tok = p.split(' ', 1)[0];
      if (!tok) break;
      let m;
      if (tok.startsWith('name=')) f.names = (f.names || []).concat(list('name', tok.slice(5), true));
      else if (/^[tp]id=/.test(tok)) f.tids = (f.tids || []).concat(list(tok.slice(0, 3), tok.slice(4), false));
      else if (tok === 'failed') f.failed = true;
      else if (tok.startsWith('slow>')) {
        m = /^slow>=?((?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(ns|us|ms|s|)$/.exec(tok);
        if (!m) throw new Error(tok + ': expected a duration (slow>10ms, slow>1.5s)');
        f.slow = Math.floor(+m[1] * { ns: 1, us: 1e3, ms: 1e6, s: 1e9, '': 1e6 }[m[2]] + 0.5);
      } else break; // the rest is the expression
      p = p.slice(tok.length);
    }
    if (p) f.re = strict ? new RegExp(p) : userRegExp(p);
    return f;
  }

  // The syscall's name of a line ("read(..." or "<... read resumed>"), or ''.
  function sysName(S, i) {
    const m = /^(?:([a-z0-9_]+)\(|<\.\.\. ([a-z0-9_]+) resumed>)/.exec(sysBody(S, i));
    return m ? m[1] || m[2] : '';
  }

  function sysWanted(S, i, f, errorsOnly) {
    if (errorsOnly && !(S.flags[i] & F_ERROR)) return false;
    if (!f) return true;
    const fl = S.flags[i], p = S.pair[i];
    if (f.failed && !(fl & F_ERROR)) return false;
    if (f.names && !f.names.includes(sysName(S, i))) return false;
    if (f.slow) {
      let d = S.dur[i] >= 0 ? S.dur[i] * 1000 : -1;
      if (d < 0 && (fl & F_RESUMED) && p >= 0) d = S.tNs[i] - S.tNs[p];
      if (d < f.slow) return false;
    }
    if (f.tids) {
      const at = (fl & F_ATTACHED) ? /^@(\d+)/.exec(S.x[i]) : null;
      if (!f.tids.some((t) => t === S.tid[i] || (at && t === +at[1]))) return false;
    }
    if (f.re && !f.re.test(sysBody(S, i)) && !((fl & F_RESUMED) && p >= 0 && f.re.test(sysBody(S, p))))
      return false;
    return true;
  }
  function sysShown(S, i, Tns) {
    if (S.flags[i] & F_UNFINISHED) {
      const p = S.pair[i];
      if (p >= 0 && S.tNs[p] <= Tns) return false;
    }
    return true;
  }

  // The rows the panel of `dump --overlay` shows at Tns, oldest first:
  // [i, start] pairs, start the time a row of a call in flight at Tns
  // started (the call's span, s_time "end"), else null. As
  // overlay_syscalls_draw: with end-stamped lines, first the calls later
  // than Tns whose span starts at or before it (at most half the rows, the
  // latest started at the bottom), then the lines up to Tns above them.
  function sysSelect(S, Tns, limit, f, errorsOnly, sEnd) {
    const upto = lastLe(S.tNs, S.n, Tns) + 1;
    const fly = [];
    if (sEnd) {
      for (let i = upto; i < S.n && i < upto + SYS_FLY_SCAN && fly.length < Math.floor(limit / 2); i++) {
        if (S.tNs[i] - Tns > SYS_FLY_MAX_NS) break;
        const start = S.dur[i] >= 0 ? S.tNs[i] - S.dur[i] * 1000 : S.tNs[i];
        if (start > Tns || (S.flags[i] & (F_UNFINISHED | F_RESUMED | F_NOTCALL))) continue;
        if (!sysWanted(S, i, f, errorsOnly)) continue;
        fly.push([i, start]);
      }
      fly.sort((x, y) => x[1] - y[1]);
    }
    const idx = [];
    let scanned = 0;
    for (let i = upto; i-- > 0 && idx.length + fly.length < limit && scanned < SYS_MAX_SCAN; scanned++) {
      if (!sysWanted(S, i, f, errorsOnly)) continue;
      if (!sysShown(S, i, Tns)) continue;
      idx.push([i, null]);
    }
    return idx.reverse().concat(fly);
  }

  // A call's span in ns: [start, end) (s_time "end": stamped at its end).
  function sysSpan(S, i, sEnd) {
    const d = S.dur[i] >= 0 ? S.dur[i] * 1000 : 0;
    const p = S.pair[i];
    if (S.flags[i] & F_UNFINISHED) return [S.tNs[i], p >= 0 ? S.tNs[p] : Infinity];
    if ((S.flags[i] & F_RESUMED) && p >= 0) return [S.tNs[p], S.tNs[i]];
    return sEnd ? [S.tNs[i] - d, S.tNs[i]] : [S.tNs[i], S.tNs[i] + d];
  }

  // ---- time: the recording's clock <-> the player's (idle limit) ---------

  function makeClock(events, t0us, idleLimit) {
    const n = events.length;
    const recUs = new Float64Array(n), playMs = new Float64Array(n);
    const limitMs = idleLimit !== undefined && idleLimit !== null ? idleLimit * 1000 : Infinity;
    let prev = 0, shift = 0;
    for (let i = 0; i < n; i++) {
      const ms = events[i][0] * 1000; // what the player computes
      recUs[i] = Math.round(events[i][0] * 1e6) + t0us;
      const delta = ms - prev - limitMs;
      prev = ms;
      if (delta > 0) shift += delta;
      playMs[i] = ms - shift;
    }
    return {
      n, recUs, playMs, limitMs, t0us,
      // recording ns -> player seconds (a time the player's seek lands
      // on with exactly the events at or before it applied)
      toPlay(Tns) {
        const Tus = Math.floor(Tns / 1000);
        const k = lastLe(recUs, n, Tus);
        let p;
        if (k < 0) p = Math.min((Tus - t0us) / 1000, limitMs);
        else p = playMs[k] + Math.min((Tus - recUs[k]) / 1000, limitMs);
        if (p < 0) p = 0;
        const next = k + 1 < n ? playMs[k + 1] : Infinity;
        if (p >= next) p = k >= 0 ? (playMs[k] + next) / 2 : next / 2;
        let where = p / 1000;
        if (k >= 0) {
          let guard = 0;
          while (where * 1000 < playMs[k] && guard++ < 8) where += Math.max(where, 1) * 2.3e-16;
        }
        return where;
      },
      // player seconds -> recording ns
      toRec(ps) {
        const ms = ps * 1000;
        const k = lastLe(playMs, n, ms);
        if (k < 0) return (t0us + ms * 1000) * 1000;
        let us = recUs[k] + (ms - playMs[k]) * 1000;
        if (k + 1 < n && us > recUs[k + 1]) us = recUs[k + 1];
        return us * 1000;
      },
    };
  }

  // ---- the screen, read back from the player's DOM -----------------------

  function readScreen(root) {
    const text = root.querySelector('pre.ap-term-text');
    if (!text) return '';
    const symRows = root.querySelectorAll('.ap-symbol-line');
    const out = [];
    const lines = text.children;
    for (let r = 0; r < lines.length; r++) {
      const cells = [];
      for (const span of lines[r].children) {
        let col = parseInt(span.style.getPropertyValue('--offset'), 10) || 0;
        for (const ch of span.textContent) {
          const w = cpWidth(ch);
          if (w === 0) {
            if (col > 0 && cells[col - 1] !== undefined) cells[col - 1] += ch;
            continue;
          }
          cells[col] = ch;
          if (w === 2) cells[col + 1] = '';
          col += w;
        }
      }
      const sym = symRows[r];
      if (sym) {
        for (const use of sym.children) {
          const href = use.getAttribute('href') || '';
          const m = /^#sym-(\d+)$/.exec(href);
          if (!m) continue;
          const col = Math.round(parseFloat(use.getAttribute('x')) || 0);
          cells[col] = String.fromCodePoint(parseInt(m[1], 10));
        }
      }
      let s = '';
      for (let c = 0; c < cells.length; c++) s += cells[c] === undefined ? ' ' : cells[c];
      out.push(s.replace(/ +$/, '') + '\n');
    }
    return out.join('');
  }

  // ---- the page ----------------------------------------------------------

  function fmtTime(ns) {
    const s = Math.max(0, ns / 1e9);
    const m = Math.floor(s / 60);
    return m + ':' + (s - m * 60).toFixed(3).padStart(6, '0');
  }

  function userRegExp(src) {
    if (!src) return null;
    try {
      return new RegExp(src);
    } catch (e) {
      return new RegExp(src.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    }
  }

  function buildLayout(D) {
    const root = el('div', 'tc-root');
    const head = el('header', 'tc-head');
    head.append(el('span', 'tc-brand', 'tracecast'),
      el('span', 'tc-title', D.title !== null ? D.title : '(untitled recording)'));
    if (D.command !== null) head.append(el('code', 'tc-command', D.command));
    const about = el('details', 'tc-about');
    about.append(el('summary', null, 'about'));
    about.append(el('p', null, 'Made by tracecast export --format html. The terminal plays in ' +
      'asciinema-player (Apache License 2.0; its notice is in this page\'s source, in the ' +
      'element with id tc-player-license). Keys in the player: space pauses, [ and ] jump ' +
      'between markers, . steps a frame.'));
    head.append(about);
    root.append(head);

    const main = el('div', 'tc-main');
    const left = el('div', 'tc-left');
    const playerBox = el('div', 'tc-player');
    const clock = el('div', 'tc-clock', '0:00.000');
    const markers = el('div', 'tc-markers');
    const procs = el('section', 'tc-procs');
    procs.append(el('h2', null, 'CPU / RSS per process'));
    const flame = el('section', 'tc-flame');
    flame.append(el('h2', null, 'Flame graph (stack samples: python, perf)'));
    const stats = el('section', 'tc-stats');
    stats.append(el('h2', null, 'Syscall statistics (as strace -c -w, tracecast stats)'));
    left.append(playerBox, clock, markers, procs, flame, stats);

    const right = el('section', 'tc-sys');
    right.append(el('h2', null, 'Syscalls'));
    main.append(left, right);
    root.append(main);
    document.body.append(root);
    return { root, playerBox, clock, markers, procs, flame, stats, sys: right };
  }

  function buildMarkers(box, D, api) {
    if (!D.markers.length) {
      box.append(el('span', 'tc-none', 'no markers'));
      return;
    }
    for (const [tus, label] of D.markers) {
      const b = el('button', 'tc-marker');
      b.type = 'button';
      b.append(el('span', 'tc-marker-time', fmtTime(tus * 1000)), el('span', 'tc-marker-label', label));
      b.addEventListener('click', () => api.seek(tus / 1e6));
      box.append(b);
    }
  }

  // The syscall panel: a virtual list over the filtered lines, the
  // playhead's line kept in view, and the calls in flight as spans.
  function buildSys(box, S, sEnd, api) {
    const ROW = 18;
    const bar = el('div', 'tc-sys-bar');
    const input = el('input', 'tc-sys-filter');
    input.type = 'search';
    input.placeholder = 'filter: name=N pid=N failed slow>10ms, then a regex';
    const HELP = 'as tracecast dump --filter: name=read,write pid=42 failed slow>10ms, ' +
      'then a regular expression over the call';
    input.title = HELP;
    const errs = el('label', 'tc-sys-errs');
    const cb = el('input');
    cb.type = 'checkbox';
    errs.append(cb, document.createTextNode(' failed only'));
    const count = el('span', 'tc-sys-count');
    bar.append(input, errs, count);
    const list = el('div', 'tc-sys-list');
    const spacer = el('div', 'tc-sys-spacer');
    const rows = el('div', 'tc-sys-rows');
    list.append(spacer, rows);
    const fly = el('div', 'tc-sys-fly');
    box.append(bar, list, el('h3', null, 'in flight at the playhead'), fly);
    if (!S.n) {
      count.textContent = 'no syscalls in this recording (record with --strace)';
      return { update() {} };
    }

    let filtered = null; // Int32Array of line indices (unfinished halves with a pair left out)
    let filteredT = null;
    let follow = true, Tns = 0, lastUpto = -1;
    let flt = null; // the filter applied (a bad one keeps the previous)
    let spanA = null, spanB = null; // the calls' spans (below)
    function refilter() {
      try {
        flt = sysFilter(input.value, false);
        input.classList.remove('tc-bad');
        input.title = HELP;
      } catch (e) {
        input.classList.add('tc-bad');
        input.title = e.message;
      }
      const errorsOnly = cb.checked;
      const idx = new Int32Array(S.n);
      let k = 0;
      for (let i = 0; i < S.n; i++) {
        if ((S.flags[i] & F_UNFINISHED) && S.pair[i] >= 0) continue;
        if (sysWanted(S, i, flt, errorsOnly)) idx[k++] = i;
      }
      filtered = idx.subarray(0, k);
      filteredT = new Float64Array(k);
      for (let j = 0; j < k; j++) filteredT[j] = S.tNs[filtered[j]];
      spacer.style.height = (k * ROW) + 'px';
      lastUpto = -1;
      follow = true;
      render(true);
      if (spanA) renderFly();
    }
    function render(force) {
      const upto = lastLe(filteredT, filtered.length, Tns) + 1;
      count.textContent = upto + ' / ' + filtered.length + ' lines up to the playhead';
      if (follow && (upto !== lastUpto || force)) {
        const top = Math.max(0, upto * ROW - list.clientHeight);
        if (Math.abs(list.scrollTop - top) > 1) {
          list.scrollTop = top;
          programmatic = true;
        }
      }
      lastUpto = upto;
      const first = Math.max(0, Math.floor(list.scrollTop / ROW) - 5);
      const last = Math.min(filtered.length, first + Math.ceil(list.clientHeight / ROW) + 10);
      rows.style.transform = 'translateY(' + (first * ROW) + 'px)';
      const frag = document.createDocumentFragment();
      for (let j = first; j < last; j++) {
        const i = filtered[j];
        const row = el('div', 'tc-sys-row');
        if (S.flags[i] & F_ERROR) row.classList.add('tc-err');
        if (j >= upto) row.classList.add('tc-future');
        const d = S.dur[i];
        row.append(el('span', 'tc-sys-t', fmtTime(S.tNs[i])),
          el('span', 'tc-sys-tid', String(S.tid[i])),
          el('span', 'tc-sys-call', sysCall(S, i)),
          el('span', 'tc-sys-res', (S.flags[i] & F_UNFINISHED) ? 'unfinished' : sysResult(S, i)),
          el('span', 'tc-sys-dur', d >= 0 ? (d / 1000).toFixed(3) + ' ms' : ''));
        row.title = S.x[i];
        row.addEventListener('click', () => api.seek(S.tNs[i] / 1e9));
        frag.append(row);
      }
      rows.replaceChildren(frag);
    }
    let programmatic = false;
    list.addEventListener('scroll', () => {
      if (programmatic) {
        programmatic = false;
      } else {
        const upto = lastLe(filteredT, filtered.length, Tns) + 1;
        const bottom = list.scrollTop + list.clientHeight;
        follow = bottom >= upto * ROW - ROW;
      }
      render(false);
    });
    input.addEventListener('input', refilter);
    cb.addEventListener('change', refilter);

    // the spans, once: [spanA[i], spanB[i]) (NaN: not a call with a span)
    spanA = new Float64Array(S.n);
    spanB = new Float64Array(S.n);
    for (let i = 0; i < S.n; i++) {
      const f = S.flags[i];
      if (((f & F_UNFINISHED) === 0 && (f & F_RESUMED) === 0 && S.dur[i] < 0) ||
          ((f & F_RESUMED) && S.pair[i] >= 0)) { // its unfinished half stands for it
        spanA[i] = spanB[i] = NaN;
        continue;
      }
      [spanA[i], spanB[i]] = sysSpan(S, i, sEnd);
    }
    function renderFly() {
      // calls whose span holds the playhead, oldest first (those the
      // filter shows, as dump --overlay --filter)
      const live = [];
      for (let i = 0; i < S.n && live.length < 2000; i++)
        if (spanA[i] <= Tns && Tns < spanB[i] && sysWanted(S, i, flt, cb.checked)) live.push([i, spanA[i], spanB[i]]);
      live.sort((x, y) => x[1] - y[1]);
      const frag = document.createDocumentFragment();
      if (!live.length) frag.append(el('div', 'tc-none', 'none'));
      for (const [i, a, b] of live.slice(0, 50)) {
        const row = el('div', 'tc-fly-row');
        const total = b === Infinity ? Tns - a : b - a;
        const span = el('div', 'tc-fly-span');
        const fill = el('div', 'tc-fly-fill');
        fill.style.width = (total > 0 ? Math.min(100, 100 * (Tns - a) / total) : 100) + '%';
        span.append(fill);
        row.append(span, el('span', 'tc-sys-t', fmtTime(a)), el('span', 'tc-sys-tid', String(S.tid[i])),
          el('span', 'tc-sys-call', sysCall(S, i)),
          el('span', 'tc-sys-dur', ((Tns - a) / 1e9).toFixed(3) + ' s of ' +
            (b === Infinity ? '?' : ((b - a) / 1e9).toFixed(3) + ' s')));
        row.title = S.x[i];
        frag.append(row);
      }
      fly.replaceChildren(frag);
    }
    refilter();
    let lastFly = 0;
    return {
      update(t, force) {
        Tns = t;
        render(false);
        const now = performance.now();
        if (force || now - lastFly > 200) {
          lastFly = now;
          renderFly();
        }
      },
    };
  }

  // CPU/RSS sparklines per process (the busiest 8), with the playhead.
  function buildProcs(box, D, api, endNs) {
    const procs = D.procs.map((p) => {
      const n = p.t.length, t = new Float64Array(n);
      let acc = 0, maxCpu = 0, maxRss = 0;
      for (let i = 0; i < n; i++) {
        acc += p.t[i];
        t[i] = acc * 1000;
        maxCpu = Math.max(maxCpu, p.cpu[i]);
        maxRss = Math.max(maxRss, p.rss[i]);
      }
      return { pid: p.pid, comm: p.comm, t, cpu: p.cpu, rss: p.rss, maxCpu, maxRss };
    });
    if (!procs.length) {
      box.append(el('div', 'tc-none', 'no /proc samples (record with --profile=proc)'));
      return { update() {}, rows: () => [] };
    }
    procs.sort((a, b) => b.maxCpu - a.maxCpu || b.maxRss - a.maxRss);
    const shown = procs.slice(0, 8);
    const startNs = D.t0 * 1000;
    const span = Math.max(1, endNs - startNs);
    const items = shown.map((p) => {
      const row = el('div', 'tc-proc');
      const label = el('div', 'tc-proc-label');
      label.append(el('span', 'tc-proc-pid', String(p.pid)), el('span', 'tc-proc-comm', p.comm));
      const val = el('div', 'tc-proc-val');
      const cv = el('canvas', 'tc-proc-canvas');
      cv.width = 600;
      cv.height = 40;
      cv.addEventListener('click', (e) => {
        const r = cv.getBoundingClientRect();
        api.seek((startNs + span * (e.clientX - r.left) / r.width) / 1e9);
      });
      row.append(label, cv, val);
      box.append(row);
      return { p, cv, val };
    });
    if (procs.length > shown.length)
      box.append(el('div', 'tc-none', (procs.length - shown.length) + ' more processes not shown'));
    function draw(it, Tns) {
      const { p, cv } = it;
      const g = cv.getContext('2d');
      const W = cv.width, H = cv.height;
      g.clearRect(0, 0, W, H);
      const x = (tn) => (tn - startNs) / span * W;
      const cpuMax = Math.max(100, p.maxCpu);
      g.strokeStyle = '#e0a030';
      g.beginPath();
      for (let i = 0; i < p.t.length; i++) {
        const y = H - 2 - (H - 4) * p.rss[i] / Math.max(1, p.maxRss);
        if (i) g.lineTo(x(p.t[i]), y); else g.moveTo(x(p.t[i]), y);
      }
      g.stroke();
      g.strokeStyle = '#40a0e0';
      g.beginPath();
      for (let i = 0; i < p.t.length; i++) {
        const y = H - 2 - (H - 4) * p.cpu[i] / cpuMax;
        if (i) g.lineTo(x(p.t[i]), y); else g.moveTo(x(p.t[i]), y);
      }
      g.stroke();
      g.fillStyle = '#d03030';
      g.fillRect(Math.round(x(Tns)), 0, 1, H);
    }
    let last = 0;
    return {
      update(Tns, force) {
        const now = performance.now();
        if (!force && now - last < 100) return;
        last = now;
        for (const it of items) {
          draw(it, Tns);
          const k = lastLe(it.p.t, it.p.t.length, Tns);
          it.k = k;
          it.val.textContent = k < 0 ? '-' : 'cpu ' + it.p.cpu[k].toFixed(0) + '%  rss ' +
            (it.p.rss[k] / 1024).toFixed(1) + ' MB';
        }
      },
      // the strip's rows as drawn: the sample each shows and its text
      rows: () => items.map((it) => ({
        pid: it.p.pid, comm: it.p.comm, cpu: it.k >= 0 ? it.p.cpu[it.k] : null,
        rss_kb: it.k >= 0 ? it.p.rss[it.k] : null, text: it.val.textContent,
      })),
    };
  }

  // The window a panel looks at (the flame graph, the stats table): the
  // last N seconds before the playhead, between two markers, or the whole
  // recording. range(Tns) gives {mode, a, b} (ns, both ends in) and between
  // markers ia <= ib, the markers' indices.
  function buildWindowCtl(D, defMode, label) {
    const box = el('span', 'tc-win');
    const mode = el('select', 'tc-win-mode');
    for (const [v, txt] of [['win', 'the last seconds before the playhead'], ['marks', 'between two markers'], ['all', 'the whole recording']]) {
      const o = el('option', null, txt);
      o.value = v;
      mode.append(o);
    }
    mode.value = defMode;
    const win = el('input', 'tc-win-secs');
    win.type = 'number';
    win.min = '0.1';
    win.step = '0.5';
    win.value = '10';
    const ma = el('select', 'tc-win-a'), mb = el('select', 'tc-win-b');
    D.markers.forEach(([tus, label], i) => {
      const a = el('option', null, fmtTime(tus * 1000) + ' ' + label);
      a.value = String(i);
      ma.append(a);
      mb.append(a.cloneNode(true));
    });
    if (D.markers.length > 1) mb.value = String(D.markers.length - 1);
    box.append(el('span', null, label), mode, win, el('span', null, ' s '), ma, mb);
    return {
      box,
      onChange(fn) {
        for (const e of [mode, win, ma, mb]) e.addEventListener('change', fn);
      },
      range(Tns) {
        if (mode.value === 'all') return { mode: 'all', a: -Infinity, b: Infinity };
        if (mode.value === 'marks' && D.markers.length) {
          const ia = Math.min(+ma.value, +mb.value), ib = Math.max(+ma.value, +mb.value);
          return { mode: 'marks', a: D.markers[ia][0] * 1000, b: D.markers[ib][0] * 1000, ia, ib };
        }
        return { mode: 'win', a: Tns - Math.max(0.1, +win.value || 10) * 1e9, b: Tns };
      },
    };
  }

  // The update() of a panel drawn for a window (buildWindowCtl): render(Tns)
  // at most every 500 ms while playing, at once when forced or when the
  // window control changes (reset() first forgets what was drawn); at()
  // the last playhead.
  function windowUpdater(wc, render, reset) {
    let cur = 0, last = 0;
    wc.onChange(() => { reset(); render(cur); });
    return {
      at: () => cur,
      update(Tns, force) {
        cur = Tns;
        const now = performance.now();
        if (!force && now - last < 500) return;
        last = now;
        render(Tns);
      },
    };
  }

  // ---- the stats table: `tracecast stats` (strace -c -w) -----------------

  // strcmp() of the names' UTF-8 (code point order), for ties.
  function cmpName(x, y) {
    if (x === y) return 0;
    const a = Array.from(x, (c) => c.codePointAt(0)), b = Array.from(y, (c) => c.codePointAt(0));
    for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }
  const STATS_SORT = {
    time: (p, q) => q.seconds - p.seconds,
    calls: (p, q) => q.calls - p.calls,
    errors: (p, q) => q.errors - p.errors,
    name: () => 0,
  };
  // The table sorted as `tracecast stats --sort key` sorts it (a copy).
  function statsSorted(t, key) {
    const by = STATS_SORT[key] || STATS_SORT.time;
    const rows = t.syscalls.slice().sort((p, q) => by(p, q) || cmpName(p.syscall, q.syscall));
    return { calls: t.calls, errors: t.errors, seconds: t.seconds, syscalls: rows };
  }

  // A call's duration in ns: the "<SECS.FRACTION>" its text ends with
  // (D.stats.dx holds the lines where the exporter's parser reads
  // otherwise).
  const reDur = /^(\d+)\.(\d+)$/;
  function statsDur(K, S, i) {
    if (!K.dxMap) K.dxMap = new Map(K.dx);
    const x = K.dxMap.get(i);
    if (x !== undefined) return x;
    const s = S.x[i];
    let e = s.length;
    while (e > 0 && (s[e - 1] === ' ' || s[e - 1] === '\t')) e--;
    const lt = e < 2 || s[e - 1] !== '>' ? -1 : s.lastIndexOf('<', e - 2);
    if (lt < 0) return 0;
    const m = reDur.exec(s.slice(lt + 1, e - 1));
    return m ? Number(m[1]) * 1e9 + Number((m[2] + '00000000').slice(0, 9)) : 0;
  }

  // The table of the syscall lines [lo, hi), counted as stats.c counts
  // (D.stats.k: which lines are calls, their name and error; export_html).
  function statsCount(K, S, lo, hi) {
    const acc = new Map();
    let calls = 0, errors = 0, total = 0;
    for (let i = Math.max(0, lo); i < hi && i < S.n; i++) {
      const k = K.k[i];
      if (k < 0) continue;
      const name = K.names[k >> 1];
      const d = statsDur(K, S, i);
      let r = acc.get(name);
      if (!r) acc.set(name, (r = { calls: 0, errors: 0, ns: 0, max: 0 }));
      r.calls++;
      r.ns += d;
      if (d > r.max) r.max = d;
      calls++;
      total += d;
      if (k & 1) {
        r.errors++;
        errors++;
      }
    }
    const syscalls = [];
    for (const [name, r] of acc) {
      syscalls.push({
        syscall: name, calls: r.calls, errors: r.errors, seconds: r.ns / 1e9,
        usecs_per_call: Math.floor(Math.floor(r.ns / 1000) / r.calls),
        max_usecs: Math.floor(r.max / 1000), percent: total > 0 ? 100 * r.ns / total : 0,
      });
    }
    return { calls, errors, seconds: total / 1e9, syscalls };
  }

  // The table of a window (buildWindowCtl's range): the whole export is
  // the lines `tracecast stats` with the export's options counts (the
  // exporter says which), between markers the lines after the first marker
  // and before the second in the file, else the lines whose time is in
  // [a, b].
  function statsOf(D, S, r, sort) {
    let t;
    if (r.mode === 'all') t = statsCount(D.stats, S, D.stats.lo, D.stats.hi);
    else if (r.mode === 'marks') t = statsCount(D.stats, S, D.markers[r.ia][2], D.markers[r.ib][2]);
    else t = statsCount(D.stats, S, lastLt(S.tNs, S.n, r.a) + 1, lastLe(S.tNs, S.n, r.b) + 1);
    return statsSorted(t, sort);
  }

  // The section: the window control, the table (click a heading to sort).
  function buildStats(box, D, S) {
    if (!S.n) {
      box.append(el('div', 'tc-none', 'no syscalls in this recording (record with --strace)'));
      return { update() {}, current: () => ({ mode: 'all' }), sort: () => 'time' };
    }
    const wc = buildWindowCtl(D, 'all', 'calls in ');
    const info = el('span', 'tc-stats-info');
    const ctl = el('div', 'tc-stats-ctl');
    ctl.append(wc.box, info);
    const table = el('table', 'tc-stats-table');
    const head = el('tr'), body = el('tbody'), foot = el('tfoot');
    let sort = 'time', lastKey = '', up = null;
    const cols = [['% time', 'time'], ['seconds', 'time'], ['usecs/call', null], ['max usecs', null],
      ['calls', 'calls'], ['errors', 'errors'], ['syscall', 'name']];
    const ths = cols.map(([txt, key]) => {
      const th = el('th', null, txt);
      if (key) {
        th.classList.add('tc-sortable');
        th.title = 'sort by ' + key;
        th.addEventListener('click', () => { sort = key; lastKey = ''; render(up.at()); });
      }
      head.append(th);
      return [th, key];
    });
    const thead = el('thead');
    thead.append(head);
    table.append(thead, body, foot);
    box.append(ctl, table);
    function row(r, cls) {
      const tr = el('tr', cls);
      if (r.errors) tr.classList.add('tc-err');
      tr.append(el('td', null, r.percent.toFixed(2)), el('td', null, r.seconds.toFixed(6)),
        el('td', null, String(r.usecs_per_call)), el('td', null, String(r.max_usecs)),
        el('td', null, String(r.calls)), el('td', null, r.errors ? String(r.errors) : ''),
        el('td', 'tc-stats-name', r.syscall));
      return tr;
    }
    function render(Tns) {
      const r = wc.range(Tns);
      const key = r.mode === 'all' ? 'all:' + sort
        : r.mode + ':' + (lastLt(S.tNs, S.n, r.a) + 1) + ':' + (lastLe(S.tNs, S.n, r.b) + 1) +
          ':' + (r.ia ?? '') + ':' + (r.ib ?? '') + ':' + sort;
      if (key === lastKey) return;
      lastKey = key;
      const t = statsOf(D, S, r, sort);
      for (const [th, k] of ths) th.classList.toggle('tc-sorted', k === sort);
      const frag = document.createDocumentFragment();
      for (const x of t.syscalls) frag.append(row(x));
      body.replaceChildren(frag);
      foot.replaceChildren(row({ syscall: 'total', calls: t.calls, errors: t.errors,
        seconds: t.seconds, percent: t.seconds > 0 ? 100 : 0,
        usecs_per_call: t.calls ? Math.floor(Math.floor(t.seconds * 1e6 + 0.5) / t.calls) : 0,
        max_usecs: Math.max(0, ...t.syscalls.map((x) => x.max_usecs)) }, 'tc-stats-total'));
      info.textContent = ' ' + t.calls + ' calls, ' + t.errors + ' failed';
    }
    up = windowUpdater(wc, render, () => { lastKey = ''; });
    return {
      update: up.update,
      current: () => wc.range(up.at()),
      sort: () => sort,
    };
  }

  // The flame graph of the stack samples (py, perf) in the window before the playhead,
  // or between two markers.
  function buildFlame(box, D, api) {
    const n = D.py.t.length;
    if (!n) {
      box.append(el('div', 'tc-none', 'no stack samples (record with --profile=python or perf)'));
      return { update() {}, stacks: () => ({}) };
    }
    const tNs = new Float64Array(n);
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += D.py.t[i];
      tNs[i] = acc * 1000;
    }
    // how many samples each counts: 1, or N for a lost record ("[lost]")
    const weight = new Float64Array(n).fill(1);
    for (const [i, w] of D.py.w || []) weight[i] = w;
    const ctl = el('div', 'tc-flame-ctl');
    const wc = buildWindowCtl(D, 'win', 'samples in ');
    const info = el('span', 'tc-flame-info');
    ctl.append(wc.box, info);
    const graph = el('div', 'tc-flame-graph');
    box.append(ctl, graph);

    let lastKey = '', root = null;
    function render(Tns) {
      const r = wc.range(Tns);
      // between markers: the samples after the first in the file and
      // before the second (as export --between-markers), else by time
      let lo, hi;
      if (r.mode === 'marks' && D.markers[r.ia].length > 3) {
        lo = D.markers[r.ia][3];
        hi = D.markers[r.ib][3];
      } else {
        lo = lastLt(tNs, n, r.a) + 1;
        hi = lastLe(tNs, n, r.b) + 1;
      }
      const key = r.mode + ':' + lo + ':' + hi;
      if (key === lastKey) return;
      lastKey = key;
      root = { name: 'all', n: 0, kids: new Map() };
      for (let i = lo; i < hi; i++) {
        let node = root;
        const w = weight[i];
        node.n += w;
        for (const f of D.stacks[D.py.s[i]].split(';')) {
          let k = node.kids.get(f);
          if (!k) {
            k = { name: f, n: 0, kids: new Map() };
            node.kids.set(f, k);
          }
          k.n += w;
          node = k;
        }
      }
      info.textContent = ' ' + root.n + ' samples';
      const frag = document.createDocumentFragment();
      const H = 18;
      let depthMax = 0;
      function place(node, x, w, depth) {
        if (w < 0.05) return;
        depthMax = Math.max(depthMax, depth);
        const d = el('div', 'tc-frame', node.name);
        d.style.left = x + '%';
        d.style.width = w + '%';
        d.style.top = (depth * H) + 'px';
        d.title = node.name + ' (' + node.n + ' samples, ' + (100 * node.n / Math.max(1, root.n)).toFixed(1) + '%)';
        let hue = 0;
        for (const ch of node.name) hue = (hue * 31 + ch.codePointAt(0)) % 60;
        d.style.background = 'hsl(' + (15 + hue) + ',80%,' + (depth ? 60 : 75) + '%)';
        frag.append(d);
        let cx = x;
        const kids = [...node.kids.values()].sort((p, q) => (p.name < q.name ? -1 : 1));
        for (const k of kids) {
          const kw = w * k.n / node.n;
          place(k, cx, kw, depth + 1);
          cx += kw;
        }
      }
      if (root.n) place(root, 0, 100, 0);
      graph.style.height = ((depthMax + 1) * H) + 'px';
      graph.replaceChildren(frag);
    }
    // the graph drawn, as `export --format folded` lines: {stack: samples}
    // (a frame's own samples, those not in a frame above it)
    function stacks() {
      const out = {};
      const walk = (node, path) => {
        let self = node.n;
        for (const k of node.kids.values()) {
          self -= k.n;
          walk(k, path ? path + ';' + k.name : k.name);
        }
        if (path && self > 0) out[path] = self;
      };
      if (root) walk(root, '');
      return out;
    }
    return { update: windowUpdater(wc, render, () => { lastKey = ''; }).update, stacks };
  }

  async function main() {
    const mark = (name) => performance.mark('tracecast:' + name);
    mark('start');
    const [termText, panelText] = await Promise.all([inflate('tc-term'), inflate('tc-panel')]);
    mark('inflated');
    const D = JSON.parse(panelText);
    mark('parsed');
    const lines = termText.split('\n');
    const header = JSON.parse(lines[0]);
    const events = [];
    for (let i = 1; i < lines.length; i++) if (lines[i]) events.push(JSON.parse(lines[i]));
    const S = decodeSys(D.sys);
    const clock = makeClock(events, D.t0, header.idle_time_limit);
    const t0ns = D.t0 * 1000;
    let endNs = t0ns;
    if (clock.n) endNs = Math.max(endNs, clock.recUs[clock.n - 1] * 1000);
    if (S.n) endNs = Math.max(endNs, S.tNs[S.n - 1]);

    mark('decoded');
    const ui = buildLayout(D);
    if (!events.length) events.push([0, 'o', '']); // the player needs one event
    const player = AsciinemaPlayer.create({ data: [header, ...events] }, ui.playerBox, {
      preload: true, fit: 'width', controls: true,
    });
    const loaded = new Promise((resolve) => {
      const poll = () => (player.getDuration() !== undefined ? resolve() : setTimeout(poll, 20));
      poll();
    });

    let lastSeek = null; // {Tns, ps}: currentTime() returns Tns while parked there
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const api = {
      ready: null,
      async seek(seconds) {
        await loaded;
        const Tns = toNs(Math.max(0, +seconds || 0));
        const ps = clock.toPlay(Tns);
        ui.playerBox.classList.add('tc-seeked'); // the start overlay would hide the screen
        await player.seek(ps);
        lastSeek = { Tns, ps: player.getCurrentTime() };
        await frame();
        sync(true);
        return api.currentTime();
      },
      currentTime() {
        const ps = player.getCurrentTime() || 0;
        if (lastSeek && ps === lastSeek.ps) return lastSeek.Tns / 1e9;
        return clock.toRec(ps) / 1e9;
      },
      duration() {
        return (endNs - t0ns) / 1e9 + D.t0 / 1e6;
      },
      playerDuration() {
        return player.getDuration();
      },
      screenText() {
        return readScreen(ui.playerBox);
      },
      syscallRows(opts) {
        const o = opts || {};
        const Tns = toNs(api.currentTime());
        const limit = o.limit !== undefined ? o.limit : 20;
        const f = sysFilter(o.filter, true);
        return sysSelect(S, Tns, limit, f, !!o.errorsOnly, D.s_end)
          .map(([i, start]) => sysRowText(S, i, Tns, start));
      },
      play: () => player.play(),
      pause: () => player.pause(),
    };

    buildMarkers(ui.markers, D, api);
    const sys = buildSys(ui.sys, S, D.s_end, api);
    const procs = buildProcs(ui.procs, D, api, endNs);
    const flame = buildFlame(ui.flame, D, api);
    const stats = buildStats(ui.stats, D, S);
    api.procRows = procs.rows;
    api.flameStacks = flame.stacks;
    // statsRows(opts): the window's rows (see the API at the top)
    api.statsRows = (opts) => {
      const o = opts || {};
      let r;
      if (o.window === 'all') {
        r = { mode: 'all' };
      } else if (o.markers) {
        const ia = D.markers.findIndex((m) => m[1] === o.markers[0]);
        const ib = ia < 0 ? -1 : D.markers.findIndex((m, i) => i > ia && m[1] === o.markers[1]);
        if (ib < 0) throw new Error('statsRows: no marker ' + JSON.stringify(o.markers[ia < 0 ? 0 : 1]));
        r = { mode: 'marks', ia, ib };
      } else if (o.from !== undefined || o.to !== undefined) {
        r = { mode: 'win', a: o.from !== undefined ? toNs(o.from) : -Infinity,
          b: o.to !== undefined && o.to !== Infinity ? toNs(o.to) : Infinity };
      } else {
        r = stats.current();
      }
      if (!S.n) return [];
      return statsOf(D, S, r, o.sort || (opts ? 'time' : stats.sort())).syscalls;
    };
    let lastT = -1;
    function sync(force) {
      const Tns = toNs(api.currentTime());
      if (!force && Tns === lastT) return;
      lastT = Tns;
      ui.clock.textContent = fmtTime(Tns) + ' / ' + fmtTime(endNs);
      sys.update(Tns, force);
      procs.update(Tns, force);
      flame.update(Tns, force);
      stats.update(Tns, force);
    }
    function tick() {
      sync(false);
      requestAnimationFrame(tick);
    }
    mark('panels');
    await loaded;
    mark('player');
    sync(true);
    mark('ready');
    requestAnimationFrame(tick);
    return api;
  }

  let resolveReady, rejectReady;
  const ready = new Promise((res, rej) => { resolveReady = res; rejectReady = rej; });
  const facade = {
    ready,
    seek: async (t) => { await ready; return api.seek(t); },
    currentTime: () => (api ? api.currentTime() : 0),
    duration: () => (api ? api.duration() : undefined),
    playerDuration: () => (api ? api.playerDuration() : undefined),
    screenText: () => (api ? api.screenText() : ''),
    syscallRows: (o) => (api ? api.syscallRows(o) : []),
    procRows: () => (api ? api.procRows() : []),
    flameStacks: () => (api ? api.flameStacks() : {}),
    statsRows: (o) => (api ? api.statsRows(o) : []),
    play: async () => { await ready; return api.play(); },
    pause: async () => { await ready; return api.pause(); },
  };
  let api = null;
  window.tracecast = facade;
  main().then((a) => { api = a; resolveReady(true); }, (e) => {
    const box = el('pre', 'tc-fatal', 'tracecast: this page could not load its recording: ' + e);
    document.body.prepend(box);
    rejectReady(e);
  });
})();
