/* fetch_state.c - check_smtp_tx --fetch --state-file: for loops slower
 * than a check interval. The file (lib/probestate) lists the probes sent
 * and not seen yet; each run adds its own, looks once for all of them,
 * reports each one found with its delivery time and each one older than
 * --lost-after as lost, and writes the rest back. The file is locked with
 * flock for the run (a second run waits, within its deadline) and replaced
 * by rename, so that a crash leaves the old file or the new one, never
 * half of one. A missing, empty or corrupt file starts afresh with a
 * WARNING. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "fetch.h"
#include "probestate.h"
#include "smtp_tx.h"

static int fetch_state_open(const char *path, const struct deadline *dl, int *fdp,
    struct err *e);
static int fetch_state_read(int fd, struct probestate *ps, struct err *e);
static int fetch_state_write(const char *path, const struct probestate *ps,
    struct err *e);
static void fetch_state_verdict(struct smtp_check *s, struct fetch_run *f,
    struct probestate *ps, int mine);

static double
fetch_wall_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

void
fetch_probe_seen(struct fetch_probe *p, const char *folder, int junk)
{
	p->found = 1;
	p->junk = junk;
	p->seen_us = deadline_now_us();
	p->seen_at = fetch_wall_now();
	snprintf(p->folder, sizeof(p->folder), "%s", folder);
}

/* Open (create, mode 600) and lock PATH, waiting for another run's lock
 * until DL. */
static int
fetch_state_open(const char *path, const struct deadline *dl, int *fdp, struct err *e)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return err_sys(e, ERR_USAGE, errno, "cannot open --state-file %s: %s", path,
		    strerror(errno));
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			err_sys(e, ERR_INTERNAL, errno, "cannot lock --state-file %s: %s", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		if (deadline_left_ms(dl) <= 50) {
			close(fd);
			return err_set(e, ERR_TIMEOUT, "--state-file %s stayed locked by another "
			    "run", path);
		}
		(void)poll(NULL, 0, 50);
	}
	*fdp = fd;
	return 0;
}

/* The file's probes; -1 with *e (ERR_PROTO) when it is not a state file,
 * 1 when it is missing or empty (new). */
