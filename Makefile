# SPDX-License-Identifier: ISC
# privrun: build, test, install.  Honours CC, CPPFLAGS, CFLAGS, LDFLAGS,
# LDLIBS, PREFIX, DESTDIR; warnings and hardening come first, so the
# user's flags add to them and can override them, never silently lose them.

VERSION    = 0.1
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share
# Where each shell looks for completions it loads on demand.  zsh has no
# one standard place: this is Debian's, in zsh's default $fpath there.
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/vendor-completions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
SYSCONFDIR ?= /etc
# The policy file of setuid-root and file-capability installs (privrun.conf(5)).
PRIVRUN_CONF ?= $(SYSCONFDIR)/privrun.conf
INCLUDEDIR ?= $(PREFIX)/include
LIBDIR    ?= $(PREFIX)/lib
AR        ?= ar
CC        ?= cc
# The musl build is for size: container images, and a smaller binary is
# fewer pages to map at each start (bench/RESULTS.md).
CFLAGS    ?= $(if $(filter 1,$(MUSL)),-Os,-O2) -g
PKG_CONFIG ?= pkg-config
INSTALL   ?= install
SETCAP    ?= setcap
# What an install with file capabilities grants (see privrun(1)).
FILECAPS  ?= cap_setuid,cap_setgid,cap_setpcap,cap_net_bind_service,cap_dac_read_search+p

CAPNG_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcap-ng)
CAPNG_LIBS   := $(shell $(PKG_CONFIG) --libs libcap-ng || echo -lcap-ng)
SECCOMP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libseccomp)
SECCOMP_LIBS := $(shell $(PKG_CONFIG) --libs libseccomp || echo -lseccomp)
# privrun links libcap-ng and libseccomp statically (Debian's -dev packages
# ship the .a files): two shared objects fewer for the loader to find, map
# and relocate on every start (bench/RESULTS.md).  STATIC_LIBS= links them
# dynamically.
STATIC_LIBS ?= 1
ifeq ($(STATIC_LIBS),1)
PRIVRUN_LIBS = -Wl,-Bstatic $(CAPNG_LIBS) $(SECCOMP_LIBS) -Wl,-Bdynamic
else
PRIVRUN_LIBS = $(CAPNG_LIBS) $(SECCOMP_LIBS)
endif
# STATIC=1 links privrun itself -static-pie: no dynamic loader, about 40%
# less start-up cost (bench/RESULTS.md).  Such a privrun reads users and
# groups from /etc/passwd and /etc/group only (ids.c, privrun(1)): static
# glibc would load any other NSS module (libnss_systemd, sssd, ldap) with
# dlopen, bringing a second libc with its own heap into a setuid process.
# The linker still prints glibc's warnings about getpwnam and friends in
# static programs: they are about those modules, which this build never
# loads.  Not for the sanitizer builds, whose runtimes are shared objects.
STATIC ?=
# MUSL=1 builds privrun alone -static-pie against musl (Debian's
# musl-tools), for container images: one file that runs in any of them,
# from Debian to FROM scratch.  libcap-ng and libseccomp are built for it
# from Debian's own source packages, fetched through apt into $(O)/musl
# (tools/musl-deps).  Users and groups come from /etc/passwd and
# /etc/group, as in the STATIC=1 build: musl loads no NSS module.  Only
# privrun is built with musl: the client library, the test helpers and
# the benchmarks are built with HOST_CC, as in the default build.
MUSL ?=
MUSL_CC ?= musl-gcc
HOST_CC := $(CC)
ifeq ($(MUSL),1)
O ?= build-musl
MUSL_DEPS = $(O)/musl
MUSL_STAMP = $(MUSL_DEPS)/built
MUSL_LIBDIR ?= /usr/lib/$(shell $(HOST_CC) -dumpmachine | sed 's/-gnu$$/-musl/')
PRIVRUN_CC = $(MUSL_CC) -isystem $(MUSL_DEPS)/kernel
PRIVRUN_LIB_CFLAGS = -isystem $(MUSL_DEPS)/prefix/include \
		     -ffunction-sections -fdata-sections
PRIVRUN_LIBS = $(MUSL_DEPS)/prefix/lib/libcap-ng.a \
	       $(MUSL_DEPS)/prefix/lib/libseccomp.a
# musl-gcc's specs know no -static-pie: its start files by hand (rcrt1.o
# relocates the program itself).  --gc-sections drops the functions
# nothing calls (tools/musl-deps compiles each in its own section).
PRIVRUN_LDFLAGS = -static -nostartfiles \
	-Wl,-pie,--no-dynamic-linker,-z,text,-z,relro,-z,now,-z,noexecstack \
	-Wl,--gc-sections \
	$(LDFLAGS) $(MUSL_LIBDIR)/rcrt1.o $(MUSL_LIBDIR)/crti.o \
	$$($(MUSL_CC) -print-file-name=crtbeginS.o)
