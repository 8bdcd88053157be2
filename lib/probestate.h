/* probestate.h - the state file of check_smtp_tx --fetch --state-file:
 * the probes sent and not yet seen in the mailbox, as text, parsed and
 * written by pure functions (the plugin does the locking and the I/O).
 *
 *   mailprobe-state 1
 *   mp-1796455674-8ef80d6f4e1b82c8 1796455674 4F1C2A7215B
 *
 * One probe a line: its token, when it was sent (Unix seconds), its queue
 * id ("-" when the server named none). At most PROBESTATE_MAX probes: the
 * oldest beyond are dropped (and counted), so the file stays small. */
#ifndef MP_PROBESTATE_H
#define MP_PROBESTATE_H

#include <stddef.h>
#include <time.h>

#include "err.h"
#include "sbuf.h"

#define PROBESTATE_MAX 64
#define PROBESTATE_FILE_MAX 16384      /* bytes: more is a corrupt file */
#define PROBESTATE_TOKEN_MAX 64
#define PROBESTATE_QID_MAX 64

struct probestate_entry {
	char token[PROBESTATE_TOKEN_MAX];
	time_t sent;
	char queue_id[PROBESTATE_QID_MAX];
};

struct probestate {
	int n;
	int dropped;                   /* probes dropped to stay within the bound */
	struct probestate_entry e[PROBESTATE_MAX];
};

/* Parse TEXT (LEN bytes; empty is an empty state) into *PS. ERR_PROTO
 * naming the line when it is not a state file: the caller starts afresh
 * and says so. */
int probestate_parse(const char *text, size_t len, struct probestate *ps,
    struct err *e);

/* Add a probe (the oldest one is dropped when full). TOKEN must look like
 * a probe token and QID be one word or NULL/"": ERR_INTERNAL otherwise. */
int probestate_add(struct probestate *ps, const char *token, time_t sent,
    const char *qid, struct err *e);

/* Remove entry I (0 <= I < n), keeping the order of the others. */
void probestate_remove(struct probestate *ps, int i);

/* The file's text for PS, into OUT. */
void probestate_format(const struct probestate *ps, struct sbuf *out);

#endif
