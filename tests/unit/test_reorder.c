/* Unit tests of the reorder window (recorder/reorder.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "recorder/reorder.h"

#define MS INT64_C(1000000)

typedef struct sink {
	int64_t t[64];
	char code[64][8];
	char data[64][32];
	int n;
	int fail_at; /* return -EIO for this event index (-1 never) */
} sink_t;

static int sink_out(void *user, int64_t t, const char *code, const char *data, size_t len)
{
	sink_t *s = user;

	assert_true(s->n < 64);
	s->t[s->n] = t;
	snprintf(s->code[s->n], sizeof s->code[0], "%s", code);
	snprintf(s->data[s->n], sizeof s->data[0], "%.*s", (int)len, data);
	return s->n++ == s->fail_at ? -5 : 0;
}

/* Events come out in time order once older than the window. */
static void test_order(void **state)
{
	sink_t s = { .fail_at = -1 };
	reorder_t *r;

	(void)state;
	assert_int_equal(reorder_new(&r, 100 * MS, 0, sink_out, &s), 0);
	reorder_push(r, 50 * MS, "o", "b", 1);
	reorder_push(r, 20 * MS, "s", "a", 1);   /* strace line, stamped earlier */
	reorder_push(r, 50 * MS, "p", "c", 1);   /* same time: arrival order kept */
	reorder_push(r, 130 * MS, "o", "d", 1);
	assert_int_equal(reorder_deadline(r), 120 * MS);
	reorder_drain(r, 119 * MS);
	assert_int_equal(s.n, 0);
	reorder_drain(r, 150 * MS);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.data[0], "a");
	assert_string_equal(s.data[1], "b");
	assert_string_equal(s.data[2], "c");
	assert_int_equal(reorder_held(r), 1);
	assert_int_equal(reorder_flush(r), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.data[3], "d");
	assert_int_equal(reorder_deadline(r), INT64_MAX);
	assert_int_equal(reorder_late(r), 0);
	reorder_free(r);
}

/* An event older than the last one out is clamped and counted. */
static void test_late(void **state)
{
	sink_t s = { .fail_at = -1 };
	reorder_t *r;

	(void)state;
	assert_int_equal(reorder_new(&r, 10 * MS, 0, sink_out, &s), 0);
	reorder_push(r, 100 * MS, "o", "x", 1);
	reorder_drain(r, 200 * MS);
	assert_int_equal(reorder_max_late(r), 0);
	reorder_push(r, 40 * MS, "s", "late", 4);
	assert_int_equal(reorder_late(r), 1);
	assert_int_equal(reorder_max_late(r), 60 * MS);
	reorder_push(r, 90 * MS, "s", "less late", 9);
	assert_int_equal(reorder_late(r), 2);
	assert_int_equal(reorder_max_late(r), 60 * MS); /* the largest */
	reorder_flush(r);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.t[1], 100 * MS);
	assert_string_equal(s.code[1], "s");
	reorder_free(r);
}

/* Window 0: straight through, still never decreasing. */
static void test_zero_window(void **state)
{
	sink_t s = { .fail_at = -1 };
	reorder_t *r;

	(void)state;
	assert_int_equal(reorder_new(&r, 0, 0, sink_out, &s), 0);
	reorder_push(r, 5, "o", "a", 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(reorder_held(r), 0);
	reorder_push(r, 3, "m", "", 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.t[1], 5);
	assert_int_equal(reorder_late(r), 1);
	reorder_free(r);
}

/* Past max_bytes the oldest events go out early. */
static void test_bound(void **state)
{
	sink_t s = { .fail_at = -1 };
	reorder_t *r;

	(void)state;
	assert_int_equal(reorder_new(&r, 1000 * MS, 10, sink_out, &s), 0);
	reorder_push(r, 1, "o", "aaaa", 4);
	reorder_push(r, 2, "o", "bbbb", 4);
	assert_int_equal(s.n, 0);
	reorder_push(r, 3, "o", "cccc", 4);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.data[0], "aaaa");
	assert_true(reorder_held_bytes(r) <= 10);
	reorder_free(r); /* held events are freed (ASan checks) */
}

