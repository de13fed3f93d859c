#!/usr/bin/env bash
# Runs every libFuzzer harness for SECONDS each (default 60), one after the other at low priority,
# seeded from the committed fixtures. Working corpora grow in fuzz/corpus/<harness>/ (not committed);
# (-detect_leaks=0: the Swift runtime keeps global caches alive at exit, which LeakSanitizer reports.)
# crashing inputs land in fuzz/artifacts/<harness>/ and make the script exit 1.
# Usage: fuzz/run.sh [SECONDS] [HarnessName ...]
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
# The shared data folder: $CONSERVATTACK_SHARED, else ../shared beside the repository (seeds are skipped when absent).
SHARED=${CONSERVATTACK_SHARED:-$(cd .. && pwd)/shared}
[ -d "$SHARED/rootfiles" ] || echo "fuzz/run.sh: $SHARED/rootfiles not found: FuzzROOTFile seeded from fixtures/ only" >&2
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(FuzzROOTFile FuzzRNTuple FuzzDecompression FuzzCutExpression FuzzModel FuzzArrow)

fuzz/build.sh "${harnesses[@]}" || exit 2

seed() {   # seed <harness> <dir>: copies the fixtures that fit the harness into its corpus
    local h=$1 dir=$2
    case $h in
        FuzzROOTFile) cp fixtures/rootio/*.root fixtures/fuzz/recovery-*.root "$dir"
            for f in simple leaflist histograms empty double32-float16 small-flat-tree nesteddirs stl_containers; do
                cp "$SHARED/rootfiles/uproot-$f.root" "$dir" 2>/dev/null || true
            done ;;
        FuzzRNTuple) cp fixtures/rntuple/*.root "$dir"
            cp "$SHARED"/rootfiles/rntuple/*.root "$dir" 2>/dev/null || true ;;
        FuzzDecompression)
            for f in fixtures/compression/*.rootz; do
                local n; n=$(stat -c %s "${f%.rootz}.plain")
                python3 -c "import sys; n=int(sys.argv[1]); sys.stdout.buffer.write(bytes([n&255,(n>>8)&255,(n>>16)&255]))" "$n" > "$dir/$(basename "$f")"
                cat "$f" >> "$dir/$(basename "$f")"
            done ;;
        FuzzCutExpression)
            python3 - "$dir" <<'PY'
import json, sys, hashlib
exprs = set()
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if k in ("expr", "expression", "cut", "weight", "source") and isinstance(x, str): exprs.add(x)
            walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
walk(json.load(open("fixtures/selection/expectations.json")))
exprs |= {"nJet >= 2 && MET_pt > 20", "Sum$(Jet_pt > 30 && Jet_id) >= 1", "Alt$(Jet_pt[1], -1) > 10",
          "abs(MET_pt - 5) < 3 ? HLT : !HLT", "Max$(Muon_pt) * (run % 2) + p3[1]", "TMath::Hypot(MET_pt, nJet) > 1e1"}
for e in exprs:
    open(f"{sys.argv[1]}/{hashlib.sha1(e.encode()).hexdigest()[:12]}", "w").write(e)
PY
            ;;
        FuzzModel) cp fixtures/model/*.onnx fixtures/model/*.json "$dir" 2>/dev/null
                   rm -f "$dir"/*expectations.json ;;
        FuzzArrow) cp fixtures/arrow/*.arrow fixtures/arrow/*.feather "$dir" 2>/dev/null ;;
    esac
    cp fixtures/fuzz/"$h"/* "$dir" 2>/dev/null || true
}

status=0
mkdir -p fuzz/logs
for h in "${harnesses[@]}"; do
    corpus=fuzz/corpus/$h; artifacts=fuzz/artifacts/$h
    mkdir -p "$corpus" "$artifacts"
    seed "$h" "$corpus"
    echo "== $h: ${SECONDS_EACH}s"
    nice -n 10 "fuzz/bin/$h" "$corpus" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 \
        -max_len=1048576 -print_final_stats=1 -artifact_prefix="$artifacts/" > "fuzz/logs/$h.log" 2>&1
    rc=$?
    grep -E "^#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb" "fuzz/logs/$h.log" | tail -4
    if [ $rc -ne 0 ]; then
        echo "!! $h found a crash (exit $rc): see fuzz/logs/$h.log and $artifacts/"; status=1
    fi
done
exit $status
