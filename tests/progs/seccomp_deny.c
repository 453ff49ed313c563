/* seccomp_deny: run a command where one syscall fails with an errno, as
 * under a container's seccomp profile, to test refusal paths without
 * touching system-wide settings (perf_event_paranoid, ptrace_scope):
 *   seccomp_deny perf_event_open EACCES COMMAND [ARG...]
 *   seccomp_deny ptrace EPERM COMMAND [ARG...]
 *   seccomp_deny process_vm_readv EPERM COMMAND [ARG...]
 * Exits 77 when the filter cannot be installed, 127 when exec fails. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: seccomp_deny perf_event_open|ptrace|process_vm_readv EACCES|EPERM COMMAND [ARG...]\n");
		return 2;
	}
	unsigned nr, err;
	if (!strcmp(argv[1], "perf_event_open"))
		nr = __NR_perf_event_open;
	else if (!strcmp(argv[1], "ptrace"))
		nr = __NR_ptrace;
	else if (!strcmp(argv[1], "process_vm_readv"))
		nr = __NR_process_vm_readv;
	else {
		fprintf(stderr, "seccomp_deny: unknown syscall %s\n", argv[1]);
		return 2;
	}
	if (!strcmp(argv[2], "EACCES"))
		err = EACCES;
	else if (!strcmp(argv[2], "EPERM"))
		err = EPERM;
	else {
		fprintf(stderr, "seccomp_deny: unknown errno %s\n", argv[2]);
		return 2;
	}
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		perror("seccomp_deny: seccomp");
		return 77;
	}
	execvp(argv[3], argv + 3);
	perror("seccomp_deny: exec");
	return 127;
}
