/* pyout_source: the outside Python sampler, a recorder source.
 *
 * It samples every CPython process of the recorded tree (the command and
 * all its descendants) and of each --strace-pid target's tree from the
 * recorder's own poll loop (deadline/tick hooks, no thread): HZ times a
 * second, on the grid of multiples of 1/HZ plus half the batch grid
 * (rec_batch_next), each Python process's threads are read from outside
 * with py_walk (process_vm_readv). Nothing is added to the command's
 * environment and nothing runs inside it, so its output, exit status and
 * syscalls are those of an unprofiled run.
 *
 * Events ("p", stamped when the process was read):
 *   {"src":"py","pid":P,"tid":T,"stack":"mod:fn;mod:fn","state":"R"}
 *   ... "state":"S","idle":true}     the thread was not on a CPU
 *   {"src":"py","pid":P,"lost":N,"late":L,"torn":T,"deep":D,"lost_s":S}
 * state is the thread's /proc/PID/task/TID/stat state letter when it was
 * read; idle is written for any state but R. A lost event says that N
 * thread samples were not taken: L rounds came late (the loop was busy:
 * one per round and process), T threads' stacks changed under every try
 * or could not be read, D were chains that loop or are too deep; S is N
 * times the period.
 *
 * Processes are found every REC_BATCH_NS through the kernel's children
 * lists (/proc/PID/task/TID/children of each process of the trees; where
 * the kernel lacks them, as the proc sampler finds them: the pids handed
 * out since the last look, from /proc/loadavg); a process whose
 * executable changes (exec) is looked at again. A Python process that
 * cannot be read (another CPython version, permission) is not sampled and
 * named in one warning at the end. A process none of whose threads has
 * run since the last walk (schedstat) gets its last stacks again without
 * a walk. */
#ifndef TRACECAST_PYOUT_SOURCE_H
#define TRACECAST_PYOUT_SOURCE_H

#include <stddef.h>
#include <sys/types.h>

#include "rec_notice.h"
#include "rec_source.h"

/* Can the recorder read its children's memory here (process_vm_readv on a
 * forked child of its own)? 0, or -errno with a one-line reason in err. */
int pyout_probe(char *err, size_t errsz);

/* Fill *src with the outside sampler at hz (1..10000), also sampling the
 * trees of the n_attach pids in attach (--strace-pid); its end-of-session
 * warnings go to notes (may be NULL). Returns 0, -EINVAL or -ENOMEM. */
int pyout_source_new(rec_source_t *src, unsigned hz, const pid_t *attach, size_t n_attach,
		     rec_notes_t *notes);

#endif
