# ConservAttack — on a fresh Debian machine with Swift: `make demo`, `make test`.
SWIFT ?= swift
# Vectorised kernels (model forward pass, decoding) for the build machine's CPU when it has AVX2.
# -fno-math-errno: Swift's squareRoot() goes through a C shim, and glibc's errno contract otherwise keeps a
# scalar libcall path in it that stops loops from vectorising (the attack's candidate search); values are the same.
BUILD_FLAGS ?= -Xswiftc -Xcc -Xswiftc -fno-math-errno \
	$(if $(shell grep -m1 -ow avx2 /proc/cpuinfo 2>/dev/null),-Xswiftc -target-cpu -Xswiftc haswell -Xswiftc -DCONSERVATTACK_FMA)
# Release binaries carry the Swift runtime and Foundation (--static-swift-stdlib): one file that runs on a
# cluster node without Swift installed, and no dynamic symbol binding at start (15 ms of every `digest`).
RELEASE_FLAGS ?= $(BUILD_FLAGS) --static-swift-stdlib
DEMO_DIR ?= demo-output
export CONSERVATTACK_PYTHON := $(CURDIR)/.venv-test/bin/python

.PHONY: all deps build release test demo bench fuzz report-check clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

release: deps
	$(SWIFT) build -c release $(RELEASE_FLAGS)

# The embedded default: generate, train, attack (chi2 mode), validate, write ntuples and the report.
demo: release
	.build/release/conservattack demo --output $(DEMO_DIR)

# Builds the binary the CLI tests drive, then runs every test target.
test: deps
	@scripts/install-deps.sh --python --slurm
	$(SWIFT) build $(BUILD_FLAGS)
	$(SWIFT) test $(BUILD_FLAGS)

# Speed against the anchors measured in the same run (uproot, the reference implementation's figures).
bench: deps
	@scripts/install-deps.sh --python
	BENCH_WRITER_CMD=".build/release/conservattack-bench writer --python $(CONSERVATTACK_PYTHON)" \
	BENCH_SELECTION_CMD="fixtures/selection/bench.sh $(CONSERVATTACK_PYTHON)" \
	BENCH_ATTACK_CMD=".build/release/conservattack-bench attack && .build/release/conservattack-bench attack-pareto --reference ../shared/reference && .build/release/conservattack-bench model --python $(CONSERVATTACK_PYTHON)" \
	BUILD_FLAGS="$(RELEASE_FLAGS)" bench/run.sh

# libFuzzer harnesses over the reader, codecs, cut parser, ONNX loader and Arrow reader.
fuzz: deps
	fuzz/run.sh

# Renders the demo report in headless Chromium and fails on a blank page or a JavaScript error.
report-check: demo
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	fixtures/validation/report_check.sh $(DEMO_DIR)/report/report.html $(DEMO_DIR)/report/report.png

clean:
	rm -rf .build $(DEMO_DIR)
