/* test_json.c - --output=json (lib/json.c): the object rendered from a
 * result, its phases, its TLS session and the facts of lib/facts.h. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "json.h"
#include "phase.h"
#include "result.h"
#include "tap.h"

static const enum phase_id phases[] = {
	PHASE_DNS, PHASE_CONNECT, PHASE_TLS, PHASE_BANNER, PHASE_NONE
};

/* json_format of R for T, in a static buffer. */
static const char *
fmt(const struct json_target *t, const struct result *r)
{
	static char buf[16384];
	struct sbuf s;

	sbuf_init(&s);
	json_format(&s, t, r);
	snprintf(buf, sizeof(buf), "%s", sbuf_str(&s));
	sbuf_free(&s);
	return buf;
}

/* json_facts of R, in a static buffer. */
static const char *
facts(const struct result *r)
{
	static char buf[16384];
	struct sbuf s;

	sbuf_init(&s);
	json_facts(&s, r);
	snprintf(buf, sizeof(buf), "%s", sbuf_str(&s));
	sbuf_free(&s);
	return buf;
}

static void
target(struct json_target *t)
{
	memset(t, 0, sizeof(*t));
	t->plugin = "check_smtp_tx";
	t->service = "SMTP";
}

/* Nothing but the verdict: no host, no phase ran, no TLS, no facts. */
static void
test_minimal(void)
{
	struct json_target t;
	struct result r;
	struct phase_set ps;

	target(&t);
	result_init(&r, "SMTP");
	is_str(fmt(&t, &r), "{\"plugin\":\"check_smtp_tx\",\"service\":\"SMTP\","
	    "\"state\":\"OK\",\"exit_code\":0,\"summary\":\"all checks passed\","
	    "\"problems\":[],"
	    "\"phases\":{},\"time\":0.000000,\"perfdata\":\"\",\"details\":[]}\n",
	    "minimal: no host, no phases, empty details");
	phase_set_init(&ps, phases);
	t.phases = &ps;
	t.time = 1.5;
	result_ok(&r, "fine");
	result_detail(&r, "one");
	sbuf_add(&r.details, "half a line");   /* not a whole line: left out */
	is_str(fmt(&t, &r), "{\"plugin\":\"check_smtp_tx\",\"service\":\"SMTP\","
	    "\"state\":\"OK\",\"exit_code\":0,\"summary\":\"fine\",\"problems\":[],"
	    "\"phases\":{},\"time\":1.500000,\"perfdata\":\"\",\"details\":[\"one\"]}\n",
	    "minimal: phases that did not run are left out, an unfinished line too");
	is_str(facts(&r), "", "no facts: json_facts adds nothing");
	result_free(&r);
}

/* Host, problems, phases, perfdata, details and transcript. */
static void
test_run(void)
{
	struct json_target t;
	struct result r;
	struct phase_set ps;

	target(&t);
	t.host = "mail.example.test";
	t.port = 25;
	t.time = 0.25;
	phase_set_init(&ps, phases);
	ps.p[0].ran = 1;
	ps.p[0].secs = 0.0015;
	ps.p[3].ran = 1;
	ps.p[3].secs = 0.125;
	t.phases = &ps;
	result_init(&r, "SMTP");
	result_problem(&r, STATE_WARNING, "slow \"banner\"");
	result_problem(&r, STATE_CRITICAL, "refused");
	result_perf(&r, "banner", 0.125, "s", NULL, NULL, NAN, NAN);
	result_detail(&r, "line \\ one");
	result_detail(&r, "t\xc3\xa9st");
	sbuf_add(&r.transcript, "S: 220 hi\nC: QUIT\n");
	is_str(fmt(&t, &r), "{\"plugin\":\"check_smtp_tx\",\"service\":\"SMTP\","
	    "\"state\":\"CRITICAL\",\"exit_code\":2,"
	    "\"summary\":\"refused; slow \\\"banner\\\"\","
	    "\"host\":\"mail.example.test\",\"port\":25,"
	    "\"problems\":[{\"state\":\"WARNING\",\"text\":\"slow \\\"banner\\\"\"},"
	    "{\"state\":\"CRITICAL\",\"text\":\"refused\"}],"
	    "\"phases\":{\"dns\":0.001500,\"banner\":0.125000},\"time\":0.250000,"
	    "\"perfdata\":\"banner=0.125000s\","
	    "\"details\":[\"line \\\\ one\",\"t\\u00e9st\"],"
	    "\"transcript\":\"S: 220 hi\\nC: QUIT\\n\"}\n",
	    "a failed run: host, problems, the phases that ran, details, transcript");
	result_free(&r);
}

