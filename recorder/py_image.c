/* py_image: the CPython image of a process and its runtime's addresses
 * (see the header). */
#include "py_image.h"

#if PYO_OK

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "elf_sym.h"

const char *py_image_version(void)
{
#define PI_STR2(x) #x
#define PI_STR(a, b) PI_STR2(a) "." PI_STR2(b)
	return PI_STR(PYO_MAJOR, PYO_MINOR);
}

/* Find the CPython image mapped by pid and the symbols' addresses. */
static int pi_find(pid_t pid, py_image_t *out, uint64_t *version_addr, char *err,
		   size_t errsz)
{
	static const char *const names[] = {
		"_PyRuntime", "Py_Version", "PyCode_Type", "PyUnicode_Type", "PyDict_Type",
	};
	char path[64], line[4096], tried[PATH_MAX] = "";
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	FILE *fp = fopen(path, "re");
	if (!fp)
		return errno == ENOENT ? -ESRCH : -errno;
	int ret = -ENOEXEC;
	snprintf(err, errsz, "no CPython image mapped");
	while (fgets(line, sizeof line, fp)) {
		uint64_t start, end, pgoff;
		int pos = 0;
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64 " %*s %*s %n",
			   &start, &end, &pgoff, &pos) < 3 || pos == 0)
			continue;
		char *file = line + pos;
		file[strcspn(file, "\n")] = '\0';
		const char *base = strrchr(file, '/');
		if (file[0] != '/' || !base)
			continue;
		base++;
		if (strncmp(base, "python", 6) != 0 && strncmp(base, "libpython", 9) != 0)
			continue;
		if (!strcmp(file, tried))
			continue; /* its first mapping was looked at already */
		snprintf(tried, sizeof tried, "%s", file);
		uint64_t v[5];
		elf_file_info_t info;
		if (elf_sym_file_values(file, names, 5, v, &info) < 0 || !v[0])
			continue;
		uint64_t bias = info.pie ? start - pgoff - info.vaddr_at_off0 : 0;
		if (!v[1]) {
			snprintf(err, errsz, "%s has no Py_Version: older than CPython 3.11", file);
			ret = -EPROTONOSUPPORT;
			continue;
		}
		if (!v[2] || !v[3] || !v[4]) {
			snprintf(err, errsz, "%s lacks the type objects' symbols", file);
			ret = -EPROTONOSUPPORT;
			continue;
		}
		out->runtime = v[0] + bias;
		*version_addr = v[1] + bias;
		out->code_type = v[2] + bias;
		out->str_type = v[3] + bias;
		out->dict_type = v[4] + bias;
		ret = 0;
		break;
	}
	fclose(fp);
	return ret;
}

int py_image_find(pid_t pid, py_image_t *out, char *err, size_t errsz)
{
	uint64_t vaddr = 0, version = 0;
	int r = pi_find(pid, out, &vaddr, err, errsz);
	if (r < 0)
		return r;
	if ((r = py_mem_read(pid, vaddr, &version, sizeof version)) < 0) {
		snprintf(err, errsz, "cannot read its memory: %s", strerror(-r));
		return r;
	}
	if ((version >> 16) != (PYO_VERSION_HEX >> 16)) {
		snprintf(err, errsz, "it runs CPython %u.%u; the outside sampler reads %s only",
			 (unsigned)(version >> 24), (unsigned)((version >> 16) & 0xff),
			 py_image_version());
		return -EPROTONOSUPPORT;
	}
	return 0;
}

#else /* no CPython headers at build time */
typedef int py_image_none_t; /* ISO C: a translation unit declares something */
#endif
