# rcli: build, run, test, install. Every target installs what it needs first (scripts/install-deps).
export PATH := /opt/swift/usr/bin:$(PATH)
PREFIX ?= /usr/local
RELEASE := .build/release/rcli

.PHONY: all deps build run test lint format install demo bench generate clean dist fuzz fuzz-smoke

# The commit `rcli --version` names ("-dirty" when tracked files changed); Package.swift reads it.
GIT_COMMIT := $(shell c=$$(git rev-parse --short=12 HEAD 2>/dev/null) && \
	{ git diff --quiet HEAD 2>/dev/null || c=$$c-dirty; echo $$c; })
build dist: export RCLI_GIT_COMMIT := $(GIT_COMMIT)
# libstdc++.a alone in a folder searched first, so release builds link it statically (Package.swift).
STATIC_CXX := $(CURDIR)/.build-static
build dist: export RCLI_STATIC_CXX_DIR := $(STATIC_CXX)

all: build

deps:
	@scripts/install-deps

build: deps
	@mkdir -p $(STATIC_CXX) && ln -sf "$$(clang -print-file-name=libstdc++.a)" $(STATIC_CXX)/libstdc++.a
	swift build -c release --static-swift-stdlib --product rcli

# With ARGS, rcli runs them. Without, the shell opens on the server at 127.0.0.1:6379, or on a
# throwaway one when nothing answers there (SERVER=redis-7.4|redis-8.2|valkey-8.1|valkey-9.1 picks one).
run: build
ifeq ($(strip $(ARGS)),)
	@SERVER=$(SERVER) scripts/demo --run
else
	$(RELEASE) $(ARGS)
endif

# dist first: a test unpacks the tarball and runs it without the toolchain. The suite runs on every
# server of the matrix (scripts/test-matrix: Redis 7.0 whole; Redis 7.4, 8.2 and Valkey 9.1 where they differ).
test: export RCLI_NEED_SERVERS := 1
test: deps lint dist fuzz-smoke
	swift build --build-tests
	scripts/test-matrix

# Formatting and line length (.swift-format); part of `make test`.
lint:
	scripts/lint

# Applies the formatter to the tree.
format:
	swift format format --in-place --parallel --recursive Sources Tests Fuzz Package.swift

install: build
	install -D -m 0755 $(RELEASE) $(DESTDIR)$(PREFIX)/bin/rcli
	@# VALKEY_CLI=1: a valkey-cli symlink (rcli then speaks as valkey-cli; see README).
	if [ -n "$(VALKEY_CLI)" ]; then ln -sf rcli $(DESTDIR)$(PREFIX)/bin/valkey-cli; fi
	install -D -m 0644 man/rcli.1 $(DESTDIR)$(PREFIX)/share/man/man1/rcli.1
	install -D -m 0644 completions/rcli.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/rcli
	install -D -m 0644 completions/_rcli $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_rcli
	install -D -m 0644 completions/rcli.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/rcli.fish

demo: build
	@SERVER=$(SERVER) scripts/demo

bench: build
	bench/run

# Regenerates the man page and completions from the option table (commit the result).
generate: build
	$(RELEASE) --generate man > man/rcli.1
	$(RELEASE) --generate bash > completions/rcli.bash
	$(RELEASE) --generate zsh > completions/_rcli
	$(RELEASE) --generate fish > completions/rcli.fish

# Fuzz targets (Fuzz/), each run for FUZZ_SECONDS (default 60); `make test` runs them 5 s each.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

fuzz-smoke: deps
	FUZZ_SECONDS=5 scripts/fuzz

# A release binary that needs no Swift toolchain: dist/rcli-<version>-linux-<arch>.tar.gz (see README).
dist: build
	scripts/dist $(RELEASE)

clean:
	rm -rf .build .build-dist .build-fuzz .build-static dist
