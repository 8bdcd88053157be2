/* test_ext.c - the module loader of lib/ext.c: a module that cannot be
 * loaded fails every call the same way (the failure is kept, not retried),
 * and threads asking for a module at the same moment (the --all-mx
 * workers) all get it, loaded once. Run by `make check`, which sets
 * MAILPROBE_EXT_DIR to the build's lib/.libs (else lib/.libs from the
 * current directory). Built with -fsanitize=thread (this file, lib/ext.c,
 * err.c, sbuf.c), test_threads shows ThreadSanitizer any race in loading:
 * the unlocked ext_load before pthread_once had one on the module's table
 * pointer. */
#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "err.h"
#include "tls.h"
#include "tap.h"

#define THREADS 8

/* The TLS module from a directory without it, twice: the same failure,
 * the second time without a new attempt (the directory is right again). */
static void
test_load_failure(const char *dir)
{
	struct tls_info info;
	struct err e;
	char first[ERR_MSG_MAX];

	setenv("MAILPROBE_EXT_DIR", "/nonexistent/mailprobe", 1);
	err_clear(&e);
	is_int(tls_cert_file("/nonexistent/cert.pem", &info, &e), -1,
	    "no TLS module: tls_cert_file fails");
	is_int(e.kind, ERR_INTERNAL, "ERR_INTERNAL");
	ok(strncmp(e.msg, "cannot load the TLS module: /nonexistent/mailprobe/"
	    "mailprobe_tls.so: ", 50) == 0, "the message names the module: %s", e.msg);
	snprintf(first, sizeof(first), "%s", e.msg);

	setenv("MAILPROBE_EXT_DIR", dir, 1);
	err_clear(&e);
	is_int(tls_cert_file("/nonexistent/cert.pem", &info, &e), -1,
	    "the failure is kept: no second attempt");
	is_str(e.msg, first, "with the same message");
	tls_free(NULL);
	ok(1, "tls_free(NULL) with no module loaded");
}

struct worker {
	pthread_barrier_t *go;
	struct dns *d;
	struct err e;
};

static void *
worker_run(void *arg)
{
	struct worker *w = arg;

	err_clear(&w->e);
	pthread_barrier_wait(w->go);
	w->d = dns_new("127.0.0.1:53", &w->e);
	return NULL;
}

/* THREADS threads load the DNS module at the same moment. */
static void
test_threads(void)
{
	pthread_barrier_t go;
	pthread_t th[THREADS];
	struct worker w[THREADS];
	int i, started = 0, loaded = 0;

	pthread_barrier_init(&go, NULL, THREADS);
	for (i = 0; i < THREADS; i++) {
		w[i].go = &go;
		w[i].d = NULL;
		if (pthread_create(&th[i], NULL, worker_run, &w[i]) != 0)
			break;
		started++;
	}
	is_int(started, THREADS, "%d threads started", THREADS);
	if (started < THREADS) {
		/* the barrier would never open: nothing more to check */
		return;
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		if (w[i].d != NULL)
			loaded++;
		else
			diag("thread %d: %s", i, w[i].e.msg);
		dns_free(w[i].d);
	}
	pthread_barrier_destroy(&go);
	is_int(loaded, THREADS, "every thread got a resolver from the DNS module");
	dns_free(NULL);
	ok(1, "dns_free(NULL)");
}

int
main(void)
{
	const char *dir = getenv("MAILPROBE_EXT_DIR");
	char keep[4096];

	snprintf(keep, sizeof(keep), "%s", dir && *dir ? dir : "lib/.libs");
	test_load_failure(keep);
	test_threads();
	return done_testing();
}