/* An output error is reported, later events still go out. */
static void test_error(void **state)
{
	sink_t s = { .fail_at = 0 };
	reorder_t *r;

	(void)state;
	assert_int_equal(reorder_new(&r, 0, 0, sink_out, &s), 0);
	assert_int_equal(reorder_push(r, 1, "o", "a", 1), -5);
	reorder_push(r, 2, "o", "b", 1);
	assert_int_equal(s.n, 2);
	assert_int_equal(reorder_push(r, 8, "toolongcode", "", 0), -22);
	reorder_free(r);
	reorder_free(NULL);
}

/* Many events in random order come out sorted. */
static void test_many(void **state)
{
	sink_t s = { .fail_at = -1 };
	reorder_t *r;
	uint32_t seed = 7;

	(void)state;
	assert_int_equal(reorder_new(&r, INT64_C(1) << 60, 1 << 30, sink_out, &s), 0);
	for (int i = 0; i < 60; i++) {
		seed = seed * 1103515245u + 12345u;
		reorder_push(r, (int64_t)(seed >> 8) % 1000, "o", "x", 1);
	}
	assert_int_equal(reorder_held(r), 60);
	reorder_flush(r);
	assert_int_equal(s.n, 60);
	for (int i = 1; i < 60; i++)
		assert_true(s.t[i - 1] <= s.t[i]);
	assert_int_equal(reorder_late(r), 0);
	reorder_free(r);
}

/* Checks every event's data as it comes out: a counter in its first
 * bytes, then filler up to its length. */
typedef struct bulk {
	unsigned long n;
	size_t bytes;
} bulk_t;

static int bulk_out(void *user, int64_t t, const char *code, const char *data, size_t len)
{
	bulk_t *b = user;
	char want[32];

	(void)t;
	(void)code;
	int k = snprintf(want, sizeof want, "%lu:", b->n);
	assert_true(len >= (size_t)k);
	assert_memory_equal(data, want, (size_t)k);
	for (size_t i = (size_t)k; i < len; i++)
		assert_int_equal(data[i], (char)('a' + i % 26));
	b->n++;
	b->bytes += len;
	return 0;
}

/* The data of held events lives in shared slabs: thousands of events,
 * small and big (a slab of their own), out of arrival order, drained in
 * pieces, some still held at free, all keep their bytes. */
static void test_slabs(void **state)
{
	static char buf[40000];
	bulk_t b = { 0 };
	reorder_t *r;
	size_t pushed = 0;

	(void)state;
	assert_int_equal(reorder_new(&r, 100 * MS, 64u << 20, bulk_out, &b), 0);
	for (unsigned long i = 0; i < 20000; i++) {
		/* pairs swapped in time: i odd is stamped before i - 1 */
		int64_t t = (int64_t)(i ^ 1) * MS / 10;
		size_t len = i % 997 == 0 ? 20000 + i % 7 : 40 + i % 150;
		int k = snprintf(buf, sizeof buf, "%lu:", i ^ 1);
		for (size_t j = (size_t)k; j < len; j++)
			buf[j] = (char)('a' + j % 26);
		/* the event stamped (i ^ 1) carries number i ^ 1 */
		assert_int_equal(reorder_push(r, t, "s", buf, len), 0);
		pushed += len;
		if (i % 500 == 499)
			assert_int_equal(reorder_drain(r, t - 50 * MS), 0);
	}
	assert_int_equal(reorder_held_bytes(r), pushed - b.bytes);
	assert_int_equal(reorder_drain(r, 1950 * MS), 0);
	assert_true(b.n > 18000);
	assert_true(reorder_held(r) > 0); /* freed while holding some */
	assert_int_equal(reorder_late(r), 0);
	reorder_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_late),
		cmocka_unit_test(test_zero_window),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_slabs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
