# tracecast: plain Makefile, flags from pkg-config.
#   make            build ./tracecast
#   make check      unit tests (cmocka) + end-to-end tests
#   make asan       everything built and tested with -fsanitize=address,undefined
#   make stress     the recorder under faults (signals, limits, full disk, kill -9)
#   make fuzz       libFuzzer targets (clang), FUZZ_SECONDS each (default 60)
#   make fuzz-check the same targets over their seeds once (CI)
#   make deps       install the Debian packages a fresh machine lacks
#   make bench      benchmarks, figures into docs/BENCHMARKS.md
#   make demo       deps + build + record a sample session + replay it
#   make install    PREFIX=/usr/local DESTDIR=: binary, sampler, man pages,
#                   completion; make uninstall removes them
#   make deb        a Debian package (dpkg-buildpackage) in build/deb/;
#                   make deb-check builds, installs and tries it
PKG_CONFIG ?= pkg-config
CC ?= cc
PREFIX ?= /usr/local
BUILD ?= build
WERROR ?= 0
SAN ?= 0
FUZZ_SECONDS ?= 60

PKGS := vterm jansson zlib
WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wformat=2 -Wwrite-strings
ifeq ($(WERROR),1)
WARN += -Werror
endif
OPT ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -Iinclude -I.
CFLAGS += -std=c11 $(OPT) $(WARN) -MMD -MP $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LDLIBS += $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lm
ifeq ($(SAN),1)
SANITIZE := address,undefined,float-cast-overflow
CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=undefined,float-cast-overflow
LDFLAGS += -fsanitize=$(SANITIZE)
endif

