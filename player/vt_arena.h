/* vt_arena: the memory of one libvterm instance, in one place, so that the
 * whole terminal can be saved and put back (screen snapshots).
 *
 * libvterm 0.1.4 cannot clone a screen, and its public API does not show
 * all the state that decides what later output does: the scroll region,
 * origin/insert/autowrap modes, charset designations, tab stops, the saved
 * cursor, the pending-wrap flag, a half-parsed escape sequence, and the
 * primary buffer while the alternate one is shown. Rebuilding a screen
 * from what the API shows (cells, pen, cursor) would therefore differ
 * after some outputs. Instead libvterm is given this allocator
 * (vterm_new_with_allocator): every byte it allocates lives in one
 * reserved address range, so a copy of the range's used part is the whole
 * terminal state, exact by construction, and copying it back to the same
 * addresses restores it (every internal pointer stays valid).
 *
 * The range is reserved with mmap(MAP_NORESERVE) and only the pages used
 * are backed; it is large enough for libvterm's biggest screen (4096x4096,
 * both buffers, during a resize). First-fit blocks with a header; the
 * allocator's own state (the break) is inside the range, so it is saved
 * and restored with the rest. */
#ifndef TRACECAST_VT_ARENA_H
#define TRACECAST_VT_ARENA_H

#include <stddef.h>

#include <vterm.h>

typedef struct vt_arena vt_arena_t;

/* Reserve an arena. NULL when the address space cannot be reserved. */
vt_arena_t *vt_arena_new(void);
void vt_arena_free(vt_arena_t *a);
/* Forget every allocation (the next ones start again at the bottom). */
void vt_arena_reset(vt_arena_t *a);
/* The allocator functions to pass with a as allocdata. */
VTermAllocatorFunctions *vt_arena_funcs(void);
/* The used part: [base, base + used). */
void *vt_arena_base(const vt_arena_t *a);
size_t vt_arena_used(const vt_arena_t *a);
/* Make n bytes at the bottom usable (before copying a saved image in:
 * under ASan, unpoisoned up to n or the used part, whichever is more;
 * vt_arena_repoison after the copy). Returns 0 or -ENOMEM. */
int vt_arena_prepare(vt_arena_t *a, size_t n);
/* ASan builds: block headers, a redzone after each block and free blocks
 * are poisoned, so libvterm's heap overruns are still caught inside the
 * arena. Unpoison the whole used part before copying it out or in, and
 * poison again after (no-ops without ASan). */
void vt_arena_unpoison(vt_arena_t *a);
void vt_arena_repoison(vt_arena_t *a);

#endif
