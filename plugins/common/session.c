/* session.c - see session.h */
#include <config.h>

#include "session.h"

int
session_run(const struct session_step *steps, size_t n, void *ctx,
    int (*wanted)(const void *ctx, int when), const int *stop,
    struct phase_set *ps, struct err *e)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++) {
		if ((*stop && !steps[i].after_stop) || !wanted(ctx, steps[i].when))
			continue;
		if (steps[i].phase != PHASE_NONE)
			phase_begin(ps, steps[i].phase);
		rc = steps[i].run(ctx, e);
	}
	return rc;
}
