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

struct ext_module {
	const char *file;          /* "mailprobe_tls.so" */
	const char *symbol;        /* "mailprobe_tls_v3" */
	const char *what;          /* "TLS" */
	const void *table;         /* after a successful load */
	char error[ERR_MSG_MAX];   /* after a failed one */
};

static struct ext_module ext_tls_mod = { "mailprobe_tls.so", "mailprobe_tls_v3", "TLS", NULL, "" };
static struct ext_module ext_dns_mod = { "mailprobe_dns.so", "mailprobe_dns_v3", "DNS", NULL, "" };
#define ext_tls ((const struct mp_ext_tls *)ext_tls_mod.table)
#define ext_dns ((const struct mp_ext_dns *)ext_dns_mod.table)

/* Where module FILE is: $MAILPROBE_EXT_DIR (not for set-id programs), the
 * build tree when the plugin runs from it (plugins/../lib/.libs), else the
 * installed $(pkglibdir). */
static void
ext_path(const char *file, char *out, size_t cap)
{
	const char *env = getauxval(AT_SECURE) ? NULL : getenv("MAILPROBE_EXT_DIR");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(out, cap, "%s/%s", env, file);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if (snprintf(out, cap, "%s/../lib/.libs/%s", self, file) < (int)cap &&
			    access(out, R_OK) == 0)
				return;
		}
	}
	snprintf(out, cap, "%s/%s", MP_PKGLIBDIR, file);
}

/* Load module M once; its table, or NULL with ERR_INTERNAL in *e. */
static const void *
ext_load(struct ext_module *m, struct err *e)
{
	char path[PATH_MAX + 64];
	const struct mp_ext_tls *x;   /* both tables start with version, abi */
	void *h;

	if (m->table)
		return m->table;
	if (m->error[0])
		goto fail;
	ext_path(m->file, path, sizeof(path));
	/* lazy binding: resolve only the library functions a run calls */
	h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	if (h == NULL) {
		snprintf(m->error, sizeof(m->error), "cannot load the %s module: %s",
		    m->what, dlerror());
		goto fail;
	}
	x = dlsym(h, m->symbol);
	if (x == NULL || x->version != MP_EXT_VERSION || x->abi != mp_ext_abi()) {
		snprintf(m->error, sizeof(m->error), "the %s module %.160s does not "
		    "match this plugin (reinstall %s)", m->what, path, PACKAGE_NAME);
		dlclose(h);
		goto fail;
	}
	m->table = x;   /* kept loaded until exit */
	return m->table;
fail:
	if (e)
		err_set(e, ERR_INTERNAL, "%s", m->error);
	return NULL;
}

struct tls *
tls_new(const struct tls_opts *o, struct err *e)
{
	return ext_load(&ext_tls_mod, e) ? ext_tls->tls_new(o, e) : NULL;
}

int
tls_start(struct tls *t, struct conn *c, struct err *e)
{
	return ext_load(&ext_tls_mod, e) ? ext_tls->tls_start(t, c, e) : -1;
}

const struct tls_info *
tls_get_info(const struct tls *t)
{
	/* a struct tls exists only if the module was loaded */
	return ext_tls->tls_get_info(t);
}

void
tls_free(struct tls *t)
{
	if (t != NULL && ext_tls)
		ext_tls->tls_free(t);
}

void
tls_problem_words(unsigned problems, double days_left, const char *not_before,
    const char *not_after, const char *name, const char *cert_names,
    const char *other_text, char *out, size_t cap)
{
	if (ext_load(&ext_tls_mod, NULL))
		ext_tls->tls_problem_words(problems, days_left, not_before, not_after, name,
		    cert_names, other_text, out, cap);
	else if (cap)
		snprintf(out, cap, "%s", ext_tls_mod.error);
}

int
tls_cert_file(const char *path, struct tls_info *out, struct err *e)
{
	return ext_load(&ext_tls_mod, e) ? ext_tls->tls_cert_file(path, out, e) : -1;
}

struct dns *
dns_new(const char *server, struct err *e)
{
	return ext_load(&ext_dns_mod, e) ? ext_dns->dns_new(server, e) : NULL;
}

void
dns_free(struct dns *d)
{
	if (d != NULL && ext_dns)
		ext_dns->dns_free(d);
}

int
dns_mx(struct dns *d, const char *domain, const struct deadline *dl,
    struct dns_mxset *out, struct err *e)
{
	return ext_load(&ext_dns_mod, e) ? ext_dns->dns_mx(d, domain, dl, out, e) : -1;
}

int
dns_addrs(struct dns *d, const char *name, int port, int family,
    const struct deadline *dl, struct net_addrs *out, int *cname, struct err *e)
{
	return ext_load(&ext_dns_mod, e) ? ext_dns->dns_addrs(d, name, port, family, dl, out, cname, e) : -1;
}

int
dns_ptr(struct dns *d, const struct net_addr *a, const struct deadline *dl,
    char names[][DNS_NAME_MAX], int max, int *n, struct err *e)
{
	return ext_load(&ext_dns_mod, e) ? ext_dns->dns_ptr(d, a, dl, names, max, n, e) : -1;
}

int
dns_tlsa(struct dns *d, const char *host, int port, const struct deadline *dl,
    struct dns_tlsa *out, int max, int *n, int *secure, struct err *e)
{
	return ext_load(&ext_dns_mod, e) ? ext_dns->dns_tlsa(d, host, port, dl, out, max, n, secure, e) : -1;
}

int
dns_srv(struct dns *d, const char *name, const struct deadline *dl,
    struct dns_srv *out, int max, int *n, struct err *e)
{
	return ext_load(&ext_dns_mod, e) ? ext_dns->dns_srv(d, name, dl, out, max, n, e) : -1;
}

int
dns_wire_mx(const unsigned char *wire, size_t len, struct dns_mxset *out,
    struct err *e)
{
	return ext_load(&ext_dns_mod, e) ? ext_dns->dns_wire_mx(wire, len, out, e) : -1;
}

int
dns_wire_tlsa(const unsigned char *wire, size_t len, struct dns_tlsa *out,
    int max, int *n, int *secure, struct err *e)
{
	return ext_load(&ext_dns_mod, e) ? ext_dns->dns_wire_tlsa(wire, len, out, max, n, secure, e) : -1;
}

void
dns_mx_sort(struct dns_mxset *s)
{
	if (ext_load(&ext_dns_mod, NULL))
		ext_dns->dns_mx_sort(s);
}

int
dns_txt(struct dns *d, const char *name, const struct deadline *dl,
    struct dns_txt *out, int max, int *n, struct err *e)
{
	return ext_load(&ext_dns_mod, e) ? ext_dns->dns_txt(d, name, dl, out, max, n, e) : -1;
}
