/* gen_cast: generate big asciicast v2 recordings for the format benchmark.
 *
 *   gen_cast big OUT [N]        N (default 162000, about 200 MB) "o" events
 *                               of ~1 KiB (text, SGR colours, CJK, emoji,
 *                               accents, \r\n)
 *   gen_cast small OUT [N]      N (default 1000000) "o" events of 16 bytes
 *   gen_cast syscalls OUT [N]   N (default 3000000) "s" events as
 *                               `rec --strace` writes them (8 threads,
 *                               errors, unfinished/resumed pairs), with a
 *                               proc sample every 1000 calls, a py stack
 *                               sample (64 distinct stacks) every 50, a
 *                               marker every 100000 and output every 200
 *   gen_cast sys OUT [N]        N (default 3000000) "s" events, strace lines
 *                               of 8 threads (openat, read, write, poll,
 *                               futex, epoll_wait, close; 1 in 9 failing,
 *                               unfinished/resumed pairs), end-stamped
 *                               (tracecast.s_time "end"), about 160 bytes
 *                               a line, 5 lines a millisecond, an "o" event of
 *                               ~500 bytes every 100 lines and a marker
 *                               every 100 s: 3,000,000 make ~480 MB and
 *                               600 s, 6,000,000 ~1 GB
 *   gen_cast strace OUT [N]     N (default 1000000) "s" syscall lines as
 *                               strace prints them (reads, writes, failed
 *                               opens, epoll waits split into unfinished /
 *                               resumed halves, signals), 4 pids, every 50 us;
 *                               an "o" line every 200 calls, a /proc sample
 *                               every 50 ms, a marker every 10 s: the HTML
 *                               export's benchmark
 *
 * OUT ending in ".gz" is written gzip-compressed through the writer.
 * Deterministic (fixed-seed xorshift). Prints the number of events. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracecast/cast_writer.h"

typedef struct gen_rng {
	uint64_t s;
} gen_rng_t;

static uint64_t gen_next(gen_rng_t *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

static const char *const gen_pieces[] = {
	"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ",
	"build ", "passed ", "error: ", "warning: ", "src/main.c:42: ", "ok ",
	"\x1b[31m", "\x1b[1;32m", "\x1b[38;5;208m", "\x1b[48;2;10;20;30m",
	"\x1b[0m", "\x1b[K", "\x1b[2J\x1b[H", "\r\n", "\r\n", "\t",
	"\xe6\xbc\xa2\xe5\xad\x97 ",             /* 漢字 */
	"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e ", /* 日本語 */
	"\xf0\x9f\x9a\x80 ",                     /* rocket emoji */
	"\xf0\x9f\x98\x80",                      /* grinning face */
	"caf\xc3\xa9 ", "\xc5\xbc\xc3\xb3\xc5\x82\xc4\x87 ", /* żółć */
	"\xe2\x94\x80\xe2\x94\x80\xe2\x94\x82 ", /* box drawing */
	"12345 ", "0x7ffd1234 ", "\"quoted\" ", "back\\slash ",
};
#define GEN_NPIECES (sizeof(gen_pieces) / sizeof(gen_pieces[0]))