/* The "tls" member: with a certificate, and without one. */
static void
test_tls(void)
{
	struct json_target t;
	struct result r;
	struct tls_info in;
	const char *got;

	target(&t);
	result_init(&r, "SMTP");
	memset(&in, 0, sizeof(in));
	snprintf(in.protocol, sizeof(in.protocol), "TLSv1.3");
	snprintf(in.cipher, sizeof(in.cipher), "TLS_AES_256_GCM_SHA384");
	snprintf(in.subject, sizeof(in.subject), "CN=mail.example.test");
	snprintf(in.issuer, sizeof(in.issuer), "CN=Lab CA");
	snprintf(in.names, sizeof(in.names), "mail.example.test");
	snprintf(in.not_after, sizeof(in.not_after), "2027-01-01 00:00:00 UTC");
	snprintf(in.fingerprint, sizeof(in.fingerprint), "AB:CD");
	in.days_left = 29.9;
	in.verified = 1;
	t.tls = &in;
	got = strstr(fmt(&t, &r), ",\"tls\":");
	is_str(got, ",\"tls\":{\"protocol\":\"TLSv1.3\",\"cipher\":\"TLS_AES_256_GCM_SHA384\","
	    "\"verified\":true,\"subject\":\"CN=mail.example.test\",\"issuer\":\"CN=Lab CA\","
	    "\"names\":\"mail.example.test\",\"not_after\":\"2027-01-01 00:00:00 UTC\","
	    "\"days_left\":29,\"sha256\":\"AB:CD\"},\"perfdata\":\"\",\"details\":[]}\n",
	    "tls: verified, the certificate, days_left rounded down");
	in.verified = 0;
	in.days_left = -0.5;
	snprintf(in.verify_msg, sizeof(in.verify_msg), "certificate has expired");
	got = strstr(fmt(&t, &r), ",\"tls\":");
	ok(got && strstr(got, "\"days_left\":-1,\"sha256\":\"AB:CD\",\"verify_error\":"
	    "\"certificate has expired\"},\"perfdata\"") != NULL,
	    "tls: not verified: verify_error after the certificate; -0.5 days is -1");
	in.problems = TLS_P_NO_CERT;
	got = strstr(fmt(&t, &r), ",\"tls\":");
	is_str(got, ",\"tls\":{\"protocol\":\"TLSv1.3\",\"cipher\":\"TLS_AES_256_GCM_SHA384\","
	    "\"verified\":false,\"verify_error\":\"certificate has expired\"},"
	    "\"perfdata\":\"\",\"details\":[]}\n",
	    "tls: no certificate: no certificate members");
	result_free(&r);
}