static int
fetch_state_read(int fd, struct probestate *ps, struct err *e)
{
	char *buf = malloc(PROBESTATE_FILE_MAX + 1);
	size_t len = 0;
	ssize_t n;
	int rc;

	memset(ps, 0, sizeof(*ps));
	if (buf == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	while (len < PROBESTATE_FILE_MAX + 1) {
		n = read(fd, buf + len, PROBESTATE_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	rc = len == 0 ? 1 : probestate_parse(buf, len, ps, e);
	free(buf);
	return rc;
}

/* Write PS to PATH.tmp, fsync it, and rename it over PATH. */
static int
fetch_state_write(const char *path, const struct probestate *ps, struct err *e)
{
	char tmp[4096];
	struct sbuf t;
	int fd, rc = 0;
	size_t off = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return err_set(e, ERR_USAGE, "--state-file name too long");
	sbuf_init(&t);
	probestate_format(ps, &t);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || t.failed) {
		rc = err_sys(e, ERR_INTERNAL, errno, "cannot write %s: %s", tmp,
		    t.failed ? "out of memory" : strerror(errno));
		goto out;
	}
	while (off < t.len) {
		ssize_t n = write(fd, t.s + off, t.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = err_sys(e, ERR_INTERNAL, errno, "cannot write %s: %s", tmp,
			    strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0 || rename(tmp, path) < 0)
		rc = err_sys(e, ERR_INTERNAL, errno, "cannot replace --state-file %s: %s",
		    path, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp);
	sbuf_free(&t);
	return rc;
}

/* Each probe: found (reported, removed from the state), lost (CRITICAL,
 * removed) or pending (kept). MINE is the index of this run's probe (-1:
 * none was added): never lost in the run that sent it, whatever
 * --lost-after says; the next run judges it. */
static void
fetch_state_verdict(struct smtp_check *s, struct fetch_run *f, struct probestate *ps,
    int mine)
{
	const struct fetch_config *fc = f->fc;
	double now = fetch_wall_now(), newest = -1;
	int i, found = 0, lost = 0, pending = 0;
	char text[256], when[64];

	for (i = ps->n - 1; i >= 0; i--) {
		const struct probestate_entry *x = &ps->e[i];
		const struct fetch_probe *p = &f->pend[i];
		struct tm tm;
		time_t sent = x->sent;

		gmtime_r(&sent, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		if (p->found) {
			/* this run's probe: from its DATA reply, to the microsecond */
			double d = i == mine ? (double)(p->seen_us - s->accepted_us) / 1e6 :
			    p->seen_at - (double)x->sent;

			found++;
			if (newest < 0)
				newest = d;
			result_detail(&s->p.res, "probe %s sent at %s (queued as %s) delivered "
			    "to %s after %.3f s", x->token, when, x->queue_id[0] ? x->queue_id :
			    "?", p->folder[0] ? p->folder : "the mailbox", d);
			if (p->junk)
				result_problem(&s->p.res, STATE_WARNING, "%s: probe sent at %s "
				    "(queued as %s) delivered to the junk folder %s of %s",
				    s->p.target, when, x->queue_id[0] ? x->queue_id : "?", p->folder,
				    fc->url_arg);
			probestate_remove(ps, i);
		} else if (i != mine && now - (double)x->sent > (double)fc->lost_after) {
			lost++;
			result_problem(&s->p.res, STATE_CRITICAL, "%s: probe sent at %s (queued "
			    "as %s) lost: not in %s after %.0f s (--lost-after %ld)", s->p.target,
			    when, x->queue_id[0] ? x->queue_id : "?", fc->url_arg,
			    now - (double)x->sent, fc->lost_after);
			probestate_remove(ps, i);
		} else {
			pending++;
			result_detail(&s->p.res, "probe %s sent at %s (queued as %s) pending",
			    x->token, when, x->queue_id[0] ? x->queue_id : "?");
		}
	}
	if (newest >= 0)
		phase_add(&s->p.phases, PHASE_DELIVERY, newest);
	snprintf(text, sizeof(text), ", %d probe%s delivered, %d pending", found,
	    found == 1 ? "" : "s", pending);
	fetch_ok_add(s, text);
	snprintf(text, sizeof(text), "state file %s: %d delivered, %d pending, %d lost; "
	    "%d stale probe message%s older than %ld s removed", fc->state_file, found,
	    pending, lost, f->stale, f->stale == 1 ? "" : "s", fc->lost_after);
	fetch_detail_first(&s->p.res, text);
}

void
smtp_fetch_stateful(struct smtp_check *s, struct fetch_run *f)
{
	const struct fetch_config *fc = f->fc;
	struct probestate *ps = calloc(1, sizeof(*ps));
	struct err e;
	int fd = -1, rc, i, mine = -1;

	err_clear(&e);
	if (ps == NULL || (f->pend = calloc(PROBESTATE_MAX, sizeof(*f->pend))) == NULL) {
		result_problem(&s->p.res, STATE_UNKNOWN, "--state-file: out of memory");
		goto out;
	}
	if (fetch_state_open(fc->state_file, &f->wait, &fd, &e) < 0) {
		result_problem(&s->p.res, e.kind == ERR_TIMEOUT ? STATE_WARNING : STATE_UNKNOWN,
		    "%s", e.msg);
		goto out;
	}
	rc = fetch_state_read(fd, ps, &e);
	if (rc != 0)
		result_problem(&s->p.res, STATE_WARNING, "--state-file %s %s: started afresh",
		    fc->state_file, rc > 0 ? "was missing or empty" : e.msg);
	if (rc < 0)
		memset(ps, 0, sizeof(*ps));
	err_clear(&e);
	if (probestate_add(ps, s->msg->token, s->accepted_at, s->queue_id, &e) < 0)
		result_problem(&s->p.res, STATE_UNKNOWN, "--state-file: %s", e.msg);
	else
		mine = ps->n - 1;   /* added last (older ones dropped to make room) */
	if (ps->dropped)
		result_problem(&s->p.res, STATE_WARNING, "--state-file %s: %d probe%s "
		    "dropped to keep it within %d", fc->state_file, ps->dropped,
		    ps->dropped == 1 ? "" : "s", PROBESTATE_MAX);
	for (i = 0; i < ps->n; i++)
		f->pend[i].token = ps->e[i].token;
	f->npend = ps->n;
	if (fetch_session(s, f) == 0)
		fetch_state_verdict(s, f, ps, mine);
	err_clear(&e);
	if (fetch_state_write(fc->state_file, ps, &e) < 0)
		result_problem(&s->p.res, STATE_WARNING, "%s", e.msg);
out:
	if (fd >= 0)
		close(fd);   /* and the lock with it, after the rename */
	free(f->pend);
	f->pend = NULL;
	free(ps);
}
