/* python_source: the --profile=python source of the recorder.
 *
 * It has no fd and no tick: prepare puts tracecast's Python folder first
 * on the child's PYTHONPATH (keeping what was there) and sets
 * TRACECAST_PY_HZ; the sitecustomize.py there chains any other
 * sitecustomize and starts a sampler thread in every Python process of the
 * session, which sends {"src":"py",...} samples through the control socket
 * ($TRACECAST_CTL, the ctl source). The folder is found as:
 * $TRACECAST_PYTHONPATH if set; else next to the executable
 * (DIR/recorder/python, DIR/../recorder/python for a build tree,
 * DIR/../share/tracecast/python once installed).
 *
 * The sampler's native module (_tracecast_sampler, recorder/pysampler/) is
 * looked for in DIR/python, DIR/build/python (build trees) and the sampler
 * folder itself (installed); its folder goes to the child as
 * $TRACECAST_PY_NATIVE unless that is set already (set and empty: the
 * pure-Python sampler). The sampler loads it only if it was built for the
 * running Python. */
#ifndef TRACECAST_PYTHON_SOURCE_H
#define TRACECAST_PYTHON_SOURCE_H

#include <stddef.h>

#include "rec_notice.h"
#include "rec_source.h"

/* Find the sampler folder into buf (size bytes). Returns 0, or -ENOENT
 * with nothing printed. */
int python_source_find_dir(char *buf, size_t size);

/* Find the native module's folder into buf (size bytes): 0, or -ENOENT. */
int python_source_find_native(const char *pydir, char *buf, size_t size);

/* Fill *src with the "python" source at hz (1..10000). Returns 0, -EINVAL
 * (bad hz), -ENOENT (folder not found: message noted, saying how to set
 * TRACECAST_PYTHONPATH) or -ENOMEM. */
int python_source_new(rec_source_t *src, unsigned hz, rec_notes_t *notes);

#endif
