/* fuzz_common.h - helpers shared by the libFuzzer targets (header-only).
 *
 * fuzz_each_line() hands every line of the input to a callback the way
 * lib/ receives lines from conn_read_line: line ending (LF or CRLF) removed.
 * Each line is copied into a heap block of exactly its length, with no NUL
 * after it, so AddressSanitizer flags any read past LEN bytes: the parsers
 * promise to read LEN bytes and no more. fuzz_recs_read() makes the
 * input's lines a TXT record set (the first FUZZ_RECS lines, each an exact
 * copy). fuzz_check() turns a broken invariant into a crash libFuzzer
 * records. */
#ifndef MP_FUZZ_COMMON_H
#define MP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_check(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
			    __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

typedef void (*fuzz_line_fn)(void *ctx, const char *line, size_t len);

/* A heap copy of N bytes with nothing after them (malloc(0) for N == 0:
 * ASan then flags even line[0]). */
static inline char *
fuzz_exact_copy(const void *p, size_t n)
{
	char *c = malloc(n);

	if (c == NULL && n > 0)
		abort();
	if (n > 0)
		memcpy(c, p, n);
	return c;
}

/* A heap copy of N bytes plus a NUL. */
static inline char *
fuzz_str_copy(const void *p, size_t n)
{
	char *c = malloc(n + 1);

	if (c == NULL)
		abort();
	if (n > 0)
		memcpy(c, p, n);
	c[n] = '\0';
	return c;
}

/* Call FN for each line of DATA (the last one may lack its LF). */
static inline void
fuzz_each_line(const uint8_t *data, size_t size, fuzz_line_fn fn, void *ctx)
{
	size_t pos = 0;

	while (pos < size) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : size - pos;
		size_t len = (n > 0 && data[pos + n - 1] == '\r') ? n - 1 : n;
		char *line = fuzz_exact_copy(data + pos, len);

		fn(ctx, line, len);
		free(line);
		pos += n + (nl ? 1 : 0);
	}
}

/* The input's lines as a set of TXT records (SPF, DMARC, MTA-STS, ...). */
#define FUZZ_RECS 8

struct fuzz_recs {
	char *rec[FUZZ_RECS];
	size_t len[FUZZ_RECS];
	int n;
};

static inline void
fuzz_recs_add(void *ctx, const char *line, size_t len)
{
	struct fuzz_recs *r = ctx;

	if (r->n >= FUZZ_RECS)
		return;
	r->rec[r->n] = fuzz_exact_copy(line, len);
	r->len[r->n++] = len;
}

/* R: the first FUZZ_RECS lines of DATA; free with fuzz_recs_free. */
static inline void
fuzz_recs_read(const uint8_t *data, size_t size, struct fuzz_recs *r)
{
	memset(r, 0, sizeof(*r));
	fuzz_each_line(data, size, fuzz_recs_add, r);
}

static inline void
fuzz_recs_free(struct fuzz_recs *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		free(r->rec[i]);
	r->n = 0;
}

#endif
