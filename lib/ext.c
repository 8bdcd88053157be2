/* ext.c - load the TLS/DNS module on first use and forward to it (see
 * ext.h for why). The forwarders are expanded from lib/ext_tls.def and
 * lib/ext_dns.def. */
#include <config.h>

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "ext.h"

struct ext_module {
	const char *file;          /* "mailprobe_tls.so" */
	const char *symbol;        /* "mailprobe_tls_v4" */
	const char *what;          /* "TLS" */
	pthread_once_t once;       /* ext_open runs once per process ... */
	void (*open)(void);        /* ... through this */
	const void *table;         /* after a successful load */
	char error[ERR_MSG_MAX];   /* after a failed one */
};

static void ext_path(const char *file, char *out, size_t cap);
static void ext_open(struct ext_module *m);
static void ext_open_tls(void);
static void ext_open_dns(void);
static const void *ext_load(struct ext_module *m, struct err *e);

static struct ext_module ext_tls_mod = { "mailprobe_tls.so", MP_EXT_SYMBOL_NAME(tls),
	"TLS", PTHREAD_ONCE_INIT, ext_open_tls, NULL, "" };
static struct ext_module ext_dns_mod = { "mailprobe_dns.so", MP_EXT_SYMBOL_NAME(dns),
	"DNS", PTHREAD_ONCE_INIT, ext_open_dns, NULL, "" };

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

/* Open module M: its table in m->table, or the reason in m->error. Runs
 * once per module and process (ext_load), whatever the number of threads
 * (the --all-mx workers) asking for it at the same moment. */
static void
ext_open(struct ext_module *m)
{
	char path[PATH_MAX + 64];
	const struct mp_ext_tls *x;   /* both tables start with version, abi */
	void *h;

	ext_path(m->file, path, sizeof(path));
	/* lazy binding: resolve only the library functions a run calls */
	h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	if (h == NULL) {
		snprintf(m->error, sizeof(m->error), "cannot load the %s module: %s",
		    m->what, dlerror());
		return;
	}
	x = dlsym(h, m->symbol);
	if (x == NULL || x->version != MP_EXT_VERSION || x->abi != mp_ext_abi()) {
		snprintf(m->error, sizeof(m->error), "the %s module %.160s does not "
		    "match this plugin (reinstall %s)", m->what, path, PACKAGE_NAME);
		dlclose(h);
		return;
	}
	m->table = x;   /* kept loaded until exit */
}

static void
ext_open_tls(void)
{
	ext_open(&ext_tls_mod);
}

static void
ext_open_dns(void)
{
	ext_open(&ext_dns_mod);
}

/* Module M's table, loaded on the first call (a failure is kept: later
 * calls fail the same way without trying again); NULL with ERR_INTERNAL
 * in *e (if E) when it cannot be loaded. Thread-safe. */
static const void *
ext_load(struct ext_module *m, struct err *e)
{
	if (pthread_once(&m->once, m->open) != 0) {   /* never, on Linux */
		if (e)
			err_set(e, ERR_INTERNAL, "cannot load the %s module", m->what);
		return NULL;
	}
	if (m->table)
		return m->table;
	if (e)
		err_set(e, ERR_INTERNAL, "%s", m->error);
	return NULL;
}

/* The forwarders: for each line of a list, the function of that name
 * calling the module's table. */
#define EXT_FORWARD(mod, tab, type, name, params, args, err, fail) \
type \
name params \
{ \
	const struct tab *x = ext_load(&(mod), (err)); \
\
	return x ? x->name args : (fail); \
}
#define EXT_FORWARD_FREE(mod, tab, name, type) \
void \
name(type p) \
{ \
	const struct tab *x; \
\
	/* a non-NULL P comes from the module: it is loaded */ \
	if (p != NULL && (x = ext_load(&(mod), NULL)) != NULL) \
		x->name(p); \
}

#define EXT_FN(type, name, params, args, err, fail) \
	EXT_FORWARD(ext_tls_mod, mp_ext_tls, type, name, params, args, err, fail)
#define EXT_FREE(name, type) EXT_FORWARD_FREE(ext_tls_mod, mp_ext_tls, name, type)
#include "ext_tls.def"
#undef EXT_FN
#undef EXT_FREE

#define EXT_FN(type, name, params, args, err, fail) \
	EXT_FORWARD(ext_dns_mod, mp_ext_dns, type, name, params, args, err, fail)
#define EXT_FREE(name, type) EXT_FORWARD_FREE(ext_dns_mod, mp_ext_dns, name, type)
#include "ext_dns.def"
#undef EXT_FN
#undef EXT_FREE
