#!/usr/bin/env bash
# Builds the libFuzzer harnesses into fuzz/bin/ (Linux, Swift toolchain with libFuzzer).
#
# 1. SwiftPM compiles the library targets with coverage + AddressSanitizer instrumentation
#    (-sanitize=fuzzer,address), optimised (-O: about 10x more executions than -Onone) but in the debug
#    configuration (incremental, assertions kept), into a separate build folder, .build-fuzz/.
# 2. Each harness (fuzz/harnesses/Fuzz*.swift) is compiled by swiftc and linked with libFuzzer and the
#    instrumented object files of the modules it needs, plus the system compression libraries.
# Usage: fuzz/build.sh [HarnessName ...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=$ROOT/.build-fuzz
SAN="-sanitize=fuzzer,address"
mkdir -p fuzz/bin

declare -A TARGET=( [FuzzROOTFile]=ROOTIO [FuzzRNTuple]=ROOTIO [FuzzDecompression]=ROOTCompression [FuzzCutExpression]=Selection
                    [FuzzModel]=Model [FuzzArrow]=ArrowIPC )
declare -A MODULES=( [FuzzROOTFile]="ROOTIO ROOTCompression Columnar" [FuzzRNTuple]="ROOTIO ROOTCompression Columnar" [FuzzDecompression]="ROOTCompression"
                     [FuzzCutExpression]="Selection Columnar" [FuzzModel]="Model Columnar SwiftProtobuf"
                     [FuzzArrow]="ArrowIPC Columnar" )
CLIBS="-lz -ldeflate -llzma -llz4 -lzstd -lxxhash"
CINCLUDES=""
for c in CZlib CDeflate CLZMA CLZ4 CZstd CXXHash; do CINCLUDES+=" -I $ROOT/Sources/$c"; done

harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(FuzzROOTFile FuzzRNTuple FuzzDecompression FuzzCutExpression FuzzModel FuzzArrow)

for h in "${harnesses[@]}"; do
    t=${TARGET[$h]}
    echo "== $h: building target $t (instrumented)"
    nice -n 10 swift build --build-path "$BUILD" -Xswiftc -sanitize=fuzzer,address -Xswiftc -O --target "$t" 2>&1 | tail -1
    objs=()
    for m in ${MODULES[$h]}; do objs+=("$BUILD"/debug/$m.build/*.o); done
    echo "== $h: linking fuzz/bin/$h"
    nice -n 10 swiftc $SAN -O -g -parse-as-library -module-name "$h" "fuzz/harnesses/$h.swift" \
        -I "$BUILD/debug/Modules" $CINCLUDES "${objs[@]}" $CLIBS -o "fuzz/bin/$h" 2>&1 | grep -v "Cannot export local symbol" || true
    test -x "fuzz/bin/$h"
done
