/* test_metrics.c - --output=openmetrics (lib/metrics.c) and the perfdata
 * items behind it (result_perf_host, result_merge_perf, phase_report in
 * lib/result.c, lib/phase.c). */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "phase.h"
#include "range.h"
#include "result.h"
#include "tap.h"

static const enum phase_id smtp_phases[] = {
	PHASE_DNS, PHASE_CONNECT, PHASE_TLS, PHASE_BANNER, PHASE_EHLO,
	PHASE_STARTTLS, PHASE_QUIT, PHASE_NONE
};

/* metrics_format of R for TARGET, in a static buffer. */
static const char *
fmt(const struct metrics_target *t, const struct result *r)
{
	static char buf[16384];
	struct sbuf s;

	sbuf_init(&s);
	metrics_format(&s, t, r);
	snprintf(buf, sizeof(buf), "%s", sbuf_str(&s));
	sbuf_free(&s);
	return buf;
}

static const char *
esc(const char *in)
{
	static char buf[512];
	struct sbuf s;

	sbuf_init(&s);
	metrics_label_value(&s, in);
	snprintf(buf, sizeof(buf), "%s", sbuf_str(&s));
	sbuf_free(&s);
	return buf;
}

static const char *
name(const char *in)
{
	static char buf[512];
	struct sbuf s;

	sbuf_init(&s);
	metrics_name_part(&s, in);
	snprintf(buf, sizeof(buf), "%s", sbuf_str(&s));
	sbuf_free(&s);
	return buf;
}

static const char *
num(double v)
{
	static char buf[64];
	struct sbuf s;

	sbuf_init(&s);
	metrics_number(&s, v);
	snprintf(buf, sizeof(buf), "%s", sbuf_str(&s));
	sbuf_free(&s);
	return buf;
}

/* How often the line LINE (without its newline) occurs in TEXT. */
static int
count_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;
	int k = 0;

	for (p = text; *p; ) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len == n && strncmp(p, line, n) == 0)
			k++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return k;
}

/* The OpenMetrics grouping rule: every sample follows the TYPE line of its
 * own family, no family has two TYPE lines, and "# EOF" is the last line.
 * Returns NULL when TEXT keeps it, else what is wrong. */
static const char *
grouping_error(const char *text)
{
	static char why[256];
	char fam[64][128];
	int nfam = 0, i, eof = 0;
	const char *p = text;

	fam[0][0] = '\0';
	while (*p) {
		const char *nl = strchr(p, '\n');
		char line[1024];
		size_t len;

		if (nl == NULL)
			return "the text does not end with a newline";
		len = (size_t)(nl - p);
		if (len >= sizeof(line))
			return "line too long";
		memcpy(line, p, len);
		line[len] = '\0';
		p = nl + 1;
		if (eof)
			return "text after # EOF";
		if (strcmp(line, "# EOF") == 0) {
			eof = 1;
		} else if (strncmp(line, "# TYPE ", 7) == 0) {
			char f[128];

			if (sscanf(line + 7, "%127s", f) != 1)
				return "TYPE without a name";
			for (i = 0; i < nfam; i++)
				if (strcmp(fam[i], f) == 0) {
					snprintf(why, sizeof(why), "family %s has two TYPE lines", f);
					return why;
				}
			if (nfam == 64)
				return "too many families";
			snprintf(fam[nfam++], sizeof(fam[0]), "%s", f);
		} else if (line[0] == '#') {
			char kw[16], f[128];

			if (sscanf(line, "# %15s %127s", kw, f) != 2 || nfam == 0 ||
			    strcmp(f, fam[nfam - 1]) != 0) {
				snprintf(why, sizeof(why), "metadata for another family: %.200s", line);
				return why;
			}
		} else {
			size_t fl = strcspn(line, "{ ");

			if (nfam == 0 || strlen(fam[nfam - 1]) != fl ||
			    strncmp(line, fam[nfam - 1], fl) != 0) {
				snprintf(why, sizeof(why), "sample outside its family: %.200s", line);
				return why;
			}
		}
	}
	return eof ? NULL : "no # EOF";
}

static void
test_escaping(void)
{
	is_str(esc("mail.example.org"), "mail.example.org", "plain label value unchanged");
	is_str(esc("a\\b"), "a\\\\b", "backslash doubled");
	is_str(esc("say \"hi\""), "say \\\"hi\\\"", "double quotes escaped");
	is_str(esc("two\nlines"), "two\\nlines", "newline becomes \\n");
	is_str(esc("\\\"\n"), "\\\\\\\"\\n", "all three in a row");
	is_str(esc("m\xc3\xa4il.example"), "m\xc3\xa4il.example", "UTF-8 passes through");
	is_str(esc(""), "", "empty value");
}

