# rcli: build, run, test, install. Every target installs what it needs first (scripts/install-deps).
export PATH := /opt/swift/usr/bin:$(PATH)
PREFIX ?= /usr/local
RELEASE := .build/release/rcli

.PHONY: all deps build run test lint format install demo bench generate clean

all: build

deps:
	@scripts/install-deps

build: deps
	swift build -c release --static-swift-stdlib --product rcli

run: build
	$(RELEASE) $(ARGS)

test: deps lint
	swift build --build-tests
	scripts/with-servers scripts/swift-test

# Formatting and line length (.swift-format); part of `make test`.
lint:
	scripts/lint

# Applies the formatter to the tree.
format:
	swift format format --in-place --parallel --recursive Sources Tests Package.swift

install: build
	install -D -m 0755 $(RELEASE) $(DESTDIR)$(PREFIX)/bin/rcli
	install -D -m 0644 man/rcli.1 $(DESTDIR)$(PREFIX)/share/man/man1/rcli.1
	install -D -m 0644 completions/rcli.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/rcli
	install -D -m 0644 completions/_rcli $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_rcli
	install -D -m 0644 completions/rcli.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/rcli.fish

demo: build
	scripts/demo

bench: build
	bench/run

# Regenerates the man page and completions from the option table (commit the result).
generate: build
	$(RELEASE) --generate man > man/rcli.1
	$(RELEASE) --generate bash > completions/rcli.bash
	$(RELEASE) --generate zsh > completions/_rcli
	$(RELEASE) --generate fish > completions/rcli.fish

clean:
	rm -rf .build