/* --tls-rpt and --mta-sts facts. */
static void
test_policy(void)
{
	static struct fact_tlsrpt rpt;
	static struct fact_sts sts;
	struct result r;

	result_init(&r, "SMTP");
	r.tls_rpt = &rpt;
	is_str(facts(&r), ",\"tls_rpt\":{\"valid\":false}", "tls_rpt: none or invalid");
	rpt.valid = 1;
	snprintf(rpt.rec.rua, sizeof(rpt.rec.rua), "mailto:a@x.test,https://r.x.test/");
	is_str(facts(&r), ",\"tls_rpt\":{\"valid\":true,"
	    "\"rua\":\"mailto:a@x.test,https://r.x.test/\"}", "tls_rpt: the rua list");
	r.tls_rpt = NULL;
	r.mta_sts = &sts;
	is_str(facts(&r), "", "mta_sts: nothing before the policy was parsed");
	sts.policy = 1;
	snprintf(sts.id.id, sizeof(sts.id.id), "2026a");
	sts.pol.mode = MTASTS_ENFORCE;
	sts.pol.max_age = 86400;
	sts.pol.nmx = 2;
	snprintf(sts.pol.mx[0], sizeof(sts.pol.mx[0]), "mail.x.test");
	snprintf(sts.pol.mx[1], sizeof(sts.pol.mx[1]), "*.x.test");
	is_str(facts(&r), ",\"mta_sts\":{\"id\":\"2026a\",\"mode\":\"enforce\","
	    "\"max_age\":86400,\"mx\":[\"mail.x.test\",\"*.x.test\"]}",
	    "mta_sts: id, mode, max_age, the mx patterns");
	sts.pol.mode = MTASTS_NONE;
	sts.pol.nmx = 0;
	r.tls_rpt = &rpt;
	is_str(facts(&r), ",\"tls_rpt\":{\"valid\":true,"
	    "\"rua\":\"mailto:a@x.test,https://r.x.test/\"},"
	    "\"mta_sts\":{\"id\":\"2026a\",\"mode\":\"none\",\"max_age\":86400,\"mx\":[]}",
	    "tls_rpt before mta_sts; mode none without patterns");
	result_free(&r);
}

/* --mx facts: every kind of host. */
static void
test_mx(void)
{
	static struct fact_mx m;
	struct result r;

	result_init(&r, "SMTP");
	m.domain = "x.test";
	m.set.n = 3;
	m.set.mx[0].pref = 10;
	snprintf(m.set.mx[0].name, sizeof(m.set.mx[0].name), "a.x.test");
	m.set.mx[1].pref = 20;
	snprintf(m.set.mx[1].name, sizeof(m.set.mx[1].name), "b.x.test");
	m.set.mx[2].pref = 30;
	snprintf(m.set.mx[2].name, sizeof(m.set.mx[2].name), "c.x.test");
	/* a: checked, with a stale certificate */
	m.host[0].resolved = 1;
	m.host[0].checked = 1;
	m.host[0].state = STATE_WARNING;
	snprintf(m.host[0].summary, sizeof(m.host[0].summary), "EHLO \"ok\"");
	m.host[0].have_cert = 1;
	m.host[0].stale = 1;
	snprintf(m.host[0].cert.not_after, sizeof(m.host[0].cert.not_after), "2027-01-01");
	snprintf(m.host[0].cert.fingerprint, sizeof(m.host[0].cert.fingerprint), "AB");
	/* b: its lookup failed */
	err_set(&m.host[1].err, ERR_RESOLVE, "no address");
	/* c: not looked up (an earlier host answered) */
	r.mx = &m;
	is_str(facts(&r), ",\"mx\":{\"domain\":\"x.test\",\"null_mx\":false,"
	    "\"implicit\":false,\"hosts\":["
	    "{\"pref\":10,\"name\":\"a.x.test\",\"resolved\":true,\"checked\":true,"
	    "\"state\":\"WARNING\",\"summary\":\"EHLO \\\"ok\\\"\","
	    "\"cert_not_after\":\"2027-01-01\",\"cert_sha256\":\"AB\",\"cert_stale\":true},"
	    "{\"pref\":20,\"name\":\"b.x.test\",\"resolved\":false,\"checked\":false,"
	    "\"error\":\"no address\"},"
	    "{\"pref\":30,\"name\":\"c.x.test\",\"resolved\":false,\"checked\":false}]}",
	    "mx: a checked host, a failed lookup, a host not looked up");
	memset(&m, 0, sizeof(m));
	m.domain = "null.test";
	m.set.n = 1;
	m.set.null_mx = 1;
	snprintf(m.set.mx[0].name, sizeof(m.set.mx[0].name), ".");
	is_str(facts(&r), ",\"mx\":{\"domain\":\"null.test\",\"null_mx\":true,"
	    "\"implicit\":false,\"hosts\":[{\"pref\":0,\"name\":\".\",\"resolved\":false,"
	    "\"checked\":false}]}", "mx: null MX");
	m.set.null_mx = 0;
	m.set.implicit = 1;
	m.set.n = 0;
	is_str(facts(&r), ",\"mx\":{\"domain\":\"null.test\",\"null_mx\":false,"
	    "\"implicit\":true,\"hosts\":[]}", "mx: implicit, no hosts");
	result_free(&r);
}