/* The "strace" recording: N syscall lines and what goes around them. */
static int gen_strace(cast_writer_t *w, gen_rng_t *rng, unsigned long count, unsigned long *n)
{
	static const char *const files[] = { "/etc/ld.so.cache", "/usr/lib/python3.11/os.py",
					     "/home/u/.config/app.toml", "/tmp/x.lock" };
	char ev[512];
	int64_t t = 0, next_p = 0, next_m = 10 * CAST_NS_PER_SEC;
	int rc = 0, len;
	long pending[4] = { 0, 0, 0, 0 }; /* per pid: an epoll_wait in flight */

	for (; !rc && *n < count; (*n)++) {
		long pid = 4100 + (long)(gen_next(rng) % 4);
		unsigned k = (unsigned)(gen_next(rng) % 16);
		t += 20000 + (int64_t)(gen_next(rng) % 60000); /* 20-80 us */
		if (pending[pid - 4100]) {
			len = snprintf(ev, sizeof ev, "%ld <... epoll_wait resumed>[{events=EPOLLIN, "
				       "data={u32=7, u64=7}}], 1024, 60000) = 1 <0.%06ld>", pid,
				       (long)(gen_next(rng) % 900000));
			pending[pid - 4100] = 0;
		} else if (k < 5) {
			len = snprintf(ev, sizeof ev, "%ld read(%u, \"GET /item/%lu HTTP/1.1\\r\\nHost: "
				       "localhost\\r\\n\"..., 65536) = %lu <0.0000%02lu>", pid, 5 + k,
				       (unsigned long)(gen_next(rng) % 100000),
				       (unsigned long)(gen_next(rng) % 4096), (unsigned long)(gen_next(rng) % 100));
		} else if (k < 10) {
			len = snprintf(ev, sizeof ev, "%ld write(%u, \"HTTP/1.1 200 OK\\r\\nContent-Length"
				       ": %lu\\r\\n\"..., %lu) = %lu <0.0000%02lu>", pid, 5 + k,
				       (unsigned long)(gen_next(rng) % 100000), (unsigned long)(gen_next(rng) % 8192),
				       (unsigned long)(gen_next(rng) % 8192), (unsigned long)(gen_next(rng) % 100));
		} else if (k < 12) {
			len = snprintf(ev, sizeof ev, "%ld openat(AT_FDCWD, \"%s\", O_RDONLY|O_CLOEXEC) = -1 "
				       "ENOENT (No such file or directory) <0.0000%02lu>", pid,
				       files[gen_next(rng) % 4], (unsigned long)(gen_next(rng) % 100));
		} else if (k < 14) {
			len = snprintf(ev, sizeof ev, "%ld epoll_wait(4,  <unfinished ...>", pid);
			pending[pid - 4100] = 1;
		} else if (k < 15) {
			len = snprintf(ev, sizeof ev, "%ld futex(0x7f3a2c0%05lx, FUTEX_WAKE_PRIVATE, 1) = 0 "
				       "<0.0000%02lu>", pid, (unsigned long)(gen_next(rng) % 0xfffff),
				       (unsigned long)(gen_next(rng) % 100));
		} else {
			len = snprintf(ev, sizeof ev, "%ld --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, "
				       "si_pid=%lu, si_uid=1000, si_status=0} ---", pid,
				       (unsigned long)(5000 + gen_next(rng) % 1000));
		}
		rc = cast_writer_event(w, t, "s", ev, (size_t)len);
		if (!rc && *n % 200 == 199) {
			len = snprintf(ev, sizeof ev, "served %lu requests\r\n", *n + 1);
			rc = cast_writer_event(w, t, "o", ev, (size_t)len);
		}
		if (!rc && t >= next_p) {
			len = snprintf(ev, sizeof ev, "{\"src\":\"proc\",\"procs\":[{\"pid\":4100,\"comm\":"
				       "\"python3\",\"cpu\":0.%02lu,\"rss_kb\":%lu,\"state\":\"R\",\"wchan\":"
				       "\"0\",\"threads\":4}]}", (unsigned long)(gen_next(rng) % 100),
				       51200 + (unsigned long)(gen_next(rng) % 1024));
			rc = cast_writer_event(w, t, "p", ev, (size_t)len);
			next_p += 50000000;
		}
		if (!rc && t >= next_m) {
			len = snprintf(ev, sizeof ev, "checkpoint %lu", *n);
			rc = cast_writer_event(w, t, "m", ev, (size_t)len);
			next_m += 10 * CAST_NS_PER_SEC;
		}
	}
	return rc;
}

static const char gen_alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .:-";