PRIVRUN_LDEND = $$($(MUSL_CC) -print-file-name=crtendS.o) $(MUSL_LIBDIR)/crtn.o
STATIC_CPPFLAGS = -DPRIVRUN_FILES_ONLY -DPRIVRUN_MUSL
# The objects of the libraries that HOST_CC links, apart from privrun's.
H = $(O)/host
else ifeq ($(STATIC),1)
O ?= build-static
PRIVRUN_LDFLAGS = $(subst -pie,-static-pie,$(HARDEN_LDFLAGS)) $(LDFLAGS)
PRIVRUN_LIBS = $(CAPNG_LIBS) $(SECCOMP_LIBS)
STATIC_CPPFLAGS = -DPRIVRUN_FILES_ONLY
else
O ?= build
PRIVRUN_LDFLAGS = $(ALL_LDFLAGS)
endif
PRIVRUN_CC ?= $(CC)
PRIVRUN_LIB_CFLAGS ?= $(CAPNG_CFLAGS) $(SECCOMP_CFLAGS)
H ?= $(O)

WARN_CFLAGS   = -std=gnu11 -Wall -Wextra -Wformat=2 -Wshadow \
		-Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
		-Wcast-qual -Wwrite-strings
HARDEN_CPPFLAGS = -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2
HARDEN_CFLAGS = -fPIE -fstack-protector-strong -fstack-clash-protection
HARDEN_LDFLAGS = -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack

# The folders of the program, one part of the architecture each (HACKING.md
# has the map).  Headers are included by name: each folder is on the path.
SRCDIRS  = common parse policy resources process monitor report client
INCLUDES = -I. $(addprefix -I,$(SRCDIRS))
HDRS     = $(wildcard *.h $(addsuffix /*.h,$(SRCDIRS)))

ALL_CPPFLAGS = $(HARDEN_CPPFLAGS) $(INCLUDES) -DPRIVRUN_VERSION='"$(VERSION)"' \
	       -DPRIVRUN_CONF='"$(PRIVRUN_CONF)"' $(STATIC_CPPFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = $(WARN_CFLAGS) $(HARDEN_CFLAGS) $(CAPNG_CFLAGS) $(SECCOMP_CFLAGS) \
	       $(CFLAGS)
PRIVRUN_CFLAGS = $(WARN_CFLAGS) $(HARDEN_CFLAGS) $(PRIVRUN_LIB_CFLAGS) $(CFLAGS)
ALL_LDFLAGS  = $(HARDEN_LDFLAGS) $(LDFLAGS)

# Everything a build makes goes under $(O), one directory a variant, never
# next to the sources: `make`, `make STATIC=1` (build-static/), or any
# O=DIR of your own.
SRCS = $(sort $(wildcard *.c common/*.c parse/*.c policy/*.c \
       resources/*.c process/*.c monitor/*.c report/*.c))
OBJS = $(SRCS:%.c=$(O)/%.o)
PRIVRUN = $(O)/privrun
# The monitor protocol's client library (client/privrun_client.h).
CLIENT_LIB  = $(O)/libprivrun-client.a
CLIENT_OBJS = $(H)/client/privrun_client.o $(H)/monitor/monitor_proto.o
# privrun's objects but main, for test helpers that drive one module.
UNIT_LIB    = $(O)/libprivrun-units.a

# The C test helpers: every tests/bin/NAME.c is built as $(O)/tests/bin/NAME,
# linked against what any of them may need (unused archives and libraries
# add nothing); tests/run installs each and names it in $NAME.
TEST_BINS  = $(patsubst %.c,$(O)/%,$(wildcard tests/bin/*.c))
TEST_LIBS  = $(CLIENT_LIB) $(UNIT_LIB) $(CAPNG_LIBS) $(SECCOMP_LIBS) \
	     -Wl,--as-needed $$($(PKG_CONFIG) --libs libsystemd)

# The benchmark harness, built by `make check` too (tests/build.bats runs
# it) with the same flags.  The musl references (below) only by make bench.
MUSL_BENCH_SRCS = bench/suexec.c bench/nop.c
BENCH_BINS = $(patsubst %.c,$(O)/%,$(filter-out $(MUSL_BENCH_SRCS),\
	     $(wildcard bench/*.c)))

# Only what is installed.
all: $(PRIVRUN) $(CLIENT_LIB)

$(PRIVRUN): $(OBJS)
	$(PRIVRUN_CC) $(PRIVRUN_CFLAGS) $(PRIVRUN_LDFLAGS) -o $@ $(OBJS) \
		$(PRIVRUN_LIBS) $(LDLIBS) $(PRIVRUN_LDEND)

$(O)/%.o: %.c $(HDRS) | $(MUSL_STAMP)
	@mkdir -p $(@D)
	$(PRIVRUN_CC) $(ALL_CPPFLAGS) $(PRIVRUN_CFLAGS) -c -o $@ $<

ifeq ($(MUSL),1)
$(H)/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(filter-out -DPRIVRUN_MUSL,$(ALL_CPPFLAGS)) $(ALL_CFLAGS) \
		-c -o $@ $<

$(MUSL_STAMP): tools/musl-deps
	tools/musl-deps $(MUSL_DEPS) "$(MUSL_CC)"
	touch $@
endif

$(CLIENT_LIB): $(CLIENT_OBJS)
	rm -f $@
	$(AR) rcs $@ $(CLIENT_OBJS)

$(UNIT_LIB): $(filter-out $(H)/privrun.o,$(SRCS:%.c=$(H)/%.o))
	rm -f $@
	$(AR) rcs $@ $^

$(O)/tests/bin/%: tests/bin/%.c $(CLIENT_LIB) $(UNIT_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
		$(TEST_LIBS) $(LDLIBS)

# A static server for --intercept: no sanitizer, no shared libc.
$(O)/tests/bin/tinyhttpd: tests/bin/tinyhttpd.c
	@mkdir -p $(@D)
	$(CC) -O2 -static -o $@ $<

$(O)/bench/%: bench/%.c $(CLIENT_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
		$(CLIENT_LIB) $(LDLIBS)

# One extra execve and nothing else: static, so no loader is measured.
# Never sanitized: the sanitizer runtimes cannot be linked statically (and
# the floor must not measure them), so a sanitizer build leaves them out.
$(O)/bench/execfloor: bench/execfloor.c
	@mkdir -p $(@D)
	$(HOST_CC) $(ALL_CPPFLAGS) $(WARN_CFLAGS) \
		$(filter-out -fsanitize=%,$(CFLAGS)) -static -o $@ $<

# Static analysis: gcc -fanalyzer, clang's scan-build and cppcheck over
# privrun's sources (Debian: clang-tools, cppcheck); any finding fails.
# Each source is compiled to /dev/null: the build's objects stay as they are.
analyze:
	for f in $(SRCS); do \
		$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -fanalyzer -Werror \
			-c -o /dev/null $$f || exit 1; \
	done
	scan-build --status-bugs -o $(O)/analyze $(MAKE) --no-print-directory \
		analyze-compile && rm -rf $(O)/analyze
	cppcheck --enable=warning,portability --error-exitcode=1 --quiet \
		--inline-suppr --std=c11 -D__linux__ $(ALL_CPPFLAGS) $(SRCS)

# For scan-build, which analyses what $(CC) compiles.
analyze-compile:
	for f in $(SRCS); do \
		$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o /dev/null $$f || exit 1; \
	done

# The test suite: as root, in private mount and network namespaces, on
# this variant's build.
# What the tests need, without running them (then tests/run FILE.bats).
check-build: all $(TEST_BINS) $(BENCH_BINS)

check: check-build
	PRIVRUN_BUILD=$(O) tests/run

# The examples under real runtimes, as root: podman builds and runs
# examples/Dockerfile, systemd in systemd-nspawn runs
# examples/privrun-web.service, both on a Debian 12 root that mmdebstrap
# makes (kept in $(O)/runtimes/).  A few minutes; CI runs it after check.
check-runtimes: all
	PRIVRUN_BUILD=$(O) tests/runtimes/run

# The privilege API's tests and the fault-injection table with privrun and
# the privs API helpers under valgrind's memcheck (Debian: valgrind): any
# error or leak fails (exit 99).  Where they start as root or a plain user
# only: valgrind cannot run the setuid or file-capability copy as such.
# No vgdb: its pipes in /tmp, made as root, cannot be removed after a drop.
VALGRIND ?= valgrind --error-exitcode=99 --leak-check=full --vgdb=no -q
check-valgrind: all $(TEST_BINS) $(BENCH_BINS)
	PRIVRUN_BUILD=$(O) PRIVRUN_TEST_VALGRIND="$(VALGRIND)" \
		tests/run tests/privs.bats tests/faults.bats

# Data files installed as SOURCE:DESTINATION pairs, mode 0644; add a pair
# to one of these lists and both install and uninstall handle it.
MAN_FILES  = man/privrun.1:$(MANDIR)/man1/privrun.1 \
	     man/privrun.conf.5:$(MANDIR)/man5/privrun.conf.5
COMP_FILES = completions/privrun.bash:$(BASHCOMPDIR)/privrun \
	     completions/_privrun:$(ZSHCOMPDIR)/_privrun \
	     completions/privrun.fish:$(FISHCOMPDIR)/privrun.fish
# The monitor's client library, header and archive.
DEV_FILES  = client/privrun_client.h:$(INCLUDEDIR)/privrun_client.h \
	     $(CLIENT_LIB):$(LIBDIR)/libprivrun-client.a
DATA_FILES = $(MAN_FILES) $(COMP_FILES) $(DEV_FILES)
data_src = $(firstword $(subst :, ,$(1)))
data_dst = $(DESTDIR)$(lastword $(subst :, ,$(1)))

# One recipe line per file, so that make shows each and stops at a failure.
define install_data
	$(INSTALL) -D -m 0644 $(call data_src,$(1)) $(call data_dst,$(1))

endef
define uninstall_data
	rm -f $(call data_dst,$(1))

endef

install: $(PRIVRUN) $(CLIENT_LIB)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig
	$(INSTALL) -m 0755 $(PRIVRUN) $(DESTDIR)$(BINDIR)/privrun
	$(foreach f,$(DATA_FILES),$(call install_data,$(f)))
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
		-e 's|^includedir=.*|includedir=$(INCLUDEDIR)|' \
		-e 's|^libdir=.*|libdir=$(LIBDIR)|' client/privrun-client.pc.in \
		>$(DESTDIR)$(LIBDIR)/pkgconfig/privrun-client.pc
	chmod 0644 $(DESTDIR)$(LIBDIR)/pkgconfig/privrun-client.pc

# The privileged variants: the same binary, made setuid-root or given
# file capabilities.  Run as root.
install-setuid: install
	chown root:root $(DESTDIR)$(BINDIR)/privrun
	chmod 4755 $(DESTDIR)$(BINDIR)/privrun

install-caps: install
	chown root:root $(DESTDIR)$(BINDIR)/privrun
	chmod 0755 $(DESTDIR)$(BINDIR)/privrun
	$(SETCAP) $(FILECAPS) $(DESTDIR)$(BINDIR)/privrun

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/privrun
	$(foreach f,$(DATA_FILES),$(call uninstall_data,$(f)))
	rm -f $(DESTDIR)$(LIBDIR)/pkgconfig/privrun-client.pc

clean:
	rm -rf $(O)

.PHONY: all analyze analyze-compile check check-build check-runtimes check-valgrind install install-setuid install-caps uninstall clean fuzz fuzz-run

# Fuzzing the parsers of untrusted input with libFuzzer (clang, and on
# Debian its runtime libclang-rt-dev).  The sources are compiled straight
# into each target, never through the *.o of the normal build.  UBSan is
# made fatal: libFuzzer only stops for a crash, not for a printed report.
FUZZ_CC      ?= clang
FUZZ_FLAGS    = -g -O1 -fno-omit-frame-pointer \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 30
FUZZ_BINS     = $(addprefix $(O)/fuzz/fuzz_,spec opts policy monitor)
FUZZ_INCLUDES = $(INCLUDES) $(CAPNG_CFLAGS)

fuzz: $(FUZZ_BINS)

# Each target with the pure sources it exercises.
$(O)/fuzz/fuzz_spec:    parse/spec.c parse/ids.c common/die.c
$(O)/fuzz/fuzz_opts:    parse/opts.c parse/spec.c parse/ids.c common/die.c
$(O)/fuzz/fuzz_policy:  policy/policy_parse.c parse/spec.c parse/ids.c parse/caps.c \
			common/die.c
$(O)/fuzz/fuzz_monitor: monitor/monitor_proto.c parse/spec.c parse/ids.c \
			common/die.c
$(O)/fuzz/fuzz_%: fuzz/fuzz_%.c $(HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN_CFLAGS) $(FUZZ_FLAGS) $(FUZZ_INCLUDES) -o $@ \
		$< $(filter %.c,$(filter-out $<,$^)) $(CAPNG_LIBS)

# Run each target for FUZZ_SECONDS on a scratch copy of its seeds, since
# libFuzzer adds what it finds to the first corpus directory.  A crash
# input is kept as fuzz/crash-*; any finding fails the target.
fuzz-run: fuzz
	@for t in spec opts policy monitor; do \
		tmp=$$(mktemp -d) || exit 1; \
		cp fuzz/corpus/$$t/* "$$tmp"/ && \
		$(O)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
			-artifact_prefix=fuzz/ "$$tmp"; \
		rc=$$?; rm -rf "$$tmp"; \
		[ $$rc -eq 0 ] || { echo "fuzz/fuzz_$$t failed" >&2; exit 1; }; \
	done

# ---- bench ----------------------------------------------------------------
# Benchmarks (issue 8): privrun against /bin/true and its peers, as root.
# Never part of `check` or CI: they take minutes.  `make bench-deps` installs
# the peers and tools from Debian; `make bench` builds and runs the harness
# (BENCH_ROUNDS rounds per table) and prints markdown tables.
BENCH_ROUNDS ?= 300

# The musl references of bench/run, static and unhardened like the
# programs they stand for: an su-exec (bench/suexec.c), a wrapper that
# only execs (bench/execfloor.c) and a target that does nothing
# (bench/nop.c).  With MUSL_CC in every variant.
MUSL_BENCH_BINS = $(O)/bench/suexec-musl $(O)/bench/execfloor-musl \
		  $(O)/bench/nop-musl
$(O)/bench/%-musl: bench/%.c
	@mkdir -p $(@D)
	$(MUSL_CC) $(WARN_CFLAGS) -O2 -static -o $@ $<

bench-build: $(PRIVRUN) $(BENCH_BINS) build-static/privrun build-musl/privrun \
	$(MUSL_BENCH_BINS)

# The static build (STATIC=1) beside the default one, for bench/run: the
# same sources and flags, in build-static/.  Never sanitized (static).
ifneq ($(O),build-static)
build-static/privrun: $(SRCS) $(HDRS) Makefile
	$(MAKE) STATIC=1 O=build-static \
		CFLAGS="$(filter-out -fsanitize=%,$(CFLAGS))" all
endif
# And the musl build (make MUSL=1), as build-musl/privrun.
ifneq ($(O),build-musl)
build-musl/privrun: $(SRCS) $(HDRS) Makefile tools/musl-deps
	$(MAKE) MUSL=1 STATIC= O=build-musl \
		CFLAGS="$(subst -O2,-Os,$(filter-out -fsanitize=%,$(CFLAGS)))" all
endif

bench: bench-build
	PRIVRUN_BUILD=$(O) bench/run $(BENCH_ROUNDS)

bench-deps:
	bench/install-peers

bench-clean:
	rm -rf $(O)/bench

.PHONY: bench bench-build bench-deps bench-clean

# ---- coverage -------------------------------------------------------------
# `make coverage` (issue 16): privrun built with gcov in build-coverage/, the
# suite run against it, then the line and branch coverage of each file of
# the privrun binary, checked against tests/coverage/exceptions.tsv
# (tests/coverage/report).  Only privrun's objects are instrumented; the
# test helpers that link some of them (libprivrun-units.a, the client
# library) add their counts to the same files.  tests/coverage/flush.c
# writes the counts before every execve and _exit.
COVERAGE_O    = build-coverage
COVERAGE_ARGS = COVERAGE=1 O=$(COVERAGE_O) CFLAGS="-O0 -g" \
		CPPFLAGS=-U_FORTIFY_SOURCE

coverage:
	$(MAKE) $(COVERAGE_ARGS) coverage-prime
	$(MAKE) $(COVERAGE_ARGS) check; rc=$$?; \
		tests/coverage/report $(COVERAGE_O) && exit $$rc

ifeq ($(COVERAGE),1)
$(OBJS): PRIVRUN_CFLAGS += --coverage
LDLIBS += -lgcov
$(PRIVRUN): $(O)/tests/coverage/flush.o
$(PRIVRUN): LDLIBS += $(O)/tests/coverage/flush.o \
	-Wl,--wrap=execve,--wrap=_exit
$(O)/tests/coverage/flush.o: ALL_CPPFLAGS += -DCOVERAGE_DIR='"$(abspath $(O))"'

# Counts from zero; every .gcda file made by a root run, then opened to
# every test user (the setuid and file-capability copies, and privrun after
# its drop, write them as 4001, 4002, 65534).
coverage-prime: all $(TEST_BINS) $(BENCH_BINS)
	find $(O) -name '*.gcda' -delete
	$(PRIVRUN) --version >/dev/null
	find $(O) -name '*.gcda' -exec chmod 0666 {} +
	setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		test -w $(O)/privs.gcda || { echo "make coverage: \
	$(abspath $(O)) is out of reach of other users" >&2; exit 1; }
endif

.PHONY: coverage coverage-prime
