/* gen_cast: generate big asciicast v2 recordings for the format benchmark.
 *
 *   gen_cast big OUT [N]        N (default 162000, about 200 MB) "o" events
 *                               of ~1 KiB (text, SGR colours, CJK, emoji,
 *                               accents, \r\n)
 *   gen_cast small OUT [N]      N (default 1000000) "o" events of 16 bytes
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
			 strcmp(argv[1], "strace"))) {
		fprintf(stderr, "usage: gen_cast big|small|strace OUT [EVENTS]\n");
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
