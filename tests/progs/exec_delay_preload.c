/* exec_delay_preload: an LD_PRELOAD shim that makes every fork()ed child
 * wait 300 ms before it goes on (a pthread_atfork child handler). Under
 * `tracecast rec --strace`, strace's child then runs as "strace" for 300 ms
 * before it execs the command: the slow exec of tests/e2e/prof_exec_delay.py
 * (issue 12, point 5). */
#include <pthread.h>
#include <time.h>

static void exec_delay_child(void)
{
	struct timespec ts = { 0, 300000000 };
	nanosleep(&ts, NULL);
}

__attribute__((constructor)) static void exec_delay_setup(void)
{
	pthread_atfork(NULL, NULL, exec_delay_child);
}
