# ConservAttack — `make demo` and `make test` on a fresh Debian machine with Swift.
SWIFT ?= swift
BUILD_FLAGS ?=
export CONSERVATTACK_PYTHON := $(CURDIR)/.venv-test/bin/python

.PHONY: all deps build release test demo bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

release: deps
	$(SWIFT) build -c release $(BUILD_FLAGS)

# Builds the binary the CLI tests drive, then runs every test target.
test: deps
	@scripts/install-deps.sh --python
	$(SWIFT) build $(BUILD_FLAGS)
	$(SWIFT) test $(BUILD_FLAGS)

clean:
	rm -rf .build
