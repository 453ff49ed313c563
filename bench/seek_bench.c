/* seek_bench: snapshot seeks vs replay from the start, on one recording.
 *
 *   seek_bench FILE [SEEKS [REPLAYS]]
 *
 * 1. First pass to the end with snapshots, and without (no_snapshots, the
 *    same code with a plain libvterm screen): CPU seconds of each, medians
 *    of PASSES (environment, default 5) interleaved pairs, and the median
 *    of the per-pair ratios (the snapshots' cost on a first pass).
 * 2. SEEKS (default 20) random times (fixed seed) after that pass, with
 *    snapshots: CPU milliseconds per seek, median and worst.
 * 3. The first REPLAYS (default 5) of the same times without snapshots:
 *    each restarts from the file's start (today's engine).
 * Prints key=value lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "player/playhead.h"

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double run_seek(playhead_t *p, int64_t t)
{
	cast_error_t err;
	double c0 = cpu_now();
	if (playhead_seek(p, t, &err) < 0) {
		cast_error_print(stderr, "seek_bench", &err);
		exit(1);
	}
	return cpu_now() - c0;
}

int main(int argc, char **argv)
{
	playhead_opts_t so = { .quiet = true }, ro = { .quiet = true, .no_snapshots = true };
	playhead_t *a = NULL, *b = NULL;
	cast_error_t err;
	int n = argc > 2 ? atoi(argv[2]) : 20, nr = argc > 3 ? atoi(argv[3]) : 5;
	unsigned seed = 20261207;

	if (argc < 2 || n < 1 || n > 1000 || nr < 0 || nr > n) {
		fprintf(stderr, "usage: seek_bench FILE [SEEKS [REPLAYS]]\n");
		return 2;
	}
	if (playhead_new(&a, argv[1], &so, &err) < 0 || playhead_new(&b, argv[1], &ro, &err) < 0) {
		cast_error_print(stderr, "seek_bench", &err);
		return 1;
	}
	/* interleaved first passes: plain, snap, plain, snap, ... (the last
	 * snapshot pass is the one the seeks use) */
	const char *pe = getenv("PASSES");
	int np = pe && atoi(pe) > 0 && atoi(pe) <= 50 ? atoi(pe) : 5;
	double ps[50], pp[50], pr[50];
	for (int k = 0; k < np; k++) {
		if (k > 0) {
			playhead_free(b);
			playhead_free(a);
			if (playhead_new(&b, argv[1], &ro, &err) < 0 ||
			    playhead_new(&a, argv[1], &so, &err) < 0) {
				cast_error_print(stderr, "seek_bench", &err);
				return 1;
			}
		}
		pp[k] = run_seek(b, INT64_MAX);
		ps[k] = run_seek(a, INT64_MAX);
		pr[k] = ps[k] / pp[k];
	}
	qsort(ps, (size_t)np, sizeof(double), dbl_cmp);
	qsort(pp, (size_t)np, sizeof(double), dbl_cmp);
	qsort(pr, (size_t)np, sizeof(double), dbl_cmp);
	double pass_snap = ps[(np - 1) / 2], pass_plain = pp[(np - 1) / 2];
	size_t bytes = 0, nsnap = playhead_snapshots(a, &bytes);
	/* the cost of one snapshot of the screen at the end */
	double c0 = cpu_now();
	size_t one = 0;
	for (int k = 0; k < 200; k++) {
		screen_snap_t *sn = screen_snap_save(playhead_screen(a));
		one = screen_snap_size(sn);
		screen_snap_free(sn);
	}
	double snap_ms = (cpu_now() - c0) / 200 * 1e3;
	int64_t end = playhead_last_time(a);
	double *s = calloc((size_t)n, sizeof(*s)), *r = calloc((size_t)(nr ? nr : 1), sizeof(*r));
	int64_t *ts = calloc((size_t)n, sizeof(*ts));
	for (int i = 0; i < n; i++)
		ts[i] = (int64_t)((double)rand_r(&seed) / RAND_MAX * (double)end);
	for (int i = 0; i < n; i++)
		s[i] = run_seek(a, ts[i]);
	for (int i = 0; i < nr; i++) {
		run_seek(b, INT64_MAX); /* from the end, as after a pass */
		r[i] = run_seek(b, ts[i]);
	}
	printf("pass_snap_cpu_s=%.3f\npass_plain_cpu_s=%.3f\nsnapshots=%zu\nsnapshot_mb=%.1f\n",
	       pass_snap, pass_plain, nsnap, (double)bytes / 1e6);
	printf("snapshot_ms=%.3f\nsnapshot_kb=%.1f\n", snap_ms, (double)one / 1e3);
	printf("passes=%d\npass_ratio_median=%.3f\npass_ratio_min=%.3f\npass_ratio_max=%.3f\n", np,
	       pr[(np - 1) / 2], pr[0], pr[np - 1]);
	printf("restores=%lu\nrestarts_snap=%lu\n", playhead_restores(a), playhead_restarts(a));
	qsort(s, (size_t)n, sizeof(*s), dbl_cmp);
	printf("seeks=%d\nseek_median_ms=%.1f\nseek_worst_ms=%.1f\n", n, s[(n - 1) / 2] * 1e3,
	       s[n - 1] * 1e3);
	if (nr) {
		qsort(r, (size_t)nr, sizeof(*r), dbl_cmp);
		printf("replays=%d\nreplay_median_ms=%.1f\nreplay_worst_ms=%.1f\n", nr,
		       r[(nr - 1) / 2] * 1e3, r[nr - 1] * 1e3);
	}
	free(s);
	free(r);
	free(ts);
	playhead_free(a);
	playhead_free(b);
	return 0;
}
