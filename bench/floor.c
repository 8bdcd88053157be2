/* floor - the least a client can do against a mail server, for bench/run.sh:
 * the wall time it takes is the floor under any check's wall time there.
 *     floor HOST PORT CMD END   plain: read the greeting line, send CMD,
 *                               read until a line starts with END
 *     floor HOST PORT           implicit TLS (built with -DFLOOR_TLS as
 *                               floor-tls): the handshake, no verification
 * No deadline, no parsing, no output; exit 0 when it got that far, 1 if not.
 * Linked to libc alone (floor) or to libssl and libcrypto (floor-tls). */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef FLOOR_TLS
#include <openssl/ssl.h>
#endif

static int
floor_connect(const char *host, const char *port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)atoi(port));
	if (fd < 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return -1;
	return fd;
}

#ifdef FLOOR_TLS
int
main(int argc, char **argv)
{
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;

	if (argc != 3 || (fd = floor_connect(argv[1], argv[2])) < 0)
		return 1;
	ctx = SSL_CTX_new(TLS_client_method());
	ssl = ctx ? SSL_new(ctx) : NULL;
	if (ssl == NULL || SSL_set_fd(ssl, fd) != 1 || SSL_connect(ssl) != 1)
		return 1;
	return 0;
}
#else
/* Read until a line starts with PREFIX (NULL: the first line). */
static int
floor_until(int fd, const char *prefix)
{
	char buf[4096];
	size_t have = 0;

	for (;;) {
		char *nl;
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);

		if (n <= 0)
			return -1;
		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = strchr(buf, '\n')) != NULL) {
			if (prefix == NULL || strncmp(buf, prefix, strlen(prefix)) == 0)
				return 0;
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have + 1);
		}
		if (have == sizeof(buf) - 1)
			have = 0;
	}
}

int
main(int argc, char **argv)
{
	char cmd[512];
	int fd, len;

	if (argc != 5 || (fd = floor_connect(argv[1], argv[2])) < 0)
		return 1;
	len = snprintf(cmd, sizeof(cmd), "%s\r\n", argv[3]);
	if (len <= 0 || (size_t)len >= sizeof(cmd) || floor_until(fd, NULL) != 0 ||
	    write(fd, cmd, (size_t)len) != len || floor_until(fd, argv[4]) != 0)
		return 1;
	return 0;
}
#endif