static void
test_names(void)
{
	is_str(name("cert_days"), "cert_days", "a clean name is unchanged");
	is_str(name("mx2.lab.test"), "mx2_lab_test", "dots become _");
	is_str(name("a-b:c/d e'f"), "a_b_c_d_e_f", "- : / space ' become _");
	is_str(name("Runs9"), "Runs9", "letters and digits kept");
	is_str(name("\xc3\xa4"), "__", "non-ASCII bytes become _");
}

static void
test_numbers(void)
{
	double third = 1.0 / 3.0, sum = 0.1 + 0.2;

	is_str(num(364), "364", "integer without a fraction");
	is_str(num(-3), "-3", "negative integer (expired certificate)");
	is_str(num(0), "0", "zero");
	is_str(num(0.001234), "0.001234", "microsecond seconds in the short form");
	is_str(num(12.5), "12.5", "a simple fraction");
	is_str(num(1e-7), "1e-07", "tiny values in exponent form");
	is_double(strtod(num(third), NULL), third, 0, "1/3 reads back exactly");
	is_double(strtod(num(sum), NULL), sum, 0, "0.1+0.2 reads back exactly");
	ok(strtod(num(third), NULL) == third && strtod(num(sum), NULL) == sum,
	    "round-trip is bit-exact");
	is_str(num(NAN), "NaN", "NaN");
	is_str(num(INFINITY), "+Inf", "+Inf");
	is_str(num(-INFINITY), "-Inf", "-Inf");
}

/* One host: the exact text, state, phases, time, cert_days. */
static void
test_single_host(void)
{
	struct metrics_target t = { "check_smtp_tx", "SMTP", "mail.example.org", 25 };
	struct phase_set ps;
	static const struct phase_limits lim;
	struct range cw;
	struct err e;
	struct result r;

	result_init(&r, "SMTP");
	phase_set_init(&ps, smtp_phases);
	ps.p[1].ran = 1;
	ps.p[1].secs = 0.000250;
	ps.p[3].ran = 1;
	ps.p[3].secs = 0.001234;
	err_clear(&e);
	ok(range_parse(&cw, "30", &e) == 0, "range 30 parses");
	result_perf(&r, "cert_days", 364, "", &cw, NULL, NAN, NAN);
	phase_report(&ps, &lim, 0.5, &r, NULL);
	is_str(fmt(&t, &r),
	    "# TYPE mailprobe_state gauge\n"
	    "# HELP mailprobe_state Check state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
	    "mailprobe_state{plugin=\"check_smtp_tx\",service=\"SMTP\",host=\"mail.example.org\",port=\"25\"} 0\n"
	    "# TYPE mailprobe_cert_days gauge\n"
	    "# HELP mailprobe_cert_days Days until the server certificate expires (negative: days since it expired).\n"
	    "mailprobe_cert_days{plugin=\"check_smtp_tx\",service=\"SMTP\",host=\"mail.example.org\",port=\"25\"} 364\n"
	    "# TYPE mailprobe_phase_seconds gauge\n"
	    "# HELP mailprobe_phase_seconds Time spent in one phase of the check, in seconds.\n"
	    "# UNIT mailprobe_phase_seconds seconds\n"
	    "mailprobe_phase_seconds{plugin=\"check_smtp_tx\",service=\"SMTP\",host=\"mail.example.org\",port=\"25\",phase=\"connect\"} 0.00025\n"
	    "mailprobe_phase_seconds{plugin=\"check_smtp_tx\",service=\"SMTP\",host=\"mail.example.org\",port=\"25\",phase=\"banner\"} 0.001234\n"
	    "# TYPE mailprobe_time_seconds gauge\n"
	    "# HELP mailprobe_time_seconds Total time of the check, in seconds.\n"
	    "# UNIT mailprobe_time_seconds seconds\n"
	    "mailprobe_time_seconds{plugin=\"check_smtp_tx\",service=\"SMTP\",host=\"mail.example.org\",port=\"25\"} 0.5\n"
	    "# EOF\n",
	    "one host: the whole text");
	/* the items are the same facts as the perfdata text */
	is_str(sbuf_str(&r.perf), "cert_days=364;30 connect=0.000250s;;;0 "
	    "banner=0.001234s;;;0 time=0.500000s;;;0", "the perfdata text is unchanged");
	is_int(r.nitems, 4, "four items for four perfdata labels");
	is_str(r.items[0].warn, "30", "item keeps the warning threshold text");
	is_str(r.items[0].crit, "", "item: no critical threshold");
	ok(isnan(r.items[0].min) && isnan(r.items[0].max), "item: min/max not given");
	is_str(r.items[1].uom, "s", "phase item in seconds");
	is_double(r.items[1].min, 0, 0, "phase item min 0");

	result_problem(&r, STATE_WARNING, "slow");
	ok(strstr(fmt(&t, &r), "port=\"25\"} 1\n") != NULL, "WARNING: mailprobe_state 1");
	result_problem(&r, STATE_CRITICAL, "down");
	ok(strstr(fmt(&t, &r), "\"} 2\n# TYPE mailprobe_cert_days") != NULL,
	    "CRITICAL wins: mailprobe_state 2");
	is_int(result_state(&r), 2, "the state printed is result_state");
	ok(grouping_error(fmt(&t, &r)) == NULL, "one host: families grouped");
	result_free(&r);
	ok(r.items == NULL && r.nitems == 0, "result_free releases the items");
}

