/* profile_source: the --profile event sources of the recorder.
 *
 * spec is the --profile value: a comma list of SOURCE[:HZ] with SOURCE in
 * proc (default 20 Hz), perf (99 Hz), python (100 Hz), python-inside,
 * python-outside (100 Hz; at most one of the three python ones); NULL or
 * "" means "proc". Each source emits "p" events (JSON text, see
 * docs/FORMAT.md). python is the outside sampler (pyout_source.h) when
 * the recorder may read its children's memory, else the in-process one
 * (python_source.h) after one warning; python-inside and python-outside
 * force one (python-outside fails, -EPERM, where it cannot run). */
#ifndef TRACECAST_PROFILE_SOURCE_H
#define TRACECAST_PROFILE_SOURCE_H

#include <stddef.h>
#include <sys/types.h>

#include "rec_notice.h"
#include "rec_source.h"

/* Fill srcs[0..*n) (at most max). On a bad spec notes a message and
 * returns -EINVAL; otherwise 0 (a source that cannot run here, e.g. perf
 * refused, warns once and is left out or runs disabled). */
int profile_sources_new(const char *spec, rec_source_t *srcs, size_t max, size_t *n,
			rec_notes_t *notes);

/* The same, the outside python sampler also sampling the trees of the
 * n_attach pids in attach (--strace-pid targets). */
int profile_sources_new_attach(const char *spec, const pid_t *attach, size_t n_attach,
			       rec_source_t *srcs, size_t max, size_t *n, rec_notes_t *notes);

/* For a profiler source's prepare hook: set KEY (e.g. "perf_hz") to hz in
 * the "profile" object of the header's sources object, creating that
 * object if needed. sources NULL is a no-op. Returns 0 or -ENOMEM. */
int profile_source_note_rate(json_t *sources, const char *key, unsigned hz);

#endif
