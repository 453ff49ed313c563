/* prof_burner: a workload with known phases for the profile tests.
 *
 * Phases, each announced on stdout (an "o" event) and, when TRACECAST_CTL
 * is set, as a marker through the control socket ("m" event), so a test
 * can find them on the timeline:
 *   busy  1 s of CPU in one thread; then "busy cpu F" gives the fraction
 *         of a core it really got (less on a loaded machine);
 *   idle  1 s asleep; a forked child lives ~0.5 s meanwhile (its pid is
 *         printed), then exits;
 *   mem   touches 200 MB (kept until the end);
 *   end   after 0.5 s more.
 * Usage: prof_burner [MB] (default 200). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Print the phase and send it as a marker (best effort). */
static void phase(const char *name)
{
	printf("phase %s\n", name);
	fflush(stdout);
	const char *path = getenv("TRACECAST_CTL");
	if (!path)
		return;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		char line[128];
		int n = snprintf(line, sizeof(line), "{\"code\":\"m\",\"data\":\"%s\"}\n", name);
		if (write(fd, line, (size_t)n) != n)
			perror("prof_burner: marker");
	}
	if (fd >= 0)
		close(fd);
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) != 0)
		;
}

__attribute__((noinline)) static unsigned long burn(double secs)
{
	volatile unsigned long x = 0;
	double end = now_s() + secs;
	while (now_s() < end)
		for (int i = 0; i < 10000; i++)
			x += (unsigned long)i * 7;
	return x;
}

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? (size_t)atol(argv[1]) : 200;
	phase("busy");
	double w0 = now_s(), c0 = cpu_s();
	burn(1.0);
	printf("busy cpu %.3f\n", (cpu_s() - c0) / (now_s() - w0));
	phase("idle");
	pid_t c = fork();
	if (c == 0) {
		sleep_s(0.5);
		_exit(0);
	}
	printf("child %d\n", (int)c);
	fflush(stdout);
	sleep_s(1.0);
	int st;
	waitpid(c, &st, 0);
	phase("mem");
	char *p = malloc(mb << 20);
	if (!p)
		return 1;
	for (size_t i = 0; i < (mb << 20); i += 4096)
		p[i] = (char)i;
	sleep_s(0.5);
	phase("end");
	printf("sum %d\n", p[4096 * 3]);
	return 0;
}
