/* snap_pack: packing round-trips exactly (random images made of zero runs,
 * repeated words and noise, every length 0..300 and large ones), packs
 * zero-heavy images small, and refuses packed data that does not fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "player/snap_pack.h"

static unsigned rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

/* An image of n bytes: stretches of zeros, of one repeated 8-byte word,
 * and of noise. */
static void make_image(unsigned char *p, size_t n, unsigned *seed)
{
	size_t i = 0;
	while (i < n) {
		size_t len = 1 + rnd(seed) % 200;
		unsigned kind = rnd(seed) % 3;
		unsigned char w[8];
		for (int k = 0; k < 8; k++)
			w[k] = (unsigned char)rnd(seed);
		for (size_t k = 0; k < len && i < n; k++, i++)
			p[i] = kind == 0 ? 0 : kind == 1 ? w[i % 8] : (unsigned char)rnd(seed);
	}
}

static void roundtrip(size_t n, unsigned *seed)
{
	unsigned char *in = malloc(n + 1), *out = malloc(n + 1);
	unsigned char *pk = malloc(snap_pack_bound(n));
	assert_non_null(in);
	assert_non_null(out);
	assert_non_null(pk);
	make_image(in, n, seed);
	size_t pl = snap_pack(pk, in, n);
	assert_true(pl <= snap_pack_bound(n));
	assert_int_equal(pl, snap_pack_size(in, n));
	memset(out, 0xa5, n + 1);
	assert_int_equal(snap_unpack(out, n, pk, pl), 0);
	assert_memory_equal(in, out, n);
	assert_int_equal(out[n], 0xa5); /* nothing written past n */
	if (pl > 0) /* cut: refused */
		assert_int_equal(snap_unpack(out, n, pk, pl - 1), -1);
	if (n >= 8) /* a wrong size: refused */
		assert_int_equal(snap_unpack(out, n - 8, pk, pl), -1);
	free(in);
	free(out);
	free(pk);
}

static void test_roundtrip(void **state)
{
	unsigned seed = 42;
	(void)state;
	for (size_t n = 0; n <= 300; n++)
		roundtrip(n, &seed);
	for (int k = 0; k < 20; k++)
		roundtrip(300000 + rnd(&seed) % 100000, &seed);
}

static void test_small(void **state)
{
	size_t n = 400000;
	unsigned char *in = calloc(1, n), *pk = malloc(snap_pack_bound(n));
	(void)state;
	assert_non_null(in);
	assert_non_null(pk);
	memset(in + 1000, 7, 64); /* one repeated word */
	size_t pl = snap_pack(pk, in, n);
	assert_true(pl < 64);
	free(in);
	free(pk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