/* --all-mx: per-host items get mx="HOST", families stay grouped. */
static void
test_all_mx(void)
{
	struct metrics_target t = { "check_smtp_tx", "SMTP", "lab.test", 25 };
	struct result top, host[2];
	struct phase_set ps;
	static const struct phase_limits lim;
	const char *hosts[2] = { "mx1.lab.test", "mx2.lab.test" };
	const char *out, *why;
	char line[512];
	int i;

	result_init(&top, "SMTP");
	result_perf(&top, "mx_count", 2, "", NULL, NULL, 0, NAN);
	for (i = 0; i < 2; i++) {
		result_init(&host[i], "SMTP");
		phase_set_init(&ps, smtp_phases);
		ps.p[1].ran = ps.p[3].ran = ps.p[4].ran = 1;
		ps.p[1].secs = 0.001 * (i + 1);
		ps.p[3].secs = 0.002 * (i + 1);
		ps.p[4].secs = 0.003 * (i + 1);
		/* as plugin_upgrade does with p->perf_prefix */
		result_perf_host(&host[i], hosts[i], "cert_days", 100 + i, "", NULL, NULL,
		    NAN, NAN);
		phase_report(&ps, &lim, 0.01 * (i + 1), &host[i], hosts[i]);
		result_merge_perf(&top, &host[i]);
	}
	phase_set_init(&ps, smtp_phases);
	ps.p[0].ran = 1;
	ps.p[0].secs = 0.0005;
	phase_report(&ps, &lim, 0.03, &top, NULL);

	ok(strstr(sbuf_str(&top.perf), " mx1.lab.test_banner=0.002000s;;;0 ") != NULL,
	    "perfdata text keeps the prefixed label");
	ok(strstr(sbuf_str(&top.perf), " mx2.lab.test_cert_days=101 ") != NULL,
	    "perfdata text: prefixed cert_days");
	is_int(top.nitems, 1 + 2 * 5 + 2, "merged items: mx_count, 5 per host, dns, time");
	is_str(top.items[1].host, "mx1.lab.test", "merged item keeps its host");
	is_str(top.items[1].label, "cert_days", "merged item keeps its bare label");

	out = fmt(&t, &top);
	why = grouping_error(out);
	ok(why == NULL, "all-mx: every family once, samples grouped (%s)", why ? why : "ok");
	is_int(count_line(out, "# TYPE mailprobe_phase_seconds gauge"), 1,
	    "one TYPE line for the phases of all hosts");
	is_int(count_line(out, "# TYPE mailprobe_time_seconds gauge"), 1,
	    "one TYPE line for the time of all hosts");
	is_int(count_line(out, "# TYPE mailprobe_cert_days gauge"), 1,
	    "one TYPE line for cert_days");
	for (i = 0; i < 2; i++) {
		snprintf(line, sizeof(line), "mailprobe_phase_seconds{plugin=\"check_smtp_tx\","
		    "service=\"SMTP\",host=\"lab.test\",port=\"25\",mx=\"%s\",phase=\"banner\"} %s",
		    hosts[i], i ? "0.004" : "0.002");
		is_int(count_line(out, line), 1, "banner of %s with mx label", hosts[i]);
		snprintf(line, sizeof(line), "mailprobe_time_seconds{plugin=\"check_smtp_tx\","
		    "service=\"SMTP\",host=\"lab.test\",port=\"25\",mx=\"%s\"} %s",
		    hosts[i], i ? "0.02" : "0.01");
		is_int(count_line(out, line), 1, "time of %s with mx label", hosts[i]);
		snprintf(line, sizeof(line), "mailprobe_cert_days{plugin=\"check_smtp_tx\","
		    "service=\"SMTP\",host=\"lab.test\",port=\"25\",mx=\"%s\"} %d",
		    hosts[i], 100 + i);
		is_int(count_line(out, line), 1, "cert_days of %s with mx label", hosts[i]);
	}
	is_int(count_line(out, "mailprobe_time_seconds{plugin=\"check_smtp_tx\","
	    "service=\"SMTP\",host=\"lab.test\",port=\"25\"} 0.03"), 1,
	    "the run's own time has no mx label");
	is_int(count_line(out, "mailprobe_phase_seconds{plugin=\"check_smtp_tx\","
	    "service=\"SMTP\",host=\"lab.test\",port=\"25\",phase=\"dns\"} 0.0005"), 1,
	    "the MX lookup's dns phase has no mx label");
	is_int(count_line(out, "mailprobe_mx_count{plugin=\"check_smtp_tx\","
	    "service=\"SMTP\",host=\"lab.test\",port=\"25\"} 2"), 1, "mx_count sample");
	ok(strstr(out, "mx1_lab_test") == NULL && strstr(out, "mailprobe_mx1") == NULL,
	    "host names never become part of a metric name");
	result_free(&top);
	for (i = 0; i < 2; i++)
		result_free(&host[i]);
}

