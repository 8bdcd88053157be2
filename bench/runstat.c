/* runstat - run a command and print its wall time, CPU time (user+system)
 * and peak RSS with microsecond resolution, from wait4(2):
 *     runstat CMD ARGS...   ->   "WALL_US CPU_US MAXRSS_KB EXIT" on stderr
 * The command's own stdout/stderr are discarded. For bench/run.sh. */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	long long t0, t1, cpu;
	int status = 0;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: runstat CMD [ARGS...]\n");
		return 2;
	}
	t0 = now_us();
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return 2;
	t1 = now_us();
	cpu = (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
	    (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
	fprintf(stderr, "%lld %lld %ld %d\n", t1 - t0, cpu, ru.ru_maxrss,
	    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
