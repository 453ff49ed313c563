/* profile_summary: the profile section of `tracecast info`.
 *
 * Fed every "p" event of a recording (in file order), it keeps, per
 * process of the proc source: CPU seconds, peak RSS, time in each state
 * (R, S, D, Z, T, other), first and last sample; and per stack source
 * ("perf", "py"): samples, samples lost, and per frame its self samples
 * (the frame is the leaf) and total samples (the frame is anywhere in the
 * stack, counted once per sample). Memory grows with distinct processes
 * and frames, not with the number of events. These are the hooks of
 * player/cmd_info.c's info_sections[]. */
#ifndef TRACECAST_PROFILE_SUMMARY_H
#define TRACECAST_PROFILE_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "tracecast/cast_types.h"

#define PROFILE_SUMMARY_TOP 10 /* frames listed by self and by total */

/* State for one recording, or NULL when the header says the recording was
 * made without --profile (no tracecast.sources.profile) or on ENOMEM. */
void *profile_summary_new(const cast_header_t *hdr);

/* One "p" event; malformed data is counted and skipped. */
void profile_summary_event(void *state, const cast_event_t *ev);

/* The text report (lines indented by two spaces). */
void profile_summary_print(void *state, FILE *fp);

/* The report as a new JSON object:
 * {"samples":N,"bad":N,"processes":[{"pid","ppid","comm","cpu_s",
 *  "peak_rss_kb","first_s","last_s","states":{"R":s,..}}],
 *  "stacks":{"perf":{"samples","lost","top_self":[{"frame","samples"}],
 *  "top_total":[..]},"py":{.., "idle_samples":N (idle samples seen),
 *  "idle_counted":bool, "lost_s":s, "lost_by_pid":[{"pid","lost",
 *  "lost_s"}]}}}  (lost: rounds the sampler skipped; "samples" and the
 *  top frames count on-CPU samples only unless idle_counted) */
json_t *profile_summary_json(void *state);

/* Free. NULL is a no-op. */
void profile_summary_free(void *state);

/* Count idle stack samples too (a "p" sample with "idle": 1: its thread
 * neither ran nor waited for a CPU since the sampler's previous look). By
 * default only on-CPU samples are counted, as py-spy does without
 * --idle; the idle ones are counted apart and the report says which. */
void profile_summary_set_idle(void *state, bool idle);

#endif
