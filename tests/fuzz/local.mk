# Fuzzing rules (see tests/fuzz/README); included by Makefile.am.
#
# `make fuzz` builds the libFuzzer targets into tests/fuzz/ of the build
# directory. It is not part of `all` or `check`: it needs clang with its
# compiler-rt (Debian: clang, libclang-rt-14-dev). tests/fuzz/run.sh builds
# and runs them. The lib/ sources are compiled once more with clang and the
# fuzzer sanitizers into tests/fuzz/libmailprobe-fuzz.a: those of
# lib_libmailprobe_a_SOURCES (so new lib/ files are picked up) plus the code
# of the TLS and DNS modules linked in directly, as lib/ext.h allows for
# fuzzers, in place of the dlopen() forwarders of lib/ext.c.
#
# Only POSIX make here: automake runs with -Wall -Werror (no %-rules, no
# $(filter ...)). So the targets share one POSIX inference rule, ".c:" (make
# PROG from PROG.c; it takes the place of make's built-in one, which no other
# target of this Makefile uses: automake writes an explicit rule for each of
# its programs), and one prerequisite line adds the fuzz library. A new
# target is one more line in FUZZ_TARGETS (and its files in FUZZ_DIST, its
# name in run.sh's TARGETS).

FUZZ_CC = clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter
FUZZ_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/lib $(AM_CPPFLAGS) \
	$(OPENSSL_CFLAGS) $(LDNS_CFLAGS)
# Sources of the loadable modules (lib/ext.h) linked into the fuzzers; the
# module glue (lib/ext.c, lib/ext_*.c) is left out.
FUZZ_EXTRA_SRCS = lib/tls.c lib/tls_store.c lib/tls_crypto.c lib/tls_probe.c \
	$(DNS_SRCS)
FUZZ_LINK = $(OPENSSL_LIBS) $(LDNS_LIBS) $(LIBS) -lm
FUZZ_LIB = tests/fuzz/libmailprobe-fuzz.a
FUZZ_DEPS = $(FUZZ_LIB) tests/fuzz/fuzz_common.h

FUZZ_TARGETS = \
	tests/fuzz/fuzz_smtp_reply \
	tests/fuzz/fuzz_imap \
	tests/fuzz/fuzz_pop3 \
	tests/fuzz/fuzz_range \
	tests/fuzz/fuzz_ini \
	tests/fuzz/fuzz_b64 \
	tests/fuzz/fuzz_line_reader \
	tests/fuzz/fuzz_dns \
	tests/fuzz/fuzz_mtasts \
	tests/fuzz/fuzz_received \
	tests/fuzz/fuzz_authres \
	tests/fuzz/fuzz_sasl \
	tests/fuzz/fuzz_spf \
	tests/fuzz/fuzz_dmarc \
	tests/fuzz/fuzz_dkim \
	tests/fuzz/fuzz_utf7

# Compile and link one target: $(FUZZ_BUILD) -o $@ SOURCE
FUZZ_BUILD = $(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN)

fuzz: $(FUZZ_TARGETS)
.PHONY: fuzz

