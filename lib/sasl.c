/* sasl.c - see sasl.h */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "b64.h"
#include "sasl.h"

static long sasl_put(unsigned char *out, size_t cap, const char *text, size_t n,
    struct err *e);
static size_t sasl_name(char *out, size_t cap, const char *name);
static long sasl_scram_first(struct sasl *s, unsigned char *out, size_t cap,
    struct err *e);
static long sasl_scram_final(struct sasl *s, const char *in, size_t len,
    unsigned char *out, size_t cap, struct err *e);
static int sasl_scram_verify(struct sasl *s, const char *in, size_t len,
    struct err *e);
static long sasl_token_failure(struct sasl *s, const unsigned char *in,
    size_t len, unsigned char *out, size_t cap);
static const char *sasl_attr(const char *msg, size_t len, char key, size_t *vlen);

static const char *const sasl_names[] = {
	[SASL_NONE] = "",
	[SASL_LOGIN] = "LOGIN",
	[SASL_PLAIN] = "PLAIN",
	[SASL_CRAM_MD5] = "CRAM-MD5",
	[SASL_SCRAM_SHA1] = "SCRAM-SHA-1",
	[SASL_SCRAM_SHA256] = "SCRAM-SHA-256",
	[SASL_XOAUTH2] = "XOAUTH2",
	[SASL_OAUTHBEARER] = "OAUTHBEARER",
};

const char *
sasl_mech_name(enum sasl_mech m)
{
	if ((unsigned)m >= sizeof(sasl_names) / sizeof(sasl_names[0]))
		return "";
	return sasl_names[m];
}

enum sasl_mech
sasl_mech_parse(const char *name)
{
	size_t i;

	for (i = 1; i < sizeof(sasl_names) / sizeof(sasl_names[0]); i++)
		if (strcasecmp(name, sasl_names[i]) == 0)
			return (enum sasl_mech)i;
	return SASL_NONE;
}

int
sasl_mech_token(enum sasl_mech m)
{
	return m == SASL_XOAUTH2 || m == SASL_OAUTHBEARER;
}

int
sasl_mech_cleartext(enum sasl_mech m)
{
	return m == SASL_PLAIN || m == SASL_LOGIN;
}

int
sasl_offered(const char *offered, const char *name)
{
	size_t n = strlen(name);
	const char *p = offered;

	while (*p) {
		size_t w;

		p += strspn(p, " ,");
		w = strcspn(p, " ,");
		if (w == n && w > 0 && strncasecmp(p, name, n) == 0)
			return 1;
		p += w;
	}
	return 0;
}

enum sasl_mech
sasl_mech_auto(const char *offered, int tls, int token)
{
	static const enum sasl_mech pw[] = {
		SASL_SCRAM_SHA256, SASL_SCRAM_SHA1, SASL_CRAM_MD5, SASL_PLAIN, SASL_LOGIN
	};
	static const enum sasl_mech tok[] = { SASL_OAUTHBEARER, SASL_XOAUTH2 };
	const enum sasl_mech *list = token ? tok : pw;
	size_t i, n = token ? 2 : sizeof(pw) / sizeof(pw[0]);

	for (i = 0; i < n; i++) {
		if (sasl_mech_cleartext(list[i]) && !tls)
			continue;
		if (sasl_offered(offered, sasl_mech_name(list[i])))
			return list[i];
	}
	return SASL_NONE;
}

int
sasl_begin(struct sasl *s, enum sasl_mech m, const char *user,
    const char *secret, const char *host, int port, struct err *e)
{
	unsigned char rnd[18];

	memset(s, 0, sizeof(*s));
	s->mech = m;
	s->user = user;
	s->secret = secret;
	s->host = host;
	s->port = port;
	s->md = m == SASL_SCRAM_SHA1 ? TLS_MD_SHA1 : m == SASL_SCRAM_SHA256 ?
	    TLS_MD_SHA256 : TLS_MD_MD5;
	if (m == SASL_NONE)
		return err_set(e, ERR_USAGE, "no SASL mechanism");
	if (strlen(user) + strlen(secret) > B64_SASL_MAX - 2)
		return err_set(e, ERR_USAGE, "user name and %s too long",
		    sasl_mech_token(m) ? "token" : "password");
	if (m == SASL_SCRAM_SHA1 || m == SASL_SCRAM_SHA256) {
		/* 18 random bytes, 24 base64 characters, none of them ',' */
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return err_set(e, ERR_INTERNAL, "no random bytes for the SCRAM nonce");
		b64_encode(rnd, sizeof(rnd), s->nonce, sizeof(s->nonce));
	}
	return 0;
}

