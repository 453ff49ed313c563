/* elf_sym: turn sampled addresses of a process tree into function names.
 *
 * A symboliser keeps, per process, the file mappings it was told about
 * (from perf's MMAP2 records, or read from /proc/PID/maps for a process met
 * without them) and, per mapped file, the function symbols of its ELF
 * symbol tables (.symtab and .dynsym, sorted for binary search). The ELF64
 * reader is our own: it mmaps the file read-only and checks every offset
 * against the file's size, so a truncated or hostile file only loses its
 * names. */
#ifndef TRACECAST_ELF_SYM_H
#define TRACECAST_ELF_SYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct elf_sym elf_sym_t;

/* A new, empty symboliser. Returns 0 and *out, or -ENOMEM. */
int elf_sym_new(elf_sym_t **out);

/* Process pid mapped path at [start, start+len) from file offset pgoff.
 * Non-file mappings ("[vdso]", "//anon") are ignored. 0 or -ENOMEM. */
int elf_sym_add_map(elf_sym_t *es, pid_t pid, uint64_t start, uint64_t len,
		    uint64_t pgoff, const char *path);

/* pid was forked from ppid: it starts with a copy of ppid's mappings. */
int elf_sym_fork(elf_sym_t *es, pid_t ppid, pid_t pid);

/* pid called exec (or exited): its mappings are forgotten, and pid is
 * marked known (so /proc/PID/maps is not read for it). */
void elf_sym_exec(elf_sym_t *es, pid_t pid);
void elf_sym_exit(elf_sym_t *es, pid_t pid);

/* Name of the function holding addr in pid, written into buf (always
 * NUL-terminated): "name", "[object]" when the file has no symbol there,
 * "[unknown]" when no mapping holds it. A pid never seen is first loaded
 * from /proc/PID/maps. Returns buf. */
const char *elf_sym_lookup(elf_sym_t *es, pid_t pid, uint64_t addr,
			   char *buf, size_t size);

/* Load pid's mappings from /proc/PID/maps (replacing what was known).
 * 0 or -errno. */
int elf_sym_load_proc(elf_sym_t *es, pid_t pid);

/* What elf_sym_file_values() says of a file besides its symbols. */
typedef struct elf_file_info {
	bool pie;               /* ET_DYN: loaded at a bias */
	uint64_t vaddr_at_off0; /* the virtual address of file offset 0 */
} elf_file_info_t;

/* The values (st_value) of the named symbols, of any type, from the
 * .dynsym and .symtab of the ELF64 file at path: values[i] = 0 when
 * names[i] is not there. In a process that maps the file at start from
 * file offset pgoff, a value v is at v - vaddr_at_off0 + start - pgoff
 * (pie) or at v (not pie). Returns 0, or -errno (-EINVAL: not ELF64). */
int elf_sym_file_values(const char *path, const char *const *names, size_t n,
			uint64_t *values, elf_file_info_t *info);

/* Free everything. NULL is a no-op. */
void elf_sym_free(elf_sym_t *es);

#endif