/* All facts in one object, where they go: after tls, before perfdata. */
static void
test_order(void)
{
	static struct fact_tlsrpt rpt;
	static struct fact_sts sts;
	static struct fact_mx m;
	struct json_target t;
	struct result r;

	target(&t);
	t.host = "x.test";
	t.port = 25;
	result_init(&r, "SMTP");
	result_perf(&r, "mx_count", 0, "", NULL, NULL, 0, NAN);
	sts.policy = 1;
	snprintf(sts.id.id, sizeof(sts.id.id), "i");
	sts.pol.mode = MTASTS_TESTING;
	sts.pol.max_age = 1;
	m.domain = "x.test";
	r.mx = &m;
	r.mta_sts = &sts;
	r.tls_rpt = &rpt;
	is_str(fmt(&t, &r), "{\"plugin\":\"check_smtp_tx\",\"service\":\"SMTP\","
	    "\"state\":\"OK\",\"exit_code\":0,\"summary\":\"all checks passed\","
	    "\"host\":\"x.test\","
	    "\"port\":25,\"problems\":[],\"phases\":{},\"time\":0.000000,"
	    "\"tls_rpt\":{\"valid\":false},"
	    "\"mta_sts\":{\"id\":\"i\",\"mode\":\"testing\",\"max_age\":1,\"mx\":[]},"
	    "\"mx\":{\"domain\":\"x.test\",\"null_mx\":false,\"implicit\":false,\"hosts\":[]},"
	    "\"perfdata\":\"mx_count=0;;;0\",\"details\":[]}\n",
	    "the facts after time (and tls), before perfdata");
	result_free(&r);
}

/* issue 19: the key and quality of the certificate, and --all-certs. */
static void
test_certs(void)
{
	static struct fact_certs fc;
	struct json_target t;
	struct result r;
	struct tls_info in;
	const char *got;

	target(&t);
	result_init(&r, "SMTP");
	memset(&in, 0, sizeof(in));
	snprintf(in.protocol, sizeof(in.protocol), "TLSv1.3");
	snprintf(in.key_text, sizeof(in.key_text), "ECDSA P-256");
	snprintf(in.sig_alg, sizeof(in.sig_alg), "ecdsa-with-SHA256");
	in.eku = TLS_EKU_SERVER;
	in.validity_days = 90;
	in.verified = 1;
	t.tls = &in;
	got = fmt(&t, &r);
	ok(strstr(got, "\"key\":\"ECDSA P-256\",\"quality\":\"ECDSA P-256, signed "
	    "ecdsa-with-SHA256, EKU serverAuth, valid 90 days, no must-staple\"") != NULL,
	    "tls: key and quality");
	fc.n = 2;
	fc.c[0].key = TLS_KEY_RSA;
	fc.c[0].outcome = FACT_CERT_SERVED;
	snprintf(fc.c[0].cert.key_text, sizeof(fc.c[0].cert.key_text), "RSA 2048");
	fc.c[0].cert.days_left = 10.5;
	fc.c[0].cert.verified = 1;
	fc.c[1].key = TLS_KEY_EDDSA;
	fc.c[1].outcome = FACT_CERT_UNPROBED;
	snprintf(fc.c[1].why, sizeof(fc.c[1].why), "could not probe: reset");
	r.certs = &fc;
	got = fmt(&t, &r);
	ok(strstr(got, "\"certs\":[{\"type\":\"RSA\",\"outcome\":\"served\",\"key\":"
	    "\"RSA 2048\",") != NULL && strstr(got, "\"days_left\":10,\"verified\":true") &&
	    strstr(got, "{\"type\":\"EdDSA\",\"outcome\":\"unprobed\",\"reason\":"
	    "\"could not probe: reset\"}]") != NULL, "certs: served and unprobed");
	result_free(&r);
}