static const char *const gen_paths[] = {
	"/home/user/.virtualenvs/eventlet-py311/lib/python3.11/site-packages/eventlet/green/socket.py",
	"/home/user/.virtualenvs/eventlet-py311/lib/python3.11/__pycache__/selectors.cpython-311.pyc",
	"/home/user/src/eventlet/tests/isolated/patcher_threading_join.py",
	"/etc/ld.so.cache", "/proc/self/status", "/tmp/pytest-of-user/pytest-12/test_patcher_threading0/data",
	"/home/user/.virtualenvs/eventlet-py311/lib/python3.11/site-packages/greenlet/__init__.py",
};

/* One strace line (without time) for thread tid into buf; *unfinished is
 * set when it is the first half of a pair. Returns its length. */
static size_t gen_sys_line(gen_rng_t *rng, char *buf, size_t size, long tid, unsigned *state)
{
	unsigned k = (unsigned)(gen_next(rng) % 100);
	unsigned dur = (unsigned)(gen_next(rng) % 400) + 2;
	const char *p = gen_paths[gen_next(rng) % (sizeof(gen_paths) / sizeof(gen_paths[0]))];
	int n;

	if (*state) { /* the resumed half of this thread's pending call */
		*state = 0;
		return (size_t)snprintf(buf, size, "%ld <... futex resumed>) = 0 <0.%09u>", tid,
					dur * 1000);
	}
	if (k < 4) {
		*state = 1;
		return (size_t)snprintf(buf, size,
					"%ld futex(0x7f3a5c0012e0, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>",
					tid);
	}
	if (k < 15)
		n = snprintf(buf, size,
			     "%ld openat(AT_FDCWD, \"%s\", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory) <0.%09u>",
			     tid, p, dur);
	else if (k < 35)
		n = snprintf(buf, size,
			     "%ld openat(AT_FDCWD, \"%s\", O_RDONLY|O_CLOEXEC) = %u <0.%09u>", tid, p,
			     3 + k % 20, dur);
	else if (k < 55)
		n = snprintf(buf, size,
			     "%ld read(%u, \"\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x03\\x00>\\x00\\x01\\x00\\x00\\x00\"..., 832) = 832 <0.%09u>",
			     tid, 3 + k % 20, dur);
	else if (k < 70)
		n = snprintf(buf, size, "%ld write(1, \"test_patcher.py::test_%u PASSED\\n\", 33) = 33 <0.%09u>",
			     tid, k, dur);
	else if (k < 82)
		n = snprintf(buf, size,
			     "%ld poll([{fd=%u, events=POLLIN}, {fd=%u, events=POLLIN}], 2, %u) = 1 ([{fd=%u, revents=POLLIN}]) <0.%09u>",
			     tid, 3 + k % 7, 4 + k % 9, k * 10, 3 + k % 7, dur * 100);
	else if (k < 92)
		n = snprintf(buf, size,
			     "%ld epoll_wait(%u, [{events=EPOLLIN, data={u32=%u, u64=%u}}], 1023, %u) = 1 <0.%09u>",
			     tid, 5 + k % 3, k, k, k * 3, dur * 50);
	else
		n = snprintf(buf, size, "%ld close(%u) = 0 <0.%09u>", tid, 3 + k % 20, dur);
	return n < 0 ? 0 : (size_t)n;
}

