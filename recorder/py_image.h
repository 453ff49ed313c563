/* py_image: where a process's CPython runtime is.
 *
 * The CPython image is the python3.x executable or libpython3.x.so that
 * /proc/PID/maps shows; the addresses of _PyRuntime, Py_Version and the
 * code/str/dict type objects come from that file's ELF symbols (elf_sym),
 * moved by the mapping's load bias. The process must run the CPython
 * version the recorder was built against (its Py_Version, read from its
 * memory): the structure offsets (py_mem.h) are that version's. */
#ifndef TRACECAST_PY_IMAGE_H
#define TRACECAST_PY_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "py_mem.h"

#if PYO_OK
/* The addresses in the process. */
typedef struct py_image {
	uint64_t runtime;           /* _PyRuntime */
	uint64_t code_type, str_type, dict_type;
} py_image_t;

/* Find pid's CPython image into *out. Returns 0; -ENOEXEC when none is
 * mapped (not a Python process, or not yet); -EPROTONOSUPPORT when it is
 * another version (err says which); -EPERM/-EACCES when its memory may
 * not be read; -ESRCH when it is gone. err (errsz bytes) gets a one-line
 * reason on failure. */
int py_image_find(pid_t pid, py_image_t *out, char *err, size_t errsz);

/* The version the offsets are of: "3.11". */
const char *py_image_version(void);
#endif

#endif
