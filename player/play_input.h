/* play_input: what the interactive player's keys do.
 *
 * One key at a time, from the player's loop: the run state and the clock
 * (space, . , arrows, 0-9, [ ], + -), the view (o s p e z, pan < > c and
 * Up/Down), the help box (? pauses; Esc, ? or q close it), the focused
 * syscall panel (Tab, Up/Down, Enter, Esc), the filter prompt (/, with the
 * grammar of sys_filter.h), the output search (t, n, N: the output as
 * shown, timeline_search_output) and the jumps to the next/previous
 * failed (f F) or slow (l L) call among those the panel shows. Keys
 * change the state (play_state.h) and mark it dirty; q and Ctrl-C set
 * quit. Nothing is drawn here. */
#ifndef TRACECAST_PLAY_INPUT_H
#define TRACECAST_PLAY_INPUT_H

#include <stdint.h>

#include "keys.h"
#include "play_state.h"

/* Act on key k read at now. */
void play_input_key(play_state_t *p, const keypress_t *k, int64_t now);
/* The prompt being typed ("search: TEXT_" or "filter: TEXT_") into
 * p->prompt, and true; false when none is. */
bool play_input_prompt(play_state_t *p);

#endif