/* The "sys" recording: count strace lines with some output and markers. */
static int gen_sys(cast_writer_t *w, gen_rng_t *rng, unsigned long count, unsigned long *n)
{
	static const long tids[8] = { 4242, 4243, 4244, 4250, 4251, 4260, 4261, 4299 };
	unsigned pending[8] = { 0 };
	char line[1024], out[700];
	int64_t t = 0, next_mark = 100 * CAST_NS_PER_SEC;
	int rc = 0;

	for (; !rc && *n < count; (*n)++) {
		unsigned ti = (unsigned)(gen_next(rng) % 8);
		size_t len = gen_sys_line(rng, line, sizeof(line), tids[ti], &pending[ti]);

		t += 200000; /* 200 us: 5 lines a millisecond */
		rc = cast_writer_event(w, t, "s", line, len);
		if (!rc && *n % 100 == 99) {
			size_t ol = 0;
			while (ol < 480) {
				const char *p = gen_pieces[gen_next(rng) % GEN_NPIECES];
				size_t pl = strlen(p);
				memcpy(out + ol, p, pl);
				ol += pl;
			}
			rc = cast_writer_event(w, t, "o", out, ol);
		}
		if (!rc && t >= next_mark) {
			snprintf(out, sizeof(out), "at %llds", (long long)(t / CAST_NS_PER_SEC));
			rc = cast_writer_event(w, t, "m", out, strlen(out));
			next_mark += 100 * CAST_NS_PER_SEC;
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	cast_writer_t *w = NULL;
	cast_writer_opts_t wo = { .version = 2, .close_fd = true };
	gen_rng_t rng = { 0x9e3779b97f4a7c15ULL };
	json_t *hdr;
	char ev[2048];
	int64_t t = 0;
	unsigned long n = 0;
	int fd, rc;
	size_t olen;

	if (argc < 3 || (strcmp(argv[1], "big") && strcmp(argv[1], "small") &&
			 strcmp(argv[1], "syscalls") && strcmp(argv[1], "sys") &&
			 strcmp(argv[1], "strace"))) {
		fprintf(stderr, "usage: gen_cast big|small|syscalls|sys|strace OUT [EVENTS]\n");
		return 2;
	}
	olen = strlen(argv[2]);
	wo.gzip = olen > 3 && !strcmp(argv[2] + olen - 3, ".gz");
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	rc = cast_writer_open_fd(&w, fd, &wo);
	if (rc < 0) {
		fprintf(stderr, "gen_cast: %s\n", strerror(-rc));
		return 1;
	}
	hdr = json_pack("{s:i, s:i, s:i, s:I, s:s, s:{s:s, s:s}}", "version", 2, "width", 120,
			"height", 36, "timestamp", (json_int_t)1795751140, "title",
			"tracecast format benchmark", "env", "SHELL", "/bin/bash", "TERM",
			"xterm-256color");
	if (!strcmp(argv[1], "syscalls"))
		json_object_set_new(hdr, "tracecast", json_pack(
			"{s:i, s:I, s:s, s:s, s:{s:{s:[s]}, s:{s:i, s:i}}}", "version", 1,
			"start_unix_ns", (json_int_t)1795751140000000000LL, "clock", "monotonic",
			"s_time", "end", "sources", "strace", "argv", "strace", "profile",
			"proc_hz", 20, "python_hz", 100));
	if (!strcmp(argv[1], "sys"))
		json_object_set_new(hdr, "tracecast", json_pack("{s:s}", "s_time", "end"));
	rc = cast_writer_header(w, hdr);
	json_decref(hdr);
	if (!rc && !strcmp(argv[1], "strace")) {
		rc = gen_strace(w, &rng, argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000, &n);
	} else if (!strcmp(argv[1], "big")) {
		unsigned long count = argc > 3 ? strtoul(argv[3], NULL, 10) : 162000;

		for (; !rc && n < count; n++) {
			size_t len = 0;

			while (len < 1000) {
				const char *p = gen_pieces[gen_next(&rng) % GEN_NPIECES];
				size_t pl = strlen(p);

				memcpy(ev + len, p, pl);
				len += pl;
			}
			t += (int64_t)(gen_next(&rng) % 50000) * 1000; /* 0-50 ms */
			rc = cast_writer_event(w, t, "o", ev, len);
		}
	} else if (!strcmp(argv[1], "syscalls")) {
		unsigned long count = argc > 3 ? strtoul(argv[3], NULL, 10) : 3000000;
		static const char *const calls[] = {
			"read(3, \"GET / HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n\", 4096) = 37",
			"write(1, \"ok\\n\", 3) = 3",
			"openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY|O_CLOEXEC) = 4",
			"openat(AT_FDCWD, \"/nonexistent/x.py\", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)",
			"newfstatat(4, \"\", {st_mode=S_IFREG|0644, st_size=220, ...}, AT_EMPTY_PATH) = 0",
			"close(4) = 0",
			"epoll_wait(5, [{events=EPOLLIN, data={u32=3, u64=3}}], 1023, 60) = 1",
			"futex(0x7f3c2e1ff910, FUTEX_WAKE_PRIVATE, 1) = 0",
			"mmap(NULL, 262144, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f3c2e1c0000",
			"connect(6, {sa_family=AF_INET, sin_port=htons(5432), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = -1 ECONNREFUSED (Connection refused)",
		};
		for (; !rc && n < count; n++) {
			uint64_t r = gen_next(&rng);
			long tid = 4000 + (long)(r % 8);
			int64_t dur = (int64_t)((r >> 8) % 200000) + 500; /* 0.5-200 us */
			int len;
			t += dur + (int64_t)((r >> 24) % 20000);
			if (n % 97 == 0) { /* a blocked call in two halves */
				len = snprintf(ev, sizeof ev, "%ld poll([{fd=3, events=POLLIN}], 1, 1000 <unfinished ...>", tid);
				rc = cast_writer_event(w, t - dur, "s", ev, (size_t)len);
				len = snprintf(ev, sizeof ev, "%ld <... poll resumed>) = 1 ([{fd=3, revents=POLLIN}]) <0.%09lld>",
					       tid, (long long)dur);
			} else {
				len = snprintf(ev, sizeof ev, "%ld %s <0.%09lld>", tid,
					       calls[(r >> 40) % (sizeof calls / sizeof calls[0])], (long long)dur);
			}
			if (!rc)
				rc = cast_writer_event(w, t, "s", ev, (size_t)len);
			if (!rc && n % 50 == 0) {
				unsigned k = (unsigned)((r >> 48) % 64);
				len = snprintf(ev, sizeof ev, "{\"src\":\"py\",\"pid\":4000,\"tid\":%ld,\"stack\":"
					       "\"__main__:<module>;app:serve;app:handle_%u;db:query_%u;socket:recv\"}",
					       tid, k % 8, k);
				rc = cast_writer_event(w, t, "p", ev, (size_t)len);
			}
			if (!rc && n % 1000 == 0) {
				len = snprintf(ev, sizeof ev, "{\"src\":\"proc\",\"procs\":[{\"pid\":4000,\"comm\":\"python3\","
					       "\"cpu\":0.%02u,\"rss_kb\":%lu,\"state\":\"R\",\"wchan\":\"0\",\"threads\":8}]}",
					       (unsigned)(r % 100), 50000 + (unsigned long)(r % 5000));
				rc = cast_writer_event(w, t, "p", ev, (size_t)len);
			}
			if (!rc && n % 200 == 0)
				rc = cast_writer_event(w, t, "o", "request served\r\n", 16);
			if (!rc && n % 100000 == 0) {
				len = snprintf(ev, sizeof ev, "batch %lu", n / 100000);
				rc = cast_writer_event(w, t, "m", ev, (size_t)len);
			}
		}
	} else if (!strcmp(argv[1], "sys")) {
		rc = gen_sys(w, &rng, argc > 3 ? strtoul(argv[3], NULL, 10) : 3000000, &n);
	} else {
		unsigned long count = argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000;

		for (; !rc && n < count; n++) {
			for (int i = 0; i < 16; i++)
				ev[i] = gen_alnum[gen_next(&rng) % (sizeof(gen_alnum) - 1)];
			if (n % 8 == 7)
				memcpy(ev + 14, "\r\n", 2);
			t += (int64_t)(gen_next(&rng) % 2000) * 1000; /* 0-2 ms */
			rc = cast_writer_event(w, t, "o", ev, 16);
		}
	}
	if (!rc)
		rc = cast_writer_close(w);
	cast_writer_free(w);
	if (rc < 0) {
		fprintf(stderr, "gen_cast: writing %s: %s\n", argv[2], strerror(-rc));
		return 1;
	}
	printf("%lu\n", n);
	return 0;
}