$(FUZZ_LIB): $(lib_libmailprobe_a_SOURCES) $(FUZZ_EXTRA_SRCS) config.h
	@$(MKDIR_P) tests/fuzz
	@rm -rf $@.tmp && $(MKDIR_P) $@.tmp
	$(AM_V_GEN)seen=' '; \
	for f in $(lib_libmailprobe_a_SOURCES) $(FUZZ_EXTRA_SRCS); do \
	  case $$f in lib/ext.c|lib/ext_*.c) continue ;; *.c) ;; *) continue ;; esac; \
	  case $$seen in *" $$f "*) continue ;; esac; \
	  seen="$$seen$$f "; \
	  o=`echo "$$f" | sed -e 's|/|_|g' -e 's|\.c$$|.o|'`; \
	  src=`test -f "$$f" || echo '$(srcdir)/'`$$f; \
	  $(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	    $(FUZZ_SAN) -c "$$src" -o "$@.tmp/$$o" || exit 1; \
	done; \
	rm -f $@ && $(AR) cr $@ $@.tmp/*.o && $(RANLIB) $@ && rm -rf $@.tmp

# Every target: its own tests/fuzz/NAME.c (the inference rule's $<, found
# through VPATH in a separate build directory) and the fuzz library.
$(FUZZ_TARGETS): $(FUZZ_DEPS)
.c:
	$(AM_V_CCLD)$(FUZZ_BUILD) -o $@ $< $(FUZZ_LIB) $(FUZZ_LINK)

# run.sh leaves <target>.log and, on a failure, <target>-crash-<sha1> (or
# -leak-, -timeout-, -oom-) next to the binaries.
CLEANFILES += $(FUZZ_TARGETS) $(FUZZ_LIB) tests/fuzz/*.log \
	tests/fuzz/*-crash-* tests/fuzz/*-leak-* tests/fuzz/*-timeout-* \
	tests/fuzz/*-oom-* tests/fuzz/*-slow-unit-*

# Makefile.am sets EXTRA_DIST after including this file, so `EXTRA_DIST +=`
# is not possible here; dist_noinst_DATA ships the files just the same.
FUZZ_DIST = \
	tests/fuzz/README \
	tests/fuzz/fuzz_dkim.c \
	tests/fuzz/corpus/fuzz_dkim/der-rsapublickey \
	tests/fuzz/corpus/fuzz_dkim/der-spki-1024 \
	tests/fuzz/corpus/fuzz_dkim/dkim-ed25519 \
	tests/fuzz/corpus/fuzz_dkim/dkim-revoked \
	tests/fuzz/corpus/fuzz_dkim/dkim-rsa2048 \
	tests/fuzz/corpus/fuzz_dkim/dnsbl-v4 \
	tests/fuzz/corpus/fuzz_dkim/dnsbl-v6 \
	tests/fuzz/corpus/fuzz_dkim/sigs-mx-rrsig \
	tests/fuzz/.gitignore \
	tests/fuzz/run.sh \
	tests/fuzz/fuzz_common.h \
	tests/fuzz/fuzz_b64.c \
	tests/fuzz/fuzz_received.c \
	tests/fuzz/fuzz_authres.c \
	tests/fuzz/fuzz_spf.c \
	tests/fuzz/fuzz_dmarc.c \
	tests/fuzz/corpus/fuzz_spf/many-terms \
	tests/fuzz/corpus/fuzz_spf/escaped-macro-overflow \
	tests/fuzz/corpus/fuzz_spf/cidr-redirect \
	tests/fuzz/corpus/fuzz_spf/macro-and-set \
	tests/fuzz/corpus/fuzz_spf/bad-terms \
	tests/fuzz/corpus/fuzz_dmarc/full \
	tests/fuzz/corpus/fuzz_dmarc/set \
	tests/fuzz/corpus/fuzz_dmarc/bad \
	tests/fuzz/corpus/fuzz_received/postfix-two-hops \
	tests/fuzz/corpus/fuzz_received/exim-and-broken \
	tests/fuzz/corpus/fuzz_authres/pass-and-fail \
	tests/fuzz/corpus/fuzz_authres/empty-method-version \
	tests/fuzz/fuzz_dns.c \
	tests/fuzz/fuzz_imap.c \
	tests/fuzz/fuzz_ini.c \
	tests/fuzz/fuzz_line_reader.c \
	tests/fuzz/fuzz_mtasts.c \
	tests/fuzz/fuzz_mtasts.dict \
	tests/fuzz/fuzz_pop3.c \
	tests/fuzz/fuzz_range.c \
	tests/fuzz/fuzz_smtp_reply.c \
	tests/fuzz/fuzz_imap.dict \
	tests/fuzz/fuzz_ini.dict \
	tests/fuzz/fuzz_pop3.dict \
	tests/fuzz/fuzz_range.dict \
	tests/fuzz/fuzz_smtp_reply.dict \
	tests/fuzz/fuzz_utf7.c \
	tests/fuzz/fuzz_utf7.dict \
	tests/fuzz/corpus/fuzz_utf7/entwuerfe \
	tests/fuzz/corpus/fuzz_utf7/name-of-4096-bytes \
	tests/fuzz/corpus/fuzz_utf7/rfc3501 \
	tests/fuzz/corpus/fuzz_utf7/surrogates \
	tests/fuzz/corpus/fuzz_utf7/control-in-run \
	tests/fuzz/corpus/fuzz_b64/auth-plain \
	tests/fuzz/corpus/fuzz_b64/crlf \
	tests/fuzz/corpus/fuzz_b64/data-after-pad \
	tests/fuzz/corpus/fuzz_b64/invalid \
	tests/fuzz/corpus/fuzz_b64/long \
	tests/fuzz/corpus/fuzz_b64/no-pad \
	tests/fuzz/corpus/fuzz_b64/non-canonical \
	tests/fuzz/corpus/fuzz_b64/one-pad \
	tests/fuzz/corpus/fuzz_b64/pad-only \
	tests/fuzz/corpus/fuzz_b64/password \
	tests/fuzz/corpus/fuzz_b64/three-pad \
	tests/fuzz/corpus/fuzz_b64/two-pad \
	tests/fuzz/corpus/fuzz_b64/username \
	tests/fuzz/corpus/fuzz_dns/cname-then-mx \
	tests/fuzz/corpus/fuzz_dns/mx-bad-rdlength \
	tests/fuzz/corpus/fuzz_dns/mx-compressed \
	tests/fuzz/corpus/fuzz_dns/mx-long-label \
	tests/fuzz/corpus/fuzz_dns/mx-many \
	tests/fuzz/corpus/fuzz_dns/mx-null \
	tests/fuzz/corpus/fuzz_dns/mx-two \
	tests/fuzz/corpus/fuzz_dns/nodata \
	tests/fuzz/corpus/fuzz_dns/nxdomain \
	tests/fuzz/corpus/fuzz_dns/pointer-loop \
	tests/fuzz/corpus/fuzz_dns/servfail \
	tests/fuzz/corpus/fuzz_dns/tlsa-ad \
	tests/fuzz/corpus/fuzz_dns/tlsa-insecure \
	tests/fuzz/corpus/fuzz_dns/tlsa-oversize \
	tests/fuzz/corpus/fuzz_dns/tlsa-short-rdata \
	tests/fuzz/corpus/fuzz_dns/truncated \
	tests/fuzz/corpus/fuzz_imap/bad-code \
	tests/fuzz/corpus/fuzz_imap/bad-status-and-tags \
	tests/fuzz/corpus/fuzz_imap/bye-unavailable \
	tests/fuzz/corpus/fuzz_imap/continuation \
	tests/fuzz/corpus/fuzz_imap/control-chars \
	tests/fuzz/corpus/fuzz_imap/dovecot-capability \
	tests/fuzz/corpus/fuzz_imap/dovecot-greeting \
	tests/fuzz/corpus/fuzz_imap/dovecot-login-failed \
	tests/fuzz/corpus/fuzz_imap/dovecot-login-ok \
	tests/fuzz/corpus/fuzz_imap/dovecot-logout \
	tests/fuzz/corpus/fuzz_imap/dovecot-starttls \
	tests/fuzz/corpus/fuzz_imap/preauth \
	tests/fuzz/corpus/fuzz_imap/select \
	tests/fuzz/corpus/fuzz_ini/bad-header \
	tests/fuzz/corpus/fuzz_ini/brackets \
	tests/fuzz/corpus/fuzz_ini/crlf \
	tests/fuzz/corpus/fuzz_ini/empty-key \
	tests/fuzz/corpus/fuzz_ini/empty-section \
	tests/fuzz/corpus/fuzz_ini/long-line \
	tests/fuzz/corpus/fuzz_ini/no-final-newline \
	tests/fuzz/corpus/fuzz_ini/no-section \
	tests/fuzz/corpus/fuzz_ini/nul-byte \
	tests/fuzz/corpus/fuzz_ini/plugins-ini \
	tests/fuzz/corpus/fuzz_ini/repeated-sections \
	tests/fuzz/corpus/fuzz_line_reader/bare-lf \
	tests/fuzz/corpus/fuzz_line_reader/cap-16 \
	tests/fuzz/corpus/fuzz_line_reader/cr-only \
	tests/fuzz/corpus/fuzz_line_reader/line-4096 \
	tests/fuzz/corpus/fuzz_line_reader/line-4096-lf \
	tests/fuzz/corpus/fuzz_line_reader/line-4097 \
	tests/fuzz/corpus/fuzz_line_reader/many-short-lines \
	tests/fuzz/corpus/fuzz_line_reader/no-terminator \
	tests/fuzz/corpus/fuzz_line_reader/nul-bytes \
	tests/fuzz/corpus/fuzz_line_reader/small-cap \
	tests/fuzz/corpus/fuzz_line_reader/smtp-session-crlf \
	tests/fuzz/corpus/fuzz_line_reader/split-crlf-at-buffer \
	tests/fuzz/corpus/fuzz_mtasts/match-wildcard \
	tests/fuzz/corpus/fuzz_mtasts/policy-bad \
	tests/fuzz/corpus/fuzz_mtasts/policy-enforce \
	tests/fuzz/corpus/fuzz_mtasts/policy-none-unterminated \
	tests/fuzz/corpus/fuzz_mtasts/policy-testing \
	tests/fuzz/corpus/fuzz_mtasts/txt-set \
	tests/fuzz/corpus/fuzz_pop3/apop-greeting \
	tests/fuzz/corpus/fuzz_pop3/apop-small-cap \
	tests/fuzz/corpus/fuzz_pop3/apop-tricky \
	tests/fuzz/corpus/fuzz_pop3/auth-failed \
	tests/fuzz/corpus/fuzz_pop3/capa-control \
	tests/fuzz/corpus/fuzz_pop3/capa-dot-stuffed \
	tests/fuzz/corpus/fuzz_pop3/capa-many \
	tests/fuzz/corpus/fuzz_pop3/capa-unterminated \
	tests/fuzz/corpus/fuzz_pop3/dovecot-capa \
	tests/fuzz/corpus/fuzz_pop3/dovecot-greeting \
	tests/fuzz/corpus/fuzz_pop3/dovecot-session \
	tests/fuzz/corpus/fuzz_pop3/malformed-status \
	tests/fuzz/corpus/fuzz_range/colon \
	tests/fuzz/corpus/fuzz_range/decimals \
	tests/fuzz/corpus/fuzz_range/double-prefix \
	tests/fuzz/corpus/fuzz_range/exponent \
	tests/fuzz/corpus/fuzz_range/inside \
	tests/fuzz/corpus/fuzz_range/inside-neg-inf \
	tests/fuzz/corpus/fuzz_range/letters \
	tests/fuzz/corpus/fuzz_range/long \
	tests/fuzz/corpus/fuzz_range/neg-inf \
	tests/fuzz/corpus/fuzz_range/negatives \
	tests/fuzz/corpus/fuzz_range/plain \
	tests/fuzz/corpus/fuzz_range/reversed \
	tests/fuzz/corpus/fuzz_range/span \
	tests/fuzz/corpus/fuzz_range/start-only \
	tests/fuzz/corpus/fuzz_range/two-colons \
	tests/fuzz/corpus/fuzz_smtp_reply/bad-code-change \
	tests/fuzz/corpus/fuzz_smtp_reply/bad-codes \
	tests/fuzz/corpus/fuzz_smtp_reply/bad-control-chars \
	tests/fuzz/corpus/fuzz_smtp_reply/ehlo-odd-size-auth \
	tests/fuzz/corpus/fuzz_smtp_reply/enhanced-codes \
	tests/fuzz/corpus/fuzz_smtp_reply/exchange-ehlo-lf-only \
	tests/fuzz/corpus/fuzz_smtp_reply/greylist-multiline \
	tests/fuzz/corpus/fuzz_smtp_reply/postfix-banner \
	tests/fuzz/corpus/fuzz_smtp_reply/postfix-ehlo \
	tests/fuzz/corpus/fuzz_smtp_reply/postfix-ehlo-after-starttls \
	tests/fuzz/corpus/fuzz_smtp_reply/postfix-relay-denied \
	tests/fuzz/corpus/fuzz_smtp_reply/postfix-session \
	tests/fuzz/corpus/fuzz_smtp_reply/reply-over-64k \
	tests/fuzz/corpus/fuzz_smtp_reply/shutdown-421 \
	tests/fuzz/corpus/fuzz_smtp_reply/truncated \
	tests/static/sanitize.sh \
	tests/static/valgrind.sh \
	tests/static/lint.sh \
	.clang-tidy
dist_noinst_DATA = $(FUZZ_DIST)
