/* b64.c - see b64.h */
#include <config.h>

#include <string.h>

#include "b64.h"

/* the 64 digits, then the pad character at [64] */
static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

long
b64_encode(const void *in, size_t n, char *out, size_t cap)
{
	const unsigned char *p = in;
	size_t i, o = 0;

	if (cap < B64_ENCODED_SIZE(n))
		return -1;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];

		out[o++] = b64_alphabet[(v >> 18) & 63];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = b64_alphabet[(v >> 6) & 63];
		out[o++] = b64_alphabet[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);

		out[o++] = b64_alphabet[(v >> 18) & 63];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = b64_alphabet[i + 1 < n ? (v >> 6) & 63 : 64];
		out[o++] = '=';
	}
	out[o] = '\0';
	return (long)o;
}

int
b64_digit(unsigned char c, unsigned char c63)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == c63)
		return 63;
	return -1;
}

long
b64_decode(const char *in, size_t n, unsigned char *out, size_t cap)
{
	unsigned acc = 0;
	size_t i, o = 0;
	int bits = 0, pad = 0;

	for (i = 0; i < n; i++) {
		int v;

		if (in[i] == '=') {
			pad++;
			continue;
		}
		if (pad)
			return -1;   /* data after padding */
		v = b64_digit((unsigned char)in[i], '/');
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (unsigned char)((acc >> bits) & 0xff);
		}
	}
	if (pad > 2 || bits >= 6)
		return -1;
	return (long)o;
}

long
b64_sasl_plain(const char *user, const char *pass, char *out, size_t cap)
{
	unsigned char raw[1024];
	size_t ul = strlen(user), pl = strlen(pass);
	long n;

	if (ul + pl + 2 > sizeof(raw))
		return -1;
	raw[0] = '\0';
	memcpy(raw + 1, user, ul);
	raw[1 + ul] = '\0';
	memcpy(raw + 2 + ul, pass, pl);
	n = b64_encode(raw, ul + pl + 2, out, cap);
	explicit_bzero(raw, sizeof(raw));
	return n;
}

int
b64_sasl_begin(struct b64_sasl *s, const char *user, const char *pass)
{
	s->enc[0] = '\0';
	s->cmd[0] = '\0';
	return strlen(user) + strlen(pass) + 2 > B64_SASL_MAX ? -1 : 0;
}

void
b64_sasl_wipe(struct b64_sasl *s)
{
	explicit_bzero(s, sizeof(*s));
}
