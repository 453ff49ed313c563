/* py_mem: reading another process's memory for the outside Python
 * sampler (process_vm_readv only: nothing stops the process), and the
 * spans of CPython's objects it reads (structure offsets from the
 * headers of the version built against: build/gen/py_offsets.h, made by
 * recorder/pyout/py_offsets_probe.c; PYO_OK is 0 without them).
 *
 * A read is all or nothing: 0, or -errno (-ESRCH: the process is gone;
 * -EPERM: not ours to read; -EFAULT: part of a range is not mapped, or
 * the kernel stopped at a range that failed). */
#ifndef TRACECAST_PY_MEM_H
#define TRACECAST_PY_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "py_offsets.h" /* generated at build time: build/gen/py_offsets.h */

#if PYO_OK
/* Bytes read of a _PyInterpreterFrame, of a code object (up to its
 * _co_firsttraceable) and of a PyThreadState (up to the last field used) */
#define PY_MEM_FR_BYTES (PYO_FR_OWNER + 1)
#define PY_MEM_CO_BYTES (PYO_CO_FIRSTTRACEABLE + 4)
#define PY_MEM_MAX_(a, b) ((a) > (b) ? (a) : (b))
#define PY_MEM_TS_BYTES (PY_MEM_MAX_(PYO_TS_NATIVE_ID, PY_MEM_MAX_(PYO_TS_DATASTACK_CHUNK, \
								   PYO_TS_DATASTACK_TOP)) + 8)

/* One frame as a chain walk read it: its bytes and its code object's. */
typedef struct py_mem_frame {
	uint64_t addr;
	int where;                  /* read from: 0 the top chunk, 1 + k window k, -1 alone */
	size_t vat;                 /* where its re-read is in the check's buffer */
	unsigned char raw[PY_MEM_FR_BYTES];
	unsigned char code[PY_MEM_CO_BYTES];
} py_mem_frame_t;
#endif

/* The 64- and 32-bit values at off of bytes read (any alignment). */
static inline uint64_t py_mem_rd64(const unsigned char *p, size_t off)
{
	uint64_t v;
	memcpy(&v, p + off, sizeof v);
	return v;
}

static inline uint32_t py_mem_rd32(const unsigned char *p, size_t off)
{
	uint32_t v;
	memcpy(&v, p + off, sizeof v);
	return v;
}

/* Read len bytes at addr of process pid into buf: 0, or -errno as above. */
int py_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len);

/* Read the n ranges riov[i] into liov[i] (the same lengths) in as few
 * calls as the kernel allows (IOV_MAX ranges a call): 0 when every byte
 * was read, or -errno as above. */
int py_mem_readv(pid_t pid, const struct iovec *liov, const struct iovec *riov, size_t n);

#endif
