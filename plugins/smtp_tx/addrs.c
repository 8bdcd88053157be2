/* addrs.c - check_smtp_tx --all-addresses: one SMTP session per address
 * of the host (or of one MX host under --all-mx), through the fan-out of
 * plugins/common/plugin_multi.c. */
#include <config.h>

#include "smtp_tx.h"

static struct plugin *
smtp_addr_new(void *ctx, const char *host, const struct net_addrs *addrs)
{
	struct smtp_check *c = smtp_session_new(ctx, host, addrs);

	return c ? &c->p : NULL;
}

static void
smtp_addr_run(struct plugin *p)
{
	(void)smtp_session((struct smtp_check *)p);
}

static void
smtp_addr_free(struct plugin *p)
{
	smtp_session_free((struct smtp_check *)p);
}

void
smtp_run_addresses(struct smtp_check *s)
{
	const struct plugin_multi_ops ops = {
		.session_new = smtp_addr_new, .session_run = smtp_addr_run,
		.session_free = smtp_addr_free, .ctx = s
	};
	int64_t t0 = deadline_now_us();

	(void)plugin_multi_run(&s->p, &ops);
	s->elapsed = (double)(deadline_now_us() - t0) / 1e6;
}

int
smtp_addresses_validate(const struct smtp_config *c, struct err *e)
{
	if (c->count && (c->pc.all_certs || c->pc.forbid_tls || c->pc.forbid_weak))
		return err_set(e, ERR_USAGE, "--count repeats the transaction: check "
		    "--all-certs, --forbid-tls and --forbid-cipher in a run of their own");
	if (!c->pc.all_addresses)
		return 0;
	if (c->mx_domain && !c->all_mx)
		return err_set(e, ERR_USAGE, "--all-addresses with --mx checks every MX "
		    "host: add --all-mx");
	if (c->count)
		return err_set(e, ERR_USAGE, "--count repeats one address: drop "
		    "--all-addresses");
	return 0;
}
