/* Unit tests for utf8: repair of byte streams cut into random chunks,
 * compared with an independent reference decoder and with Python's
 * bytes.decode('utf-8', 'replace').
 *
 * The reference does not share lib/utf8.c's algorithm: it enumerates every
 * Unicode scalar value, encodes it with a textbook encoder, and records
 * which byte strings are well-formed sequences and which are proper
 * prefixes of one. Decoding then applies the definition of Unicode 3.9
 * (D93b, "maximal subpart") literally: at each offset, a well-formed
 * sequence is copied; otherwise the longest proper prefix of a well-formed
 * sequence found there (at least one byte) becomes one U+FFFD. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "tracecast/utf8.h"

static const char FFFD[] = "\xef\xbf\xbd";

/* --- the reference ------------------------------------------------------ */

/* Bitmaps over byte strings of length 1, 2, 3 (as big-endian integers). */
static unsigned char *ref_full[4];   /* well-formed sequences, lengths 1..3 */
static unsigned char *ref_prefix[4]; /* proper prefixes, lengths 1..3 */

static void bit_set(unsigned char *map, uint32_t i)
{
	map[i >> 3] |= (unsigned char)(1u << (i & 7));
}

static int bit_get(const unsigned char *map, uint32_t i)
{
	return map[i >> 3] >> (i & 7) & 1;
}

/* Textbook encoder (Unicode Table 3-6). */
static size_t ref_encode(uint32_t cp, unsigned char *o)
{
	if (cp <= 0x7f) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp <= 0x7ff) {
		o[0] = (unsigned char)(0xc0 + cp / 64);
		o[1] = (unsigned char)(0x80 + cp % 64);
		return 2;
	}
	if (cp <= 0xffff) {
		o[0] = (unsigned char)(0xe0 + cp / 4096);
		o[1] = (unsigned char)(0x80 + cp / 64 % 64);
		o[2] = (unsigned char)(0x80 + cp % 64);
		return 3;
	}
	o[0] = (unsigned char)(0xf0 + cp / 262144);
	o[1] = (unsigned char)(0x80 + cp / 4096 % 64);
	o[2] = (unsigned char)(0x80 + cp / 64 % 64);
	o[3] = (unsigned char)(0x80 + cp % 64);
	return 4;
}

static uint32_t be(const unsigned char *s, size_t n)
{
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | s[i];
	return v;
}

static int ref_setup(void **state)
{
	(void)state;
	for (int n = 1; n <= 3; n++) {
		size_t bytes = ((size_t)1 << (8 * n)) / 8;
		ref_full[n] = calloc(1, bytes);
		ref_prefix[n] = calloc(1, bytes);
		if (!ref_full[n] || !ref_prefix[n])
			return -1;
	}
	for (uint32_t cp = 0; cp <= 0x10ffff; cp++) {
		unsigned char e[4];
		size_t n;
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue; /* not scalar values */
		n = ref_encode(cp, e);
		if (n <= 3)
			bit_set(ref_full[n], be(e, n));
		for (size_t k = 1; k < n; k++)
			bit_set(ref_prefix[k], be(e, k));
	}
	return 0;
}

static int ref_teardown(void **state)
{
	(void)state;
	for (int n = 1; n <= 3; n++) {
		free(ref_full[n]);
		free(ref_prefix[n]);
	}
	return 0;
}

/* Is s[0..n) a well-formed sequence? Four bytes: a proper 3-byte prefix
 * plus a last byte that completes it, checked by re-encoding. */
static int ref_is_full(const unsigned char *s, size_t n)
{
	if (n <= 3)
		return bit_get(ref_full[n], be(s, n));
	if (!bit_get(ref_prefix[3], be(s, 3)) || (s[3] & 0xc0) != 0x80)
		return 0;
	uint32_t cp = (uint32_t)(s[0] & 7) << 18 | (uint32_t)(s[1] & 63) << 12 |
		      (uint32_t)(s[2] & 63) << 6 | (s[3] & 63);
	unsigned char e[4];
	return cp <= 0x10ffff && ref_encode(cp, e) == 4 && memcmp(e, s, 4) == 0;
}

/* Decode a whole stream; out must hold 3 * len bytes. */
static size_t ref_decode(const unsigned char *s, size_t len, char *out)
{
	size_t i = 0, o = 0;

	while (i < len) {
		size_t n, k = 0;
		for (n = 1; n <= 4 && i + n <= len; n++)
			if (ref_is_full(s + i, n))
				break;
		if (n <= 4 && i + n <= len) {
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
			continue;
		}
		for (size_t m = 1; m <= 3 && i + m <= len; m++)
			if (bit_get(ref_prefix[m], be(s + i, m)))
				k = m;
		memcpy(out + o, FFFD, 3);
		o += 3;
		i += k ? k : 1;
	}
	return o;
}

