/* ext.c - load the TLS/DNS module on first use and forward to it (see
 * ext.h for why). */
#include <config.h>

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "ext.h"

#define EXT_NAME "mailprobe_ext.so"

static const struct mp_ext *ext;
static char ext_error[ERR_MSG_MAX];

/* Where the module is: $MAILPROBE_EXT (not for set-id programs), the build
 * tree when the plugin runs from it (plugins/../lib/.libs), else the
 * installed $(pkglibdir). */
static void
ext_path(char *out, size_t cap)
{
	const char *env = getauxval(AT_SECURE) ? NULL : getenv("MAILPROBE_EXT");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(out, cap, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if (snprintf(out, cap, "%s/../lib/.libs/" EXT_NAME, self) < (int)cap &&
			    access(out, R_OK) == 0)
				return;
		}
	}
	snprintf(out, cap, "%s/" EXT_NAME, MP_PKGLIBDIR);
}

static const struct mp_ext *
ext_load(struct err *e)
{
	char path[PATH_MAX + 64];
	const struct mp_ext *x;
	void *h;

	if (ext)
		return ext;
	if (ext_error[0])
		goto fail;
	ext_path(path, sizeof(path));
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		snprintf(ext_error, sizeof(ext_error), "cannot load the TLS/DNS module: %s",
		    dlerror());
		goto fail;
	}
	x = dlsym(h, "mailprobe_ext_v1");
	if (x == NULL || x->version != MP_EXT_VERSION || x->abi != mp_ext_abi()) {
		snprintf(ext_error, sizeof(ext_error), "the TLS/DNS module %.160s does not "
		    "match this plugin (reinstall %s)", path, PACKAGE_NAME);
		dlclose(h);
		goto fail;
	}
	ext = x;   /* kept loaded until exit */
	return ext;
fail:
	if (e)
		err_set(e, ERR_INTERNAL, "%s", ext_error);
	return NULL;
}

struct tls *
tls_new(const struct tls_opts *o, struct err *e)
{
	return ext_load(e) ? ext->tls_new(o, e) : NULL;
}

int
tls_start(struct tls *t, struct conn *c, struct err *e)
{
	return ext_load(e) ? ext->tls_start(t, c, e) : -1;
}

const struct tls_info *
tls_get_info(const struct tls *t)
{
	/* a struct tls exists only if the module was loaded */
	return ext->tls_get_info(t);
}

void
tls_free(struct tls *t)
{
	if (t != NULL && ext)
		ext->tls_free(t);
}

void
tls_problem_words(unsigned problems, double days_left, const char *not_before,
    const char *not_after, const char *name, const char *cert_names,
    const char *other_text, char *out, size_t cap)
{
	if (ext_load(NULL))
		ext->tls_problem_words(problems, days_left, not_before, not_after, name,
		    cert_names, other_text, out, cap);
	else if (cap)
		snprintf(out, cap, "%s", ext_error);
}

struct dns *
dns_new(const char *server, struct err *e)
{
	return ext_load(e) ? ext->dns_new(server, e) : NULL;
}

void
dns_free(struct dns *d)
{
	if (d != NULL && ext)
		ext->dns_free(d);
}

int
dns_mx(struct dns *d, const char *domain, const struct deadline *dl,
    struct dns_mxset *out, struct err *e)
{
	return ext_load(e) ? ext->dns_mx(d, domain, dl, out, e) : -1;
}

int
dns_addrs(struct dns *d, const char *name, int port, int family,
    const struct deadline *dl, struct net_addrs *out, int *cname, struct err *e)
{
	return ext_load(e) ? ext->dns_addrs(d, name, port, family, dl, out, cname, e) : -1;
}

int
dns_ptr(struct dns *d, const struct net_addr *a, const struct deadline *dl,
    char names[][DNS_NAME_MAX], int max, int *n, struct err *e)
{
	return ext_load(e) ? ext->dns_ptr(d, a, dl, names, max, n, e) : -1;
}

int
dns_tlsa(struct dns *d, const char *host, int port, const struct deadline *dl,
    struct dns_tlsa *out, int max, int *n, int *secure, struct err *e)
{
	return ext_load(e) ? ext->dns_tlsa(d, host, port, dl, out, max, n, secure, e) : -1;
}

int
dns_srv(struct dns *d, const char *name, const struct deadline *dl,
    struct dns_srv *out, int max, int *n, struct err *e)
{
	return ext_load(e) ? ext->dns_srv(d, name, dl, out, max, n, e) : -1;
}

int
dns_wire_mx(const unsigned char *wire, size_t len, struct dns_mxset *out,
    struct err *e)
{
	return ext_load(e) ? ext->dns_wire_mx(wire, len, out, e) : -1;
}

int
dns_wire_tlsa(const unsigned char *wire, size_t len, struct dns_tlsa *out,
    int max, int *n, int *secure, struct err *e)
{
	return ext_load(e) ? ext->dns_wire_tlsa(wire, len, out, max, n, secure, e) : -1;
}

void
dns_mx_sort(struct dns_mxset *s)
{
	if (ext_load(NULL))
		ext->dns_mx_sort(s);
}
