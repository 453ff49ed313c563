/* overlay_profile: the profile strip.
 *
 * Rows: CPU% sparkline and RSS sparkline of the recorded tree over a
 * window around the playhead (the playhead's column marked, the part after
 * it dim), then the top process's comm, state and wait channel at the
 * playhead, then (for stack sources) the hottest frame of the last second. */
#ifndef TRACECAST_OVERLAY_PROFILE_H
#define TRACECAST_OVERLAY_PROFILE_H

#include <stdint.h>

#include "frame.h"
#include "timeline.h"

/* Rows the strip wants for this recording (0 when it has no samples). */
int overlay_profile_rows(const timeline_t *tl);
/* Draw into the w x h rectangle at (row, col) of f for playhead t. */
void overlay_profile_draw(frame_t *f, int row, int col, int w, int h,
			  const timeline_t *tl, int64_t t);
/* The hottest leaf frame among stack samples in (t - 1 s, t]: its text
 * (NULL when none) and share of those samples in *pct. */
const char *overlay_profile_hottest(const timeline_t *tl, int64_t t, int *pct);

#endif