/* --- random streams ----------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/* A random stream mixing ASCII runs, valid multibyte characters, stray
 * bytes, truncated sequences, surrogates, overlongs, and > U+10FFFF. */
static size_t random_stream(uint64_t *rng, unsigned char *buf, size_t cap)
{
	size_t n = 0;

	while (n + 8 < cap) {
		uint64_t r = rng_next(rng);
		unsigned char e[4];
		size_t el;
		uint32_t cp;
		switch (r % 12) {
		case 0: case 1: case 2: { /* ASCII run, sometimes a long one */
			size_t run = (r >> 8) % ((r >> 40) % 4 == 0 ? 40 : 6) + 1;
			while (run-- && n + 8 < cap)
				buf[n++] = (unsigned char)(0x20 + rng_next(rng) % 0x5f);
			break;
		}
		case 3: case 4: /* a valid character of any length */
			do
				cp = (uint32_t)(r >> 8) % (r >> 60 < 8 ? 0x800 : 0x110000), r = rng_next(rng);
			while (cp >= 0xd800 && cp <= 0xdfff);
			n += ref_encode(cp, buf + n);
			break;
		case 5: /* a stray byte 80..FF */
			buf[n++] = (unsigned char)(0x80 | (r >> 8));
			break;
		case 6: /* a truncated valid sequence */
			cp = 0x80 + (uint32_t)(r >> 8) % (0x110000 - 0x80);
			if (cp >= 0xd800 && cp <= 0xdfff)
				cp += 0x800;
			el = ref_encode(cp, e);
			el = 1 + (r >> 40) % (el - 1);
			memcpy(buf + n, e, el);
			n += el;
			break;
		case 7: /* an encoded surrogate */
			buf[n++] = 0xed;
			buf[n++] = (unsigned char)(0xa0 + (r >> 8) % 0x20);
			buf[n++] = (unsigned char)(0x80 + (r >> 16) % 0x40);
			break;
		case 8: { /* overlongs */
			static const unsigned char leads[] = {0xc0, 0xc1, 0xe0, 0xf0};
			unsigned char l = leads[(r >> 8) % 4];
			buf[n++] = l;
			buf[n++] = (unsigned char)(0x80 + (r >> 16) % (l == 0xf0 ? 0x10 : l == 0xe0 ? 0x20 : 0x40));
			if (l >= 0xe0)
				buf[n++] = (unsigned char)(0x80 + (r >> 24) % 0x40);
			break;
		}
		case 9: /* beyond U+10FFFF, or F5..FF leads */
			buf[n++] = (r >> 8) % 2 ? 0xf4 : (unsigned char)(0xf5 + (r >> 16) % 11);
			buf[n++] = (unsigned char)(0x90 + (r >> 24) % 0x30);
			buf[n++] = 0x80;
			buf[n++] = 0x80;
			break;
		case 10: /* anything */
			buf[n++] = (unsigned char)(r >> 8);
			break;
		default: /* the end of the stream: stop sometimes early */
			if ((r >> 8) % 16 == 0)
				return n;
			buf[n++] = '\n';
			break;
		}
	}
	return n;
}

/* Feed s[0..len) through utf8_repair in random chunks (some empty). */
static size_t repair_chunked(uint64_t *rng, const unsigned char *s, size_t len, char *out)
{
	utf8_carry_t c;
	size_t i = 0, o = 0;

	utf8_carry_init(&c);
	while (i < len) {
		size_t take = rng_next(rng) % 3 == 0 ? rng_next(rng) % 5 : rng_next(rng) % 64;
		if (take > len - i)
			take = len - i;
		/* Exactly the documented capacity, so ASan sees any overrun. */
		char *tmp = malloc(UTF8_REPAIR_MAX(take));
		assert_non_null(tmp);
		size_t n = utf8_repair(&c, s + i, take, tmp, false);
		assert_true(n <= UTF8_REPAIR_MAX(take));
		memcpy(out + o, tmp, n);
		free(tmp);
		o += n;
		assert_true(c.len <= 3);
		i += take;
	}
	o += utf8_repair(&c, NULL, 0, out + o, true);
	assert_int_equal(c.len, 0);
	return o;
}

