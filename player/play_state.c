/* play_state: the player's play clock (see play_state.h). */
#include <stdio.h>
#include <time.h>

#include "tracecast/cast_types.h"
#include "play_state.h"

int64_t play_state_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * PLAY_NS + ts.tv_nsec;
}

/* base + d as a time, saturated: d may be huge or NaN (times come from the
 * file, the speed from the user); |base| stays below 5e18 (a monotonic
 * clock, or a play time of at most CAST_TIME_MAX_NS). */
int64_t play_state_add_ns(int64_t base, double d)
{
	if (d != d)
		d = 0;
	if (d > 4e18)
		d = 4e18;
	if (d < -4e18)
		d = -4e18;
	return cast_time_add(base, (int64_t)d);
}

/* Current play-clock position. */
int64_t play_state_v(const play_state_t *p, int64_t now)
{
	if (p->paused)
		return p->v0;
	return play_state_add_ns(p->v0, (double)(now - p->wall0) * p->speed);
}

/* Put the play clock at v (clamped), keeping the run state. */
void play_state_set_v(play_state_t *p, int64_t v, int64_t now)
{
	if (v < p->v_from)
		v = p->v_from;
	if (v > p->v_end)
		v = p->v_end;
	p->v0 = v;
	p->wall0 = now;
	p->t = timeline_from_play(p->tl, v);
	p->dirty = true;
}

/* Put the playhead at recording time t exactly (a time inside a gap the
 * idle limit shortens has no play-clock time of its own). */
void play_state_set_t(play_state_t *p, int64_t t, int64_t now)
{
	play_state_set_v(p, timeline_to_play(p->tl, t), now);
	if (p->v0 > p->v_from && p->v0 < p->v_end)
		p->t = t;
}

void play_state_message(play_state_t *p, const char *msg, int64_t now)
{
	snprintf(p->message, sizeof(p->message), "%.159s", msg);
	p->message_until = now + PLAY_MSG_NS;
	p->dirty = true;
}

void play_state_set_paused(play_state_t *p, bool paused, int64_t now)
{
	if (paused == p->paused)
		return;
	p->v0 = play_state_v(p, now);
	p->wall0 = now;
	p->paused = paused;
	p->dirty = true;
}

/* Advance the clock while playing: end, loop, markers. */
void play_state_tick(play_state_t *p, int64_t now)
{
	if (p->paused)
		return;
	int64_t v = play_state_v(p, now);
	int64_t t_prev = p->t;
	if (v >= p->v_end) {
		if (p->o->loop) {
			play_state_set_v(p, p->v_from, now);
			return;
		}
		play_state_set_v(p, p->v_end, now);
		play_state_set_paused(p, true, now);
		if (p->o->quit_at_end)
			p->quit = true;
		return;
	}
	int64_t t = timeline_from_play(p->tl, v);
	if (p->o->pause_on_markers) {
		const tl_marker_t *m = timeline_marker_next(p->tl, t_prev);
		if (m && m->t <= t) {
			play_state_set_v(p, timeline_to_play(p->tl, m->t), now);
			play_state_set_paused(p, true, now);
			return;
		}
	}
	if (t != p->t)
		p->dirty = true;
	p->t = t;
}
