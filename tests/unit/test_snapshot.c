/* Snapshot exactness: a playhead that restores screen snapshots shows, at
 * any time, the same screen as a replay from the start, cell for cell,
 * attributes, cursor, alternate screen and title included. 1,000 random
 * seeks over the public corpus, the player fixtures and a long generated
 * recording that exercises the state libvterm hides (scroll regions,
 * origin/insert/autowrap modes, charsets, tab stops, saved cursor, the
 * alternate screen, pending wrap, sequences split across events,
 * resizes). Also: screen_snap_save/restore on a bare screen. */
#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "src_root.h"

#include "tracecast/cast_reader.h"
#include "player/frame.h"
#include "player/playhead.h"
#include "player/screen.h"

#define SEC INT64_C(1000000000)

static uint64_t h_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

/* A hash of everything a screen shows: size, every cell's characters,
 * width and style, the cursor, the alternate screen, the title. */
static uint64_t screen_hash(const screen_t *s, frame_t *f)
{
	uint64_t h = 1469598103934665603ULL;
	int row, col;
	bool vis, alt = screen_altscreen(s);

	assert_int_equal(screen_to_frame(s, f), 0);
	h = h_add(h, &f->cols, sizeof(f->cols));
	h = h_add(h, &f->rows, sizeof(f->rows));
	for (size_t i = 0; i < (size_t)f->cols * f->rows; i++) {
		const frame_cell_t *c = &f->cells[i];
		const frame_style_t *st = &c->style;
		h = h_add(h, c->ch, sizeof(c->ch));
		h = h_add(h, &c->width, 1);
		h = h_add(h, &st->attrs, sizeof(st->attrs));
		h = h_add(h, &st->fg.kind, 1);
		h = h_add(h, &st->fg.idx, 1);
		h = h_add(h, &st->fg.r, 3);
		h = h_add(h, &st->bg.kind, 1);
		h = h_add(h, &st->bg.idx, 1);
		h = h_add(h, &st->bg.r, 3);
	}
	screen_cursor(s, &row, &col, &vis);
	h = h_add(h, &row, sizeof(row));
	h = h_add(h, &col, sizeof(col));
	h = h_add(h, &vis, sizeof(vis));
	h = h_add(h, &alt, sizeof(alt));
	return h_add(h, screen_title(s), strlen(screen_title(s)));
}

/* Pieces of terminal output that change hidden state. */
static const char *const pieces[] = {
	"\x1b[3;10r", "\x1b[r", "\x1b[?6h", "\x1b[?6l", "\x1b[?7l", "\x1b[?7h", "\x1b[4h",
	"\x1b[4l", "\x1b(0lqqk\x1b(B", "\x1b(0", "\x1b(B", "\x1bH", "\x1b[3g", "\x1b[g",
	"\t", "\x1b" "7", "\x1b" "8", "\x1b[?1049h", "\x1b[?1049l", "\x1b[?47h", "\x1b[?47l",
	"\x1b[?25l", "\x1b[?25h", "\x1b[1;31m", "\x1b[0m", "\x1b[7;4m", "\x1b[38;2;1;2;3m",
	"\x1b[48;5;200m", "\x1b[2J", "\x1b[H", "\x1b[5;5H", "\x1b[K", "\x1b[L", "\x1b[M",
	"\x1b[2@", "\x1b[3P", "\x1bM", "\x1b" "D", "\r\n", "\n", "\r",
	"\xe6\xbc\xa2\xe5\xad\x97", "e\xcc\x81", "\xf0\x9f\x9a\x80",
	"\x1b]2;title one\x07", "\x1b]0;two\x1b\\",
	"the quick brown fox jumps over the lazy dog ", "0123456789abcdefghijklmnopqrstuvwxyz",
	"\x1b[", "3", "1m", "\x1b]2;spl", "it\x07", "\xe6", "\xbc\xa2", /* split */
};

/* JSON-escape s into fp. */
static void put_json(FILE *fp, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
}

/* The long recording: n events of random pieces, resizes now and then. */
static void write_long(const char *path, int n)
{
	FILE *fp = fopen(path, "w");
	unsigned seed = 16;
	assert_non_null(fp);
	fprintf(fp, "{\"version\": 2, \"width\": 40, \"height\": 12}\n");
	for (int i = 0; i < n; i++) {
		double t = i * 0.01;
		unsigned x = (unsigned)rand_r(&seed);
		if (x % 97 == 0) {
			fprintf(fp, "[%.3f, \"r\", \"%ux%u\"]\n", t, 20 + x % 40, 5 + x % 15);
			continue;
		}
		if (x % 13 == 0) {
			fprintf(fp, "[%.3f, \"s\", \"9 close(3) = 0 <0.000001>\"]\n", t);
			continue;
		}
		fprintf(fp, "[%.3f, \"o\", \"", t);
		int k = 1 + (int)(x % 12);
		for (int j = 0; j < k; j++)
			put_json(fp, pieces[(unsigned)rand_r(&seed) % (sizeof(pieces) / sizeof(pieces[0]))]);
		fprintf(fp, "\"]\n");
	}
	fclose(fp);
}

typedef struct probe {
	int64_t t;
	uint64_t h;
} probe_t;

static int probe_cmp(const void *a, const void *b)
{
	const probe_t *x = a, *y = b;
	return x->t < y->t ? -1 : x->t > y->t;
}

