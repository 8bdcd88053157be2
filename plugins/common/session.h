/* session.h - the step driver shared by the SMTP session
 * (plugins/smtp_tx/session.c) and the mailbox one (mbox.c): after the
 * connection, a session is a table of steps, each with the condition under
 * which it is wanted, run in order by session_run. */
#ifndef MP_SESSION_H
#define MP_SESSION_H

#include <stddef.h>

#include "err.h"
#include "phase.h"

/* One step. PHASE is the phase its round trips are billed to: the driver
 * begins it before the step runs. PHASE_NONE: the step makes no round trip
 * of its own (it judges what earlier steps read), or it begins the phase of
 * the one it may make itself (a capability list asked for again). A step
 * that makes round trips of several phases begins the later ones itself.
 * RUN gets the session's context (the caller's check struct) and returns 0
 * to go on, -1 with *e set, or another value that ends the run as well.
 * WHEN is the caller's own condition (a value of its enum), judged by the
 * WANTED given to session_run. AFTER_STOP: the step runs even once the
 * session's stop flag is set. */
struct session_step {
	enum phase_id phase;
	int (*run)(void *ctx, struct err *e);
	int when;
	int after_stop;
};

/* Run STEPS[0..N) on CTX in order until one returns anything else than 0:
 * a step runs when WANTED(CTX, its when) says so, and *STOP (read before
 * each step: a step may set it) is 0 or the step runs after_stop; its
 * phase is begun in PS first. Returns what the last step run returned, 0
 * when none ran. */
int session_run(const struct session_step *steps, size_t n, void *ctx,
    int (*wanted)(const void *ctx, int when), const int *stop,
    struct phase_set *ps, struct err *e);

#endif