LIB_SRC := $(sort $(wildcard lib/*.c))
REC_SRC := $(sort $(wildcard recorder/*.c))
PLAY_SRC := $(sort $(wildcard player/*.c))
CLI_SRC := $(sort $(wildcard cli/*.c))
REPORT_SRC := $(sort $(wildcard report/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
HELPER_SRC := $(filter-out %_preload.c,$(sort $(wildcard tests/progs/*.c)))
HELPER_SO := $(patsubst tests/progs/%.c,$(BUILD)/progs/%.so,$(sort $(wildcard tests/progs/*_preload.c)))
BENCH_SRC := $(filter-out %_preload.c,$(sort $(wildcard bench/*.c)))
BENCH_SO := $(patsubst bench/%.c,$(BUILD)/bench/%.so,$(sort $(wildcard bench/*_preload.c)))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
LIB_A := $(BUILD)/libtracecast.a
REC_A := $(BUILD)/librecorder.a
PLAY_A := $(BUILD)/libplayer.a
REPORT_A := $(BUILD)/libreport.a
BIN := $(BUILD)/tracecast
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
HELPER_BIN := $(patsubst tests/progs/%.c,$(BUILD)/progs/%,$(HELPER_SRC))
BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

DEBS := build-essential pkg-config libvterm-dev libjansson-dev zlib1g-dev \
        libcmocka-dev strace asciinema tmux clang \
        libclang-rt-14-dev python3 python3-dev python3-eventlet bsdutils \
        procps termrec hyperfine git time linux-perf \
        nodejs chromium firefox-esr valgrind man-db debhelper lintian dpkg-dev fakeroot zsh

# The python sampler's native module, built for the system's Python
# (without python3-dev it is skipped and the pure-Python sampler runs;
# the tests then fail, saying so). Never built with sanitizers: Python
# would have to preload their runtimes.
PYTHON ?= /usr/bin/python3
PY_INC := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2>/dev/null)
PY_EXT := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX") or "")' 2>/dev/null)
PY_NATIVE := $(if $(and $(PY_EXT),$(wildcard $(PY_INC)/Python.h)),$(BUILD)/python/_tracecast_sampler$(PY_EXT))

.SECONDARY:
.PHONY: all check check-layers unit e2e asan fuzz fuzz-check deps bench demo install uninstall deb deb-check clean helpers stress
all: tracecast $(PY_NATIVE)

tracecast: $(BIN)
	@if [ "$(BUILD)" = build ]; then cp $(BIN) tracecast; fi

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB_A): $(call obj,$(LIB_SRC))
	@rm -f $@; ar rcs $@ $^
$(REC_A): $(call obj,$(REC_SRC))
	@rm -f $@; ar rcs $@ $^
$(PLAY_A): $(call obj,$(PLAY_SRC))
	@rm -f $@; ar rcs $@ $^

# The HTML export's viewer and asciinema-player's bundle (from node_modules,
# installed by make deps from package-lock.json), embedded at build time.
AP_DIR := node_modules/asciinema-player
HTML_ASSETS := player_js=$(AP_DIR)/dist/bundle/asciinema-player.min.js \
	player_css=$(AP_DIR)/dist/bundle/asciinema-player.css \
	player_license=$(AP_DIR)/LICENSE player_version=$(BUILD)/gen/player_version.txt \
	viewer_js=report/html/viewer.js viewer_css=report/html/viewer.css
$(AP_DIR)/%:
	@echo "make: $@ is missing: run 'make deps' (npm ci installs asciinema-player from package-lock.json)" >&2; exit 1
$(BUILD)/gen/player_version.txt: $(AP_DIR)/package.json
	@mkdir -p $(dir $@)
	@sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' $< | head -n 1 | tr -d '\n' > $@
$(BUILD)/gen/html_assets.c: report/html/embed.sh $(foreach a,$(HTML_ASSETS),$(lastword $(subst =, ,$(a))))
	@mkdir -p $(dir $@)
	report/html/embed.sh $@ $(HTML_ASSETS)
$(BUILD)/gen/html_assets.o: $(BUILD)/gen/html_assets.c
	$(CC) $(CPPFLAGS) -Ireport $(CFLAGS) -c -o $@ $<
$(BUILD)/report/%.o: report/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ireport $(CFLAGS) -c -o $@ $<
$(REPORT_A): $(call obj,$(REPORT_SRC)) $(BUILD)/gen/html_assets.o
	@rm -f $@; ar rcs $@ $^

ARCHIVES := $(REPORT_A) $(PLAY_A) $(REC_A) $(LIB_A)
$(BIN): $(call obj,$(CLI_SRC)) $(ARCHIVES)
	$(CC) $(LDFLAGS) -o $@ $(call obj,$(CLI_SRC)) $(ARCHIVES) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(ARCHIVES) $(LDLIBS) $(shell $(PKG_CONFIG) --libs cmocka) -lpthread

# Helper programs used by the end-to-end tests (built without sanitizers:
# they are workloads, not code under test; symbols kept for perf).
$(BUILD)/progs/%: tests/progs/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -fno-inline -o $@ $< -lpthread -lm

$(BUILD)/progs/%_preload.so: tests/progs/%_preload.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O1 -fPIC -shared -o $@ $< -lpthread

$(BUILD)/bench/seek_bench: bench/seek_bench.c $(PLAY_A) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(PLAY_A) $(LIB_A) $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS) -lutil

# The outside Python sampler's structure offsets (recorder/py_walk.c), from
# the system Python's own headers: a probe compiled against them prints
# offsetof/sizeof as a header. Without python3-dev (or for a Python other
# than 3.11) the header says PYO_OK 0 and --profile=python falls back to
# the in-process sampler.
PY_OFFSETS := $(BUILD)/gen/py_offsets.h
CPPFLAGS += -I$(BUILD)/gen
$(PY_OFFSETS): recorder/pyout/py_offsets_probe.c
	@mkdir -p $(dir $@)
	@if [ -n "$(PY_INC)" ] && [ -f "$(PY_INC)/Python.h" ]; then \
	  $(CC) -std=c11 -D_GNU_SOURCE -w -isystem $(PY_INC) -o $(BUILD)/gen/py_offsets_probe $< && \
	  $(BUILD)/gen/py_offsets_probe > $@.tmp && mv $@.tmp $@; \
	else echo '#define PYO_OK 0 /* no CPython headers at build time */' > $@; fi
$(addprefix $(BUILD)/recorder/,py_walk.o py_mem.o py_names.o py_thread.o py_image.o): $(PY_OFFSETS)

ifneq ($(PY_NATIVE),)
$(PY_NATIVE): recorder/pysampler/pysampler.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g -fPIC -shared $(WARN) -isystem $(PY_INC) -o $@ $< -lpthread
endif

$(BUILD)/bench/%_preload.so: bench/%_preload.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -fPIC -shared $(WARN) -o $@ $< -lpthread

helpers: $(HELPER_BIN) $(HELPER_SO)

check: check-layers unit e2e

# Layers (README "Source layout"): each archive's undefined symbols resolve
# in itself or the layers it may use, and no file includes a private header
# of a folder it may not use.
check-layers: $(ARCHIVES)
	@tests/check-layers.sh . $(BUILD)
unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)
e2e: $(BIN) $(HELPER_BIN) $(HELPER_SO) $(PY_NATIVE)
	@TRACECAST=$(abspath $(BIN)) PROGS=$(abspath $(BUILD)/progs) tests/run-e2e.sh

asan:
	$(MAKE) BUILD=build-asan SAN=1 OPT="-O1 -g" check

# The recorder in hostile environments (tests/stress/, a few minutes; root
# for the full-disk tmpfs). Under sanitizers: make stress BUILD=build-asan SAN=1
stress: $(BIN) $(HELPER_BIN)
	@TRACECAST=$(abspath $(BIN)) PROGS=$(abspath $(BUILD)/progs) tests/stress/run-stress.sh

FUZZ_BIN := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
# A target links lib/*.c and #includes the player .c files it needs: the
# -MM line records all of those and their headers in build-fuzz/NAME.d.
FUZZ_CFLAGS = $(CPPFLAGS) -Ireport -std=c11 -g -O1 $(shell $(PKG_CONFIG) --cflags $(PKGS))
build-fuzz/%: tests/fuzz/%.c $(LIB_SRC) Makefile
	@mkdir -p build-fuzz
	@clang $(FUZZ_CFLAGS) -MM -MP -MT $@ $< $(LIB_SRC) > $@.d
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -o $@ $< $(LIB_SRC) $(LDLIBS)
# Targets of whole modules (player, report) go through their public headers
# and link the modules' sources, so they survive rewrites behind them.
FUZZ_MODULES := build-fuzz/fuzz_player build-fuzz/fuzz_info
$(FUZZ_MODULES): build-fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(PLAY_SRC) $(REPORT_SRC) $(BUILD)/gen/html_assets.c Makefile
	@mkdir -p build-fuzz
	@clang $(FUZZ_CFLAGS) -MM -MP -MT $@ $< > $@.d
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -o $@ $< $(LIB_SRC) $(PLAY_SRC) $(REPORT_SRC) $(BUILD)/gen/html_assets.c $(LDLIBS)
fuzz: $(FUZZ_BIN)
	@tests/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BIN)
