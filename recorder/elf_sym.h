/* elf_sym: turn sampled addresses of a process tree into function names.
 *
 * A symboliser keeps, per process, the file mappings it was told about
 * (from perf's MMAP2 records, or read from /proc/PID/maps for a process met
 * without them) and, per mapped file, the function symbols of its ELF
 * symbol tables (.symtab and .dynsym, sorted for binary search). The ELF64
 * reader is our own: it mmaps the file read-only and checks every offset
 * against the file's size, so a truncated or hostile file only loses its
 * names. With elf_sym_async, the tables are read on a loader thread and
 * handed back through an fd the caller polls. */
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
 * NUL-terminated): "name", "[object]" when the file has no symbol there
 * (or, with a loader thread, while its symbols are still being loaded),
 * "[unknown]" when no mapping holds it. A pid never seen is first loaded
 * from /proc/PID/maps. Returns buf. */
const char *elf_sym_lookup(elf_sym_t *es, pid_t pid, uint64_t addr,
			   char *buf, size_t size);

/* A sampled address pinned to its file: named later, whatever pid does
 * to its mappings meanwhile (files live as long as the symboliser). */
typedef struct elf_sym_frame {
	const struct efile *file; /* NULL: no mapping held the address */
	uint64_t off;             /* offset in the file */
} elf_sym_frame_t;

/* Pin addr of pid to its file (as elf_sym_lookup finds it). Returns true
 * when its name can be given now; false when the file's symbols are
 * being loaded by the loader thread (asked for here, once). Without a
 * loader thread the file is read here, on first use. */
bool elf_sym_locate(elf_sym_t *es, pid_t pid, uint64_t addr, elf_sym_frame_t *fr);

/* The file's symbols are there (or no file): elf_sym_frame_name names it. */
bool elf_sym_frame_ready(const elf_sym_frame_t *fr);

/* The frame's name, as elf_sym_lookup gives it ("[object]" while not
 * ready). Returns buf. */
const char *elf_sym_frame_name(const elf_sym_frame_t *fr, char *buf, size_t size);

/* From now on read symbol tables on a loader thread of our own, never on
 * the caller's (loading a big library's tables takes 0.2-0.5 s: the
 * recorder's loop must not stop that long). The thread takes no signals.
 * Returns an fd (eventfd) that is readable when loads finished: then call
 * elf_sym_collect. Calling it again returns the same fd. -errno. */
int elf_sym_async(elf_sym_t *es);

/* Take the files the loader finished (their frames become ready).
 * Returns how many. */
size_t elf_sym_collect(elf_sym_t *es);

/* Files asked of the loader and not collected yet. */
size_t elf_sym_loading(const elf_sym_t *es);

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