/* Last event time of path (the end of the seeks). */
static int64_t last_time(const char *path)
{
	cast_reader_t *r = NULL;
	cast_event_t ev;
	cast_error_t err;
	int64_t last = 0;
	int rc;

	if (cast_reader_open(&r, path, &err) < 0)
		return -1;
	while ((rc = cast_reader_next(r, &ev, &err)) != 0)
		if (rc > 0 && ev.time_ns > last)
			last = ev.time_ns;
	cast_reader_free(r);
	return last;
}

/* n random seeks on path with snapshots vs a replay from the start.
 * Returns the number of snapshot restores. */
static unsigned long check_file(const char *path, int n, unsigned *seed)
{
	playhead_opts_t so = { .quiet = true, .snap_every = 1024 };
	playhead_opts_t ro = { .quiet = true, .no_snapshots = true };
	playhead_t *a = NULL, *b = NULL;
	cast_error_t err;
	frame_t *f = frame_new(1, 1);
	int64_t end = last_time(path);
	probe_t *pr = calloc((size_t)n, sizeof(*pr));
	unsigned long restores;

	if (end < 0 || playhead_new(&a, path, &so, &err) < 0) {
		free(pr);
		frame_free(f);
		return 0; /* not readable at all: nothing to compare */
	}
	assert_int_equal(playhead_new(&b, path, &ro, &err), 0);
	/* one pass takes the snapshots, then random seeks restore them */
	playhead_seek(a, INT64_MAX, &err);
	for (int i = 0; i < n; i++) {
		int64_t t = end ? (int64_t)((double)rand_r(seed) / RAND_MAX * (double)end) : 0;
		if (i % 5 == 0)
			t = t / SEC * SEC; /* whole seconds: often on an event */
		playhead_seek(a, t, &err);
		pr[i] = (probe_t){ t, screen_hash(playhead_screen(a), f) };
	}
	restores = playhead_restores(a);
	qsort(pr, (size_t)n, sizeof(*pr), probe_cmp);
	for (int i = 0; i < n; i++) {
		playhead_seek(b, pr[i].t, &err);
		uint64_t h = screen_hash(playhead_screen(b), f);
		if (h != pr[i].h)
			fail_msg("%s: at %lld ns the restored screen differs from the replay", path,
				 (long long)pr[i].t);
	}
	assert_int_equal(playhead_restarts(b), 0);
	playhead_free(a);
	playhead_free(b);
	frame_free(f);
	free(pr);
	return restores;
}

static void test_seeks(void **state)
{
	(void)state;
	char dir[4200], path[4600];
	unsigned seed = 1000;
	int seeks = 0;
	unsigned long restores = 0;
	const char *sub[] = { "tests/corpus", "tests/fixtures/player" };

	for (size_t d = 0; d < 2; d++) {
		snprintf(dir, sizeof dir, "%s/%s", src_root(), sub[d]);
		DIR *dp = opendir(dir);
		assert_non_null(dp); /* no skipping: the files are in the tree */
		struct dirent *de;
		int files = 0;
		while ((de = readdir(dp))) {
			size_t l = strlen(de->d_name);
			if (l < 5 || (strcmp(de->d_name + l - 5, ".cast") && strcmp(de->d_name + l - 5, ".json")))
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
			restores += check_file(path, 10, &seed);
			seeks += 10;
			files++;
		}
		closedir(dp);
		assert_true(files > 5);
	}
	char tmp[] = "/tmp/tc-test-snapshot.XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	close(fd);
	write_long(tmp, 6000);
	unsigned long long_restores = check_file(tmp, 1000 - seeks, &seed);
	unlink(tmp);
	assert_true(long_restores > 100); /* the snapshots were used */
	printf("1000 seeks: %lu restores (%lu on the long recording)\n", restores + long_restores,
	       long_restores);
}

/* Save, scribble, restore: the screen is back, also for what comes next
 * (a pending wrap, a scroll region, the saved cursor, charsets). */
static void test_bare_screen(void **state)
{
	(void)state;
	screen_t *s = screen_new_snap(20, 6), *ref = screen_new_snap(20, 6);
	frame_t *f = frame_new(1, 1);
	const char *setup = "\x1b[2;5r\x1b[?6h\x1b(0\x1b" "7abcdefghijklmnopqrst";
	const char *after = "xyz\x1b" "8q\x1b[9Bend\x1b(Bmore";
	assert_non_null(s);
	screen_feed(s, setup, strlen(setup));
	screen_feed(ref, setup, strlen(setup));
	screen_snap_t *sn = screen_snap_save(s);
	assert_non_null(sn);
	const char *junk = "\x1b[r\x1b[?6l\x1b(B\x1b[?1049h\x1b[2J\x1b]2;junk\x07garbage\x1b[5;5H";
	screen_feed(s, junk, strlen(junk));
	screen_resize(s, 30, 9);
	assert_int_equal(screen_snap_restore(s, sn), 0);
	screen_feed(s, after, strlen(after));
	screen_feed(ref, after, strlen(after));
	assert_true(screen_hash(s, f) == screen_hash(ref, f));
	/* a snapshot of another screen is refused */
	assert_int_equal(screen_snap_restore(ref, sn), -EINVAL);
	screen_snap_free(sn);
	screen_free(s);
	screen_free(ref);
	frame_free(f);
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bare_screen),
		cmocka_unit_test(test_seeks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