/* Labels that are not metric names, duplicates, units, odd targets. */
static void
test_odd(void)
{
	struct metrics_target t = { "check_imap_banner", "IMAP", "a\"b\\c\nd", 993 };
	struct metrics_target bare = { "check_imap_banner", "IMAP", NULL, 0 };
	struct result r;
	const char *out;

	result_init(&r, "IMAP");
	result_perf(&r, "odd.label-x", 5, "", NULL, NULL, NAN, NAN);
	result_perf(&r, "odd_label_x", 6, "", NULL, NULL, NAN, NAN);
	result_perf(&r, "state", 7, "", NULL, NULL, NAN, NAN);
	result_perf(&r, "used", 42.5, "%", NULL, NULL, 0, 100);
	result_perf(&r, "size", 1024, "B", NULL, NULL, NAN, NAN);
	result_perf(&r, "runs", 3, "", NULL, NULL, 0, 5);
	result_perf(&r, "runs", 4, "", NULL, NULL, 0, 5);
	out = fmt(&t, &r);
	ok(grouping_error(out) == NULL, "odd labels: still grouped");
	ok(strstr(out, "\nmailprobe_odd_label_x{") != NULL, "label sanitized to [a-zA-Z0-9_]");
	ok(strstr(out, "} 5\n") != NULL && strstr(out, "} 6\n") == NULL,
	    "two labels that sanitize alike: the first value only");
	is_int(count_line(out, "# TYPE mailprobe_state gauge"), 1,
	    "a perfdata label 'state' does not add a second mailprobe_state");
	ok(strstr(out, "\nmailprobe_state_value{") != NULL, "it becomes mailprobe_state_value");
	ok(strstr(out, "\nmailprobe_used_percent{") != NULL, "%% becomes _percent");
	ok(strstr(out, "# UNIT mailprobe_size_bytes bytes\nmailprobe_size_bytes{") != NULL,
	    "B becomes _bytes with a UNIT line");
	ok(strstr(out, "} 3\n") != NULL && strstr(out, "} 4\n") == NULL,
	    "a label given twice keeps its first value");
	ok(strstr(out, "host=\"a\\\"b\\\\c\\nd\"") != NULL, "the host label value is escaped");
	ok(strstr(out, "port=\"993\"") != NULL, "port label");
	out = fmt(&bare, &r);
	ok(strstr(out, "host=") == NULL && strstr(out, "port=") == NULL,
	    "no host: no host or port label");
	ok(strstr(out, "mailprobe_state{plugin=\"check_imap_banner\",service=\"IMAP\"} 0\n") != NULL,
	    "no host: plugin and service only");
	result_free(&r);

	/* nothing measured: the state alone, still a complete exposition */
	result_init(&r, "POP3");
	result_problem(&r, STATE_UNKNOWN, "internal");
	is_str(fmt(&bare, &r),
	    "# TYPE mailprobe_state gauge\n"
	    "# HELP mailprobe_state Check state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
	    "mailprobe_state{plugin=\"check_imap_banner\",service=\"IMAP\"} 3\n"
	    "# EOF\n", "no perfdata: state and # EOF only");
	result_free(&r);
}

/* The checker above can fail: interleaved families, a second TYPE, text
 * after # EOF, no # EOF. */
static void
test_checker(void)
{
	ok(grouping_error("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# EOF\n") == NULL,
	    "checker: grouped text passes");
	ok(grouping_error("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n# EOF\n")
	    != NULL, "checker: an interleaved sample fails");
	ok(grouping_error("# TYPE a gauge\na 1\n# TYPE a gauge\na 2\n# EOF\n") != NULL,
	    "checker: a second TYPE line fails");
	ok(grouping_error("# TYPE a gauge\na 1\n# EOF\na 2\n") != NULL,
	    "checker: text after # EOF fails");
	ok(grouping_error("# TYPE a gauge\na 1\n") != NULL, "checker: no # EOF fails");
}

int
main(void)
{
	test_checker();
	test_escaping();
	test_names();
	test_numbers();
	test_single_host();
	test_all_mx();
	test_odd();
	return done_testing();
}