void
sasl_set_nonce(struct sasl *s, const char *nonce)
{
	snprintf(s->nonce, sizeof(s->nonce), "%s", nonce);
}

/* TEXT (N bytes) into OUT; its length, or -1 (ERR_USAGE) when too long. */
static long
sasl_put(unsigned char *out, size_t cap, const char *text, size_t n,
    struct err *e)
{
	if (n > cap || n > SASL_MSG_MAX)
		return err_set(e, ERR_USAGE, "the SASL message would be longer than %d "
		    "bytes", SASL_MSG_MAX);
	memcpy(out, text, n);
	return (long)n;
}

/* NAME as a SCRAM/GS2 saslname (RFC 5802 §5.1: ',' as =2C, '=' as =3D)
 * into OUT; the length, or CAP when it does not fit. */
static size_t
sasl_name(char *out, size_t cap, const char *name)
{
	size_t o = 0;

	for (; *name; name++) {
		const char *rep = *name == ',' ? "=2C" : *name == '=' ? "=3D" : NULL;
		size_t n = rep ? 3 : 1;

		if (o + n >= cap)
			return cap;
		if (rep)
			memcpy(out + o, rep, 3);
		else
			out[o] = *name;
		o += n;
	}
	out[o] = '\0';
	return o;
}

long
sasl_first(struct sasl *s, unsigned char *out, size_t cap, struct err *e)
{
	char msg[SASL_MSG_MAX + 1], name[1024];
	long rc;
	int n = 0;

	switch (s->mech) {
	case SASL_LOGIN:
	case SASL_CRAM_MD5:
	case SASL_NONE:
		return 0;
	case SASL_PLAIN: {
		/* RFC 4616: empty authzid NUL authcid NUL passwd */
		size_t ul = strlen(s->user), pl = strlen(s->secret);

		if (ul + pl + 2 > cap)
			return err_set(e, ERR_USAGE, "user name and password too long");
		out[0] = '\0';
		memcpy(out + 1, s->user, ul);
		out[1 + ul] = '\0';
		memcpy(out + 2 + ul, s->secret, pl);
		return (long)(ul + pl + 2);
	}
	case SASL_SCRAM_SHA1:
	case SASL_SCRAM_SHA256:
		return sasl_scram_first(s, out, cap, e);
	case SASL_XOAUTH2:
		n = snprintf(msg, sizeof(msg), "user=%s\001auth=Bearer %s\001\001", s->user,
		    s->secret);
		break;
	case SASL_OAUTHBEARER:
		/* RFC 7628 §3.1: gs2-header, then key=value pairs ended by ^A */
		if (sasl_name(name, sizeof(name), s->user) >= sizeof(name))
			return err_set(e, ERR_USAGE, "user name too long");
		n = snprintf(msg, sizeof(msg), "n,a=%s,\001", name);
		if (n > 0 && s->host && (size_t)n < sizeof(msg))
			n += snprintf(msg + n, sizeof(msg) - (size_t)n, "host=%s\001", s->host);
		if (n > 0 && s->port > 0 && (size_t)n < sizeof(msg))
			n += snprintf(msg + n, sizeof(msg) - (size_t)n, "port=%d\001", s->port);
		if (n > 0 && (size_t)n < sizeof(msg))
			n += snprintf(msg + n, sizeof(msg) - (size_t)n, "auth=Bearer %s\001\001",
			    s->secret);
		break;
	}
	if (n < 0 || (size_t)n >= sizeof(msg))
		return err_set(e, ERR_USAGE, "user name and token too long");
	rc = sasl_put(out, cap, msg, (size_t)n, e);
	explicit_bzero(msg, sizeof(msg));
	return rc;
}

/* client-first-message: "n,," and its bare part "n=USER,r=NONCE" */
static long
sasl_scram_first(struct sasl *s, unsigned char *out, size_t cap, struct err *e)
{
	char name[700];
	int n;

	if (sasl_name(name, sizeof(name), s->user) >= sizeof(name))
		return err_set(e, ERR_USAGE, "user name too long");
	n = snprintf(s->first_bare, sizeof(s->first_bare), "n=%s,r=%s", name, s->nonce);
	if (n < 0 || (size_t)n >= sizeof(s->first_bare) || (size_t)n + 3 >= cap)
		return err_set(e, ERR_USAGE, "user name too long");
	/* the gs2-header: no channel binding, no authorization identity */
	return snprintf((char *)out, cap, "n,,%s", s->first_bare);
}

/* The value of attribute KEY ("r", "s", ...) of the SCRAM message MSG
 * (LEN bytes: k=v pairs separated by ','), its length in *VLEN; NULL when
 * absent. */
