/* fuzz_line_reader - the buffered line reader (lib/conn) over a real socket.
 *
 * The input (after its first byte) is written into one end of a socketpair,
 * that end is closed, and conn_read_line reads the other end until it
 * fails. The first byte picks the caller's line buffer size, which is an
 * exact-size heap block: a write or read past it is an ASan report. The
 * reader must end with ERR_CLOSED or ERR_PROTO, never time out (the peer
 * has closed), and hand back only lines that fit. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "deadline.h"
#include "fuzz_common.h"

static const size_t line_caps[] = {
	2, 3, 4, 5, 16, 64, 512, 1024, CONN_LINE_MAX - 1, CONN_LINE_MAX,
	CONN_LINE_MAX + 1, CONN_LINE_MAX + 2, CONN_LINE_MAX * 2, CONN_RBUF,
	CONN_RBUF + 1, 7
};

static struct conn conn;    /* holds a 16 KiB buffer */

/* Write as much of DATA as the socket takes without blocking. */
static size_t
write_all(int fd, const uint8_t *data, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t w = send(fd, data + done, size - done, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	return done;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct deadline dl;
	struct sbuf transcript;
	struct err e;
	size_t cap, written, consumed = 0, len;
	char *line;
	int sv[2], sndbuf = 1 << 20, keep_transcript;

	if (size == 0)
		return 0;
	cap = line_caps[data[0] % (sizeof(line_caps) / sizeof(line_caps[0]))];
	keep_transcript = data[0] & 0x80;
	data++;
	size--;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		abort();
	(void)setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(sv[1], F_SETFL, O_NONBLOCK) < 0)
		abort();
	written = write_all(sv[1], data, size);
	close(sv[1]);

	deadline_init(&dl, 5.0);
	conn_init(&conn, sv[0], &dl);
	sbuf_init(&transcript);
	if (keep_transcript)
		conn.transcript = &transcript;
	line = malloc(cap);
	if (line == NULL)
		abort();
	for (;;) {
		err_clear(&e);
		len = (size_t)-1;
		if (conn_read_line(&conn, line, cap, &len, &e) < 0)
			break;
		fuzz_check(len < cap && len <= CONN_LINE_MAX);
		fuzz_check(line[len] == '\0');
		fuzz_check(memchr(line, '\n', len) == NULL);
		consumed += len + 1;
		fuzz_check(consumed <= written);
		fuzz_check(conn.rpos <= conn.rlen && conn.rlen <= sizeof(conn.rbuf));
	}
	fuzz_check(e.kind == ERR_CLOSED || e.kind == ERR_PROTO);
	fuzz_check(conn.bytes_in <= written);
	fuzz_check(conn_buffered(&conn) <= sizeof(conn.rbuf));
	conn_discard(&conn);
	fuzz_check(conn_buffered(&conn) == 0);
	free(line);
	conn_close(&conn);
	sbuf_free(&transcript);
	return 0;
}
