#!/usr/bin/env bash
# `make bench`: reading speed against uproot and against the decompression limit, whole-process
# `conservattack digest` rows (process start included, peak RSS), peak memory of chunked reading, plus
# rows from other stages. The lead's Makefile calls it as `bench: ; bench/run.sh`.
#
#   bench/run.sh                 full run (files generated once into bench/data/, ~1 GB)
#   BENCH_RUNS=3 bench/run.sh    fewer timed runs (default 5, after one warm-up)
#   BENCH_FILES="flat-zstd" ...  only some files (names without .root)
#   bench/run.sh 'CMD' ...       extra commands; each prints its own table rows ("| stage | ... |")
#   BENCH_WRITER_CMD / BENCH_SELECTION_CMD / BENCH_ATTACK_CMD: commands for the other stages' rows
#   (printed as "not yet" while unset).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DATA=${BENCH_DATA:-$ROOT/bench/data}
RUNS=${BENCH_RUNS:-5}
VENV=${BENCH_VENV:-$ROOT/.build/bench-venv}
FILES=${BENCH_FILES:-"flat-zlib1 flat-lzma flat-lz4 flat-zstd flat-none jagged-zlib1"}

# 1. A venv with uproot, under the build folder (once).
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import uproot, awkward, numpy" 2>/dev/null; then
    echo "== creating $VENV (uproot, awkward, numpy)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet uproot awkward numpy
fi
PY="$VENV/bin/python"

# 2. The benchmark files (once; cached in bench/data, which git ignores).
mkdir -p "$DATA"
"$PY" bench/make_bench_files.py "$DATA"

# 3. Release build of the measuring tool.
echo "== building conservattack-bench (release)"
# BUILD_FLAGS: the Makefile's (CPU-specific code generation on AVX2 machines), so we time what `make` builds.
swift build -c release ${BUILD_FLAGS:-} --product conservattack-bench >/dev/null
swift build -c release ${BUILD_FLAGS:-} --product conservattack >/dev/null
BIN=$(swift build -c release ${BUILD_FLAGS:-} --show-bin-path)/conservattack-bench
CLI=$(swift build -c release ${BUILD_FLAGS:-} --show-bin-path)/conservattack
# glibc: large blocks from the heap, freed memory kept mapped. The limit's per-basket arrays and our
# columns then both reuse warm memory in every timed run, instead of paying page faults that depend on
# glibc's adaptive mmap threshold (which treats many small and few large blocks differently).
export MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296
# The uproot anchor runs as users run it, without those settings (until 2026-12-07 it inherited them, which
# takes 1-47 % off uproot's time, most on the uncompressed file); the same read with them is measured too and
# shown as "tuned".
uproot_as_users() { env -u MALLOC_MMAP_THRESHOLD_ -u MALLOC_TRIM_THRESHOLD_ "$PY" bench/uproot_read.py "$1" --runs "$RUNS"; }

echo
echo "uproot $("$PY" -c 'import uproot; print(uproot.__version__)'), $(nproc) cores, median of $RUNS runs after a warm-up;"
echo "1-thread rows: MB/s and the ratios t/uproot, t/limit use CPU seconds (stable on a shared machine);"
echo "2-thread rows: wall seconds. MB/s = uncompressed basket bytes / second; ratios: lower is better."
echo "limit = the same baskets pread + decompressed with the same C libraries into fresh arrays, 1 thread."
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$BIN" header
for f in $FILES; do
    case $f in rntuple-*) continue ;; esac   # RNTuples: the rntuple row below
    path="$DATA/$f.root"
    [ -f "$path" ] || { echo "| $f | missing |"; continue; }
    u=$(uproot_as_users "$path")
    ut=$("$PY" bench/uproot_read.py "$path" --runs "$RUNS")
    branch=lep1_pt
    case $f in jagged*) branch=Jet_pt ;; esac
    "$BIN" file "$path" --runs "$RUNS" --uproot "$u" --uproot-tuned "$ut" --branch "$branch" --threads 1,2
    # Whole process, as a user runs it: `conservattack digest FILE` in a child process (start included,
    # without the malloc settings above: the command sets its own), against the same limit and uproot.
    env -u MALLOC_MMAP_THRESHOLD_ -u MALLOC_TRIM_THRESHOLD_ \
        "$BIN" process "$path" --binary "$CLI" --runs "$RUNS" --uproot "$u" --uproot-tuned "$ut" --threads 1,2
done

if [ -z "${BENCH_FILES:-}" ] || [[ " ${BENCH_FILES} " == *" rntuple-zstd "* ]]; then
    path="$DATA/rntuple-zstd.root"
    if [ -f "$path" ]; then
        u=$(uproot_as_users "$path")
        ut=$("$PY" bench/uproot_read.py "$path" --runs "$RUNS")
        "$BIN" rntuple "$path" --runs "$RUNS" --uproot "$u" --uproot-tuned "$ut" --threads 1,2
    else
        echo "| rntuple-zstd | missing |"
    fi
fi

echo
echo "== peak memory, 100,000-entry chunks (VmHWM of a child process)"
for t in 1 2; do
    echo "flat-zlib1, $t thread(s): $("$BIN" peak "$DATA/flat-zlib1.root" --chunk 100000 --threads "$t")"
done

echo
echo "== other stages"
stage() {  # name, command
    if [ -n "$2" ]; then echo "-- $1"; bash -c "$2"; else echo "| $1 | not yet |"; fi
}
stage "ROOT writer" "${BENCH_WRITER_CMD:-}"
stage "selection" "${BENCH_SELECTION_CMD:-}"
stage "model/attack" "${BENCH_ATTACK_CMD:-}"
for cmd in "$@"; do stage "extra: $cmd" "$cmd"; done