static const char *
sasl_attr(const char *msg, size_t len, char key, size_t *vlen)
{
	size_t i = 0;

	while (i + 1 < len) {
		size_t j = i;

		while (j < len && msg[j] != ',')
			j++;
		if (j - i >= 2 && msg[i] == key && msg[i + 1] == '=') {
			*vlen = j - i - 2;
			return msg + i + 2;
		}
		i = j + 1;
	}
	return NULL;
}

long
sasl_step(struct sasl *s, const unsigned char *in, size_t len,
    unsigned char *out, size_t cap, struct err *e)
{
	const char *name = sasl_mech_name(s->mech);

	if (len > SASL_MSG_MAX)
		return err_set(e, ERR_PROTO, "%s challenge longer than %d bytes", name,
		    SASL_MSG_MAX);
	s->step++;
	switch (s->mech) {
	case SASL_LOGIN:
		/* the prompts ("Username:", "Password:") are not relied on */
		if (s->step > 2)
			break;
		return sasl_put(out, cap, s->step == 1 ? s->user : s->secret,
		    strlen(s->step == 1 ? s->user : s->secret), e);
	case SASL_PLAIN:
		/* a server that ignored the initial response asks for it */
		if (s->step > 1 || len > 0)
			break;
		return sasl_first(s, out, cap, e);
	case SASL_CRAM_MD5: {
		unsigned char mac[TLS_MD_MAX];
		char msg[1100];
		size_t ul = strlen(s->user), i;

		if (s->step > 1 || len == 0)
			break;
		if (tls_hmac(TLS_MD_MD5, s->secret, strlen(s->secret), in, len, mac, e) < 0)
			return -1;
		if (ul + 34 > sizeof(msg))
			return err_set(e, ERR_USAGE, "user name too long");
		memcpy(msg, s->user, ul);
		msg[ul] = ' ';
		for (i = 0; i < 16; i++)
			snprintf(msg + ul + 1 + 2 * i, 3, "%02x", mac[i]);
		explicit_bzero(mac, sizeof(mac));
		return sasl_put(out, cap, msg, ul + 33, e);
	}
	case SASL_SCRAM_SHA1:
	case SASL_SCRAM_SHA256:
		if (s->step == 1)
			return sasl_scram_final(s, (const char *)in, len, out, cap, e);
		if (s->step == 2) {
			/* server-final as a challenge: answered with an empty message */
			if (sasl_scram_verify(s, (const char *)in, len, e) < 0)
				return -1;
			return 0;
		}
		break;
	case SASL_XOAUTH2:
	case SASL_OAUTHBEARER:
		if (s->step > 1)
			break;
		return sasl_token_failure(s, in, len, out, cap);
	case SASL_NONE:
		break;
	}
	return err_set(e, ERR_PROTO, "unexpected %s challenge (step %d)", name, s->step);
}

