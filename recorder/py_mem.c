/* py_mem: process_vm_readv, all or nothing (see the header). */
#include "py_mem.h"

#include <errno.h>

#define PY_MEM_IOV_BATCH 1024 /* IOV_MAX */

int py_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = { buf, len }, r = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	return n < 0 ? -errno : -EFAULT;
}

int py_mem_readv(pid_t pid, const struct iovec *liov, const struct iovec *riov, size_t n)
{
	for (size_t i = 0; i < n; i += PY_MEM_IOV_BATCH) {
		size_t k = n - i < PY_MEM_IOV_BATCH ? n - i : PY_MEM_IOV_BATCH, want = 0;
		for (size_t j = 0; j < k; j++)
			want += liov[i + j].iov_len;
		ssize_t got = process_vm_readv(pid, liov + i, k, riov + i, k, 0);
		if (got < 0)
			return -errno;
		if ((size_t)got != want)
			return -EFAULT;
	}
	return 0;
}