# CI: every target builds and passes over every seed once (no mutation).
fuzz-check: $(FUZZ_BIN)
	@tests/run-fuzz.sh 0 $(FUZZ_BIN)

deps:
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@# npm packages pinned in package-lock.json (asciinema-player, playwright-core, puppeteer-core, speedscope)
	@if [ ! node_modules/.tc-installed -nt package-lock.json ]; then \
	  npm ci --no-audit --no-fund --loglevel=error >/dev/null && touch node_modules/.tc-installed; fi

bench: $(BIN) $(BENCH_BIN) $(BENCH_SO) $(HELPER_BIN) $(PY_NATIVE)
	@TRACECAST=$(abspath $(BIN)) BENCHBIN=$(abspath $(BUILD)/bench) PROGS=$(abspath $(BUILD)/progs) bench/run.sh

demo: deps
	@$(MAKE) --no-print-directory all helpers
	@samples/demo.sh

# Installed: the binary, the Python sampler (its native module, a file of
# the architecture, in lib/tracecast/python), the manual pages, bash and zsh
# completion (zsh: Debian's vendor folder under /usr, else site-functions).
MANDIR ?= $(PREFIX)/share/man
BASH_COMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSH_COMPDIR ?= $(PREFIX)/share/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)
MAN_PAGES := $(sort $(wildcard man/*.1))
install: $(BIN) $(PY_NATIVE)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/tracecast
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/tracecast
	install -d $(DESTDIR)$(PREFIX)/share/tracecast/python
	install -m 644 recorder/python/*.py $(DESTDIR)$(PREFIX)/share/tracecast/python/
	$(if $(PY_NATIVE),install -d $(DESTDIR)$(PREFIX)/lib/tracecast/python)
	$(if $(PY_NATIVE),install -m 644 $(PY_NATIVE) $(DESTDIR)$(PREFIX)/lib/tracecast/python/)
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASH_COMPDIR) $(DESTDIR)$(ZSH_COMPDIR)
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 completions/tracecast.bash $(DESTDIR)$(BASH_COMPDIR)/tracecast
	install -m 644 completions/_tracecast $(DESTDIR)$(ZSH_COMPDIR)/_tracecast

# Removes what install put there (shared folders such as bin/ stay).
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/tracecast
	rm -rf $(DESTDIR)$(PREFIX)/share/tracecast $(DESTDIR)$(PREFIX)/lib/tracecast
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN_PAGES)))
	rm -f $(DESTDIR)$(BASH_COMPDIR)/tracecast $(DESTDIR)$(ZSH_COMPDIR)/_tracecast

# The Debian package, built from a copy of the tree's files (git's, tracked
# and new) in build/deb/src, so dpkg-buildpackage writes into build/deb/.
DEB_DIR := build/deb
deb:
	@rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	@git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C $(DEB_DIR)/src
	@# the HTML export embeds asciinema-player from node_modules (make deps)
	@test -f $(AP_DIR)/package.json || { echo "make deb: $(AP_DIR) is missing: run 'make deps'" >&2; exit 1; }
	@mkdir -p $(DEB_DIR)/src/node_modules && cp -rL $(AP_DIR) $(DEB_DIR)/src/node_modules/
	cd $(DEB_DIR)/src && dpkg-buildpackage -us -uc -b
# Build it, install it in a scratch root (dpkg --root), run the installed
# tracecast (--version, a short recording, its man page), lintian (no
# errors), remove it.
deb-check: deb
	@tests/deb-check.sh $(DEB_DIR)

clean:
	rm -rf build build-asan build-fuzz tracecast

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
-include $(wildcard build-fuzz/*.d)