static void test_repair_examples(void **state)
{
	/* Unicode 3.9, Table 3-8 and the U+FFFD substitution examples. */
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"\x61\xf1\x80\x80\xe1\x80\xc2\x62\x80\x63\x80\xbf\x64",
		 "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd" "d"},
		{"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
		{"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},
		{"\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
		{"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
		{"\xf0\x9f\x98", "\xef\xbf\xbd"},
		{"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
		{"\xe2\x82\xac\xe2\x82", "\xe2\x82\xac\xef\xbf\xbd"},
		{"ok \xc3\xa9", "ok \xc3\xa9"},
	};
	char out[128];

	(void)state;
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		utf8_carry_t c;
		size_t len = strlen(cases[k].in);
		utf8_carry_init(&c);
		size_t n = utf8_repair(&c, cases[k].in, len, out, true);
		assert_int_equal(n, strlen(cases[k].want));
		assert_memory_equal(out, cases[k].want, n);
		n = ref_decode((const unsigned char *)cases[k].in, len, out);
		assert_int_equal(n, strlen(cases[k].want));
		assert_memory_equal(out, cases[k].want, n);
	}
}

/* The carry: an incomplete tail is held, not emitted, until final. */
static void test_repair_carry(void **state)
{
	utf8_carry_t c;
	char out[64];

	(void)state;
	utf8_carry_init(&c);
	assert_int_equal(utf8_repair(&c, "ab\xf0", 3, out, false), 2);
	assert_int_equal(c.len, 1);
	assert_int_equal(utf8_repair(&c, "\x9f", 1, out, false), 0);
	assert_int_equal(utf8_repair(&c, "\x98", 1, out, false), 0);
	assert_int_equal(c.len, 3);
	assert_int_equal(utf8_repair(&c, "\x80z", 2, out, false), 5);
	assert_memory_equal(out, "\xf0\x9f\x98\x80z", 5);
	assert_int_equal(c.len, 0);
	/* A held prefix that the next chunk breaks: one U+FFFD, then the byte. */
	assert_int_equal(utf8_repair(&c, "\xe2\x82", 2, out, false), 0);
	assert_int_equal(utf8_repair(&c, "A", 1, out, false), 4);
	assert_memory_equal(out, "\xef\xbf\xbd" "A", 4);
	/* final turns a held prefix into U+FFFD. */
	assert_int_equal(utf8_repair(&c, "\xe2", 1, out, false), 0);
	assert_int_equal(utf8_repair(&c, NULL, 0, out, true), 3);
	assert_memory_equal(out, FFFD, 3);
	assert_int_equal(c.len, 0);
	/* The output bound holds for the worst case (all invalid + carry). */
	utf8_carry_init(&c);
	utf8_repair(&c, "\xf0\x9f\x98", 3, out, false);
	memset(out, 0, sizeof out);
	size_t n = utf8_repair(&c, "\xff\xff\xff\xff", 4, out, true);
	assert_true(n <= UTF8_REPAIR_MAX(4));
	assert_int_equal(n, 15);
}

/* The property: chunked == whole-stream single call == reference. */
static void test_repair_property(void **state)
{
	enum { CAP = 600 };
	unsigned char s[CAP];
	char ref[3 * CAP], whole[UTF8_REPAIR_MAX(CAP)], chunked[UTF8_REPAIR_MAX(CAP) + 64];
	uint64_t seeds[] = {1, 2, 3, 0xdeadbeef, 20261127};

	(void)state;
	for (size_t sd = 0; sd < sizeof seeds / sizeof *seeds; sd++) {
		uint64_t rng = seeds[sd] * UINT64_C(0x9e3779b97f4a7c15) + 1;
		for (int iter = 0; iter < 4000; iter++) {
			size_t len = random_stream(&rng, s, CAP);
			size_t r = ref_decode(s, len, ref);
			utf8_carry_t c;
			utf8_carry_init(&c);
			char *exact = malloc(UTF8_REPAIR_MAX(len));
			assert_non_null(exact);
			size_t w = utf8_repair(&c, s, len, exact, true);
			memcpy(whole, exact, w);
			free(exact);
			if (w != r || memcmp(whole, ref, r) != 0)
				fail_msg("seed %zu iter %d: single call differs from the reference", sd, iter);
			for (int cut = 0; cut < 3; cut++) {
				size_t k = repair_chunked(&rng, s, len, chunked);
				if (k != r || memcmp(chunked, ref, r) != 0)
					fail_msg("seed %zu iter %d: chunked differs from the reference", sd, iter);
			}
			/* utf8_valid agrees: valid iff the repair changed nothing. */
			int same = r == len && memcmp(ref, s, len) == 0;
			assert_int_equal(utf8_valid(s, len), same);
			/* The repaired output is itself valid. */
			assert_true(utf8_valid(ref, r));
		}
	}
}

/* Every 1- and 2-byte string and every 3-byte string with a lead >= C0:
 * single call equals the reference. */
static void test_repair_exhaustive_short(void **state)
{
	unsigned char s[4];
	char a[32], b[32];

	(void)state;
	for (uint32_t v = 0; v < 0x1000000; v++) {
		size_t len = v < 0x100 ? 1 : v < 0x10000 ? 2 : 3;
		if (len == 3 && (v >> 16) < 0xc0)
			continue;
		for (size_t i = 0; i < len; i++)
			s[i] = (unsigned char)(v >> (8 * (len - 1 - i)));
		utf8_carry_t c;
		utf8_carry_init(&c);
		size_t n = utf8_repair(&c, s, len, a, true);
		size_t m = ref_decode(s, len, b);
		if (n != m || memcmp(a, b, n) != 0)
			fail_msg("differs from the reference on %06x (%zu bytes)", v, len);
	}
}

/* Python's decoder as a second, external reference: a few hundred random
 * streams decoded by bytes.decode('utf-8', 'replace'). */
static void test_repair_vs_python(void **state)
{
	enum { N = 300, CAP = 600 };
	static const char script[] =
		"import sys, struct\n"
		"data = open(sys.argv[1], 'rb').read()\n"
		"out = open(sys.argv[2], 'wb')\n"
		"i = 0\n"
		"while i < len(data):\n"
		"    n, = struct.unpack('<I', data[i:i+4]); i += 4\n"
		"    d = data[i:i+n].decode('utf-8', 'replace').encode('utf-8'); i += n\n"
		"    out.write(struct.pack('<I', len(d)) + d)\n";
	char in_path[] = "/tmp/tc-utf8-in.XXXXXX", out_path[] = "/tmp/tc-utf8-out.XXXXXX";
	uint64_t rng = 0x5eedf00d;
	unsigned char s[CAP];
	char mine[UTF8_REPAIR_MAX(CAP)];
	FILE *fin, *fout;
	int status;
	pid_t pid;

	(void)state;
	if (access("/usr/bin/python3", X_OK) != 0) {
		fprintf(stderr, "skipped: python3 is not installed (make deps installs it)\n");
		skip();
	}
	int fd1 = mkstemp(in_path), fd2 = mkstemp(out_path);
	assert_true(fd1 >= 0 && fd2 >= 0);
	close(fd2);
	fin = fdopen(fd1, "wb");
	assert_non_null(fin);
	uint64_t keep = rng;
	for (int k = 0; k < N; k++) {
		uint32_t len = (uint32_t)random_stream(&rng, s, CAP);
		unsigned char hdr[4] = {(unsigned char)len, (unsigned char)(len >> 8),
					(unsigned char)(len >> 16), (unsigned char)(len >> 24)};
		fwrite(hdr, 4, 1, fin); /* '<I' */
		fwrite(s, 1, len, fin);
	}
	assert_int_equal(fclose(fin), 0);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/usr/bin/python3", "python3", "-c", script, in_path, out_path, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	fout = fopen(out_path, "rb");
	assert_non_null(fout);
	rng = keep;
	for (int k = 0; k < N; k++) {
		uint32_t len = (uint32_t)random_stream(&rng, s, CAP), plen;
		unsigned char hdr[4];
		char *py;
		assert_int_equal(fread(hdr, 4, 1, fout), 1);
		plen = be((const unsigned char[]){hdr[3], hdr[2], hdr[1], hdr[0]}, 4);
		py = malloc(plen + 1);
		assert_non_null(py);
		assert_int_equal(fread(py, 1, plen, fout), plen);
		uint64_t crng = (uint64_t)k + 77;
		size_t n = repair_chunked(&crng, s, len, mine);
		if (n != plen || memcmp(mine, py, n) != 0)
			fail_msg("stream %d: differs from Python's decode('utf-8', 'replace')", k);
		free(py);
	}
	fclose(fout);
	unlink(in_path);
	unlink(out_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repair_examples),
		cmocka_unit_test(test_repair_carry),
		cmocka_unit_test(test_repair_property),
		cmocka_unit_test(test_repair_exhaustive_short),
		cmocka_unit_test(test_repair_vs_python),
	};
	return cmocka_run_group_tests(tests, ref_setup, ref_teardown);
}
