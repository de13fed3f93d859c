#!/usr/bin/env bash
# Installs what building and testing need, only when missing:
#   system libraries (Debian packages) and, with --python, a test virtualenv at .venv-test
#   holding the independent readers our tests compare against (uproot, pyarrow, onnxruntime).
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs="zlib1g-dev liblzma-dev liblz4-dev libzstd-dev libdeflate-dev libxxhash-dev pkg-config time"
missing=""
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "installing system packages:$missing"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
if [ "${1:-}" = "--python" ]; then
  if [ ! -x .venv-test/bin/python ] || ! .venv-test/bin/python -c "import uproot, pyarrow, numpy" 2>/dev/null; then
    echo "creating .venv-test (uproot, awkward, numpy, pyarrow, onnxruntime, scipy)"
    python3 -m venv .venv-test
    .venv-test/bin/pip install -q --disable-pip-version-check -r scripts/test-requirements.txt
  fi
fi
