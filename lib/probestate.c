/* probestate.c - see probestate.h */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probestate.h"

#define PROBESTATE_MAGIC "mailprobe-state 1"

static int probestate_word_ok(const char *w, size_t n, int token);

/* A token: "mp-" digits "-" hex; a queue id: printable, no blanks. */
static int
probestate_word_ok(const char *w, size_t n, int token)
{
	size_t i;

	if (n == 0)
		return 0;
	if (token) {
		if (n >= PROBESTATE_TOKEN_MAX || n < 6 || strncmp(w, "mp-", 3) != 0)
			return 0;
		for (i = 3; i < n; i++)
			if (!isalnum((unsigned char)w[i]) && w[i] != '-')
				return 0;
		return 1;
	}
	if (n >= PROBESTATE_QID_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!isgraph((unsigned char)w[i]))
			return 0;
	return 1;
}

int
probestate_parse(const char *text, size_t len, struct probestate *ps, struct err *e)
{
	size_t i = 0, lineno = 0;

	memset(ps, 0, sizeof(*ps));
	if (len == 0)
		return 0;
	if (len > PROBESTATE_FILE_MAX)
		return err_set(e, ERR_PROTO, "larger than %d bytes", PROBESTATE_FILE_MAX);
	while (i < len) {
		const char *l = text + i, *nl = memchr(l, '\n', len - i);
		size_t n = nl ? (size_t)(nl - l) : len - i;
		const char *f[3];
		size_t fl[3], k = 0, j = 0;

		lineno++;
		i += n + 1;
		if (nl == NULL)
			return err_set(e, ERR_PROTO, "line %zu has no end (cut short?)", lineno);
		if (lineno == 1) {
			if (n != strlen(PROBESTATE_MAGIC) || memcmp(l, PROBESTATE_MAGIC, n) != 0)
				return err_set(e, ERR_PROTO, "line 1 is not '%s'", PROBESTATE_MAGIC);
			continue;
		}
		while (j < n && k < 3) {
			size_t s = j;

			while (j < n && l[j] != ' ')
				j++;
			f[k] = l + s;
			fl[k++] = j - s;
			if (j < n)
				j++;
		}
		if (k != 3 || j != n || !probestate_word_ok(f[0], fl[0], 1) ||
		    !probestate_word_ok(f[2], fl[2], 0))
			return err_set(e, ERR_PROTO, "line %zu is not TOKEN TIME QUEUE-ID", lineno);
		{
			char num[24], *end;
			long long t;

			if (fl[1] == 0 || fl[1] >= sizeof(num))
				return err_set(e, ERR_PROTO, "line %zu: bad time", lineno);
			memcpy(num, f[1], fl[1]);
			num[fl[1]] = '\0';
			t = strtoll(num, &end, 10);
			if (*end != '\0' || t < 0 || !isdigit((unsigned char)num[0]))
				return err_set(e, ERR_PROTO, "line %zu: bad time", lineno);
			if (ps->n >= PROBESTATE_MAX)
				return err_set(e, ERR_PROTO, "more than %d probes", PROBESTATE_MAX);
			memcpy(ps->e[ps->n].token, f[0], fl[0]);
			ps->e[ps->n].token[fl[0]] = '\0';
			ps->e[ps->n].sent = (time_t)t;
			if (fl[2] == 1 && f[2][0] == '-')
				ps->e[ps->n].queue_id[0] = '\0';
			else {
				memcpy(ps->e[ps->n].queue_id, f[2], fl[2]);
				ps->e[ps->n].queue_id[fl[2]] = '\0';
			}
			ps->n++;
		}
	}
	if (lineno == 0)
		return err_set(e, ERR_PROTO, "empty");
	return 0;
}

int
probestate_add(struct probestate *ps, const char *token, time_t sent,
    const char *qid, struct err *e)
{
	struct probestate_entry *x;

	if (!probestate_word_ok(token, strlen(token), 1) ||
	    (qid && qid[0] && !probestate_word_ok(qid, strlen(qid), 0)))
		return err_set(e, ERR_INTERNAL, "not a probe token or queue id");
	if (ps->n >= PROBESTATE_MAX) {
		probestate_remove(ps, 0);
		ps->dropped++;
	}
	x = &ps->e[ps->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->token, sizeof(x->token), "%s", token);
	x->sent = sent;
	if (qid && qid[0])
		snprintf(x->queue_id, sizeof(x->queue_id), "%s", qid);
	return 0;
}

void
probestate_remove(struct probestate *ps, int i)
{
	if (i < 0 || i >= ps->n)
		return;
	memmove(&ps->e[i], &ps->e[i + 1], (size_t)(ps->n - i - 1) * sizeof(ps->e[0]));
	ps->n--;
}

void
probestate_format(const struct probestate *ps, struct sbuf *out)
{
	int i;

	sbuf_add(out, PROBESTATE_MAGIC "\n");
	for (i = 0; i < ps->n; i++)
		sbuf_printf(out, "%s %lld %s\n", ps->e[i].token, (long long)ps->e[i].sent,
		    ps->e[i].queue_id[0] ? ps->e[i].queue_id : "-");
}