/* issue 19: --all-addresses, each address with its verdict. */
static void
test_addrs(void)
{
	static struct fact_addrs fa;
	struct json_target t;
	struct result r;

	target(&t);
	result_init(&r, "SMTP");
	fa.n = 2;
	snprintf(fa.a[0].addr, sizeof(fa.a[0].addr), "::1");
	fa.a[0].state = STATE_CRITICAL;
	snprintf(fa.a[0].summary, sizeof(fa.a[0].summary), "h[::1]:25: connection refused");
	snprintf(fa.a[1].addr, sizeof(fa.a[1].addr), "127.0.0.1");
	fa.a[1].state = STATE_OK;
	snprintf(fa.a[1].summary, sizeof(fa.a[1].summary), "EHLO \"accepted\"");
	r.addrs = &fa;
	ok(strstr(fmt(&t, &r), ",\"addresses\":[{\"address\":\"::1\",\"state\":\"CRITICAL\","
	    "\"summary\":\"h[::1]:25: connection refused\"},{\"address\":\"127.0.0.1\","
	    "\"state\":\"OK\",\"summary\":\"EHLO \\\"accepted\\\"\"}]") != NULL,
	    "addresses: each with its state and summary, escaped");
	result_free(&r);
}

/* issue 21: the mailbox health, each folder and each quota root. */
static void
test_mailbox(void)
{
	static struct fact_mailbox mb;
	struct result r;

	result_init(&r, "IMAP");
	mb.n = 2;
	snprintf(mb.f[0].name, sizeof(mb.f[0].name), "Entw\xc3\xbcrfe \"x\"");
	mb.f[0].have_messages = mb.f[0].have_unseen = 1;
	mb.f[0].messages = 4;
	mb.f[0].unseen = 2;
	mb.f[0].have_oldest = 1;
	mb.f[0].oldest = 1796461200LL;
	mb.f[0].oldest_age = 120.9;
	snprintf(mb.f[1].name, sizeof(mb.f[1].name), "Nope");
	mb.f[1].missing = 1;
	mb.nquota = 1;
	snprintf(mb.q[0].root, sizeof(mb.q[0].root), "User quota");
	mb.q[0].n = 1;
	snprintf(mb.q[0].res[0].name, sizeof(mb.q[0].res[0].name), "MESSAGE");
	mb.q[0].res[0].usage = 6;
	mb.q[0].res[0].limit = 20;
	ok(strcmp(facts(&r), "") == 0, "mailbox: nothing without the fact");
	r.mailbox = &mb;
	is_str(facts(&r), ",\"mailbox\":{\"folders\":[{\"name\":\"Entw\\u00fcrfe \\\"x\\\"\","
	    "\"missing\":false,\"messages\":4,\"unseen\":2,\"oldest\":1796461200,"
	    "\"oldest_age\":120},{\"name\":\"Nope\",\"missing\":true}],\"skipped\":0,"
	    "\"quota\":[{\"root\":\"User quota\",\"resources\":[{\"name\":\"MESSAGE\","
	    "\"usage\":6,\"limit\":20}]}]}", "mailbox: folders (only the figures given) and quota");
	result_free(&r);
}

int
main(void)
{
	test_mailbox();
	test_minimal();
	test_run();
	test_tls();
	test_policy();
	test_mx();
	test_order();
	test_certs();
	test_addrs();
	return done_testing();
}