/* server-first "r=NONCE,s=SALT,i=N" -> client-final with the proof */
static long
sasl_scram_final(struct sasl *s, const char *in, size_t len, unsigned char *out,
    size_t cap, struct err *e)
{
	const char *r, *salt64, *it;
	size_t rl = 0, sl = 0, il = 0, hl = tls_md_len(s->md), i;
	unsigned char salt[256], salted[TLS_MD_MAX], ckey[TLS_MD_MAX], stored[TLS_MD_MAX];
	unsigned char csig[TLS_MD_MAX], skey[TLS_MD_MAX];
	char without[SASL_MSG_MAX], proof[B64_ENCODED_SIZE(TLS_MD_MAX)], num[16];
	unsigned long iter;
	long saltlen, rc = -1;
	int n;

	if (len > 0 && in[0] == 'm')
		return err_set(e, ERR_PROTO, "SCRAM: the server demands an extension we "
		    "do not know (m=)");
	r = sasl_attr(in, len, 'r', &rl);
	salt64 = sasl_attr(in, len, 's', &sl);
	it = sasl_attr(in, len, 'i', &il);
	if (r == NULL || salt64 == NULL || it == NULL || il == 0 || il >= sizeof(num))
		return err_set(e, ERR_PROTO, "SCRAM: malformed server-first-message");
	if (rl <= strlen(s->nonce) || strncmp(r, s->nonce, strlen(s->nonce)) != 0)
		return err_set(e, ERR_PROTO, "SCRAM: the server's nonce does not extend ours");
	memcpy(num, it, il);
	num[il] = '\0';
	iter = strspn(num, "0123456789") == il ? strtoul(num, NULL, 10) : 0;
	if (iter == 0 || iter > SASL_SCRAM_ITER_MAX)
		return err_set(e, ERR_PROTO, "SCRAM: iteration count '%s' out of range "
		    "(1 to %u)", num, SASL_SCRAM_ITER_MAX);
	saltlen = b64_decode(salt64, sl, salt, sizeof(salt));
	if (saltlen <= 0)
		return err_set(e, ERR_PROTO, "SCRAM: malformed salt");
	n = snprintf(without, sizeof(without), "c=biws,r=%.*s", (int)rl, r);
	if (n < 0 || (size_t)n >= sizeof(without) ||
	    snprintf(s->auth_msg, sizeof(s->auth_msg), "%s,%.*s,%s", s->first_bare,
	    (int)len, in, without) >= (int)sizeof(s->auth_msg))
		return err_set(e, ERR_PROTO, "SCRAM: server-first-message too long");
	if (tls_pbkdf2(s->md, s->secret, strlen(s->secret), salt, (size_t)saltlen,
	    (unsigned)iter, salted, hl, e) < 0 ||
	    tls_hmac(s->md, salted, hl, "Client Key", 10, ckey, e) < 0 ||
	    tls_hash(s->md, ckey, hl, stored, e) < 0 ||
	    tls_hmac(s->md, stored, hl, s->auth_msg, strlen(s->auth_msg), csig, e) < 0 ||
	    tls_hmac(s->md, salted, hl, "Server Key", 10, skey, e) < 0 ||
	    tls_hmac(s->md, skey, hl, s->auth_msg, strlen(s->auth_msg), s->server_sig,
	    e) < 0)
		goto out;
	for (i = 0; i < hl; i++)
		ckey[i] ^= csig[i];   /* ClientProof */
	b64_encode(ckey, hl, proof, sizeof(proof));
	if (strlen(without) + 3 + strlen(proof) >= cap) {
		err_set(e, ERR_USAGE, "SCRAM: client-final-message too long");
		goto out;
	}
	rc = snprintf((char *)out, cap, "%s,p=%s", without, proof);
out:
	explicit_bzero(salted, sizeof(salted));
	explicit_bzero(ckey, sizeof(ckey));
	explicit_bzero(stored, sizeof(stored));
	explicit_bzero(csig, sizeof(csig));
	explicit_bzero(skey, sizeof(skey));
	explicit_bzero(proof, sizeof(proof));
	return rc;
}

/* server-final "v=SIGNATURE" (or "e=ERROR") */
static int
sasl_scram_verify(struct sasl *s, const char *in, size_t len, struct err *e)
{
	unsigned char sig[TLS_MD_MAX + 4];
	const char *v;
	size_t vl = 0;
	long n;

	if ((v = sasl_attr(in, len, 'e', &vl)) != NULL) {
		s->failed = 1;
		err_sanitize(s->server_error, sizeof(s->server_error), v, vl);
		return err_set(e, ERR_REJECTED, "SCRAM: the server says: %s", s->server_error);
	}
	v = sasl_attr(in, len, 'v', &vl);
	if (v == NULL)
		return err_set(e, ERR_PROTO, "SCRAM: malformed server-final-message");
	n = b64_decode(v, vl, sig, sizeof(sig));
	if (n != (long)tls_md_len(s->md) || memcmp(sig, s->server_sig, (size_t)n) != 0)
		return err_set(e, ERR_PROTO, "server proof does not match (%s): the server "
		    "does not know the password, or someone is in between",
		    sasl_mech_name(s->mech));
	s->verified = 1;
	return 0;
}

/* XOAUTH2/OAUTHBEARER: a challenge after the initial response is the
 * server's error status (JSON); keep it, and answer so that the server
 * sends its failure reply: an empty message (XOAUTH2), ^A (RFC 7628 §3.2.3). */
static long
sasl_token_failure(struct sasl *s, const unsigned char *in, size_t len,
    unsigned char *out, size_t cap)
{
	s->failed = 1;
	err_sanitize(s->server_error, sizeof(s->server_error), (const char *)in, len);
	if (s->mech == SASL_XOAUTH2 || cap == 0)
		return 0;
	out[0] = '\001';
	return 1;
}

int
sasl_finish(struct sasl *s, const unsigned char *in, size_t len, struct err *e)
{
	if (s->mech != SASL_SCRAM_SHA1 && s->mech != SASL_SCRAM_SHA256)
		return 0;
	if (!s->verified && in && len > 0 &&
	    sasl_scram_verify(s, (const char *)in, len, e) < 0)
		return -1;
	if (!s->verified)
		return err_set(e, ERR_PROTO, "the server did not prove that it knows the "
		    "password (%s: no server signature)", sasl_mech_name(s->mech));
	return 0;
}

void
sasl_wipe(struct sasl *s)
{
	explicit_bzero(s, sizeof(*s));
}
