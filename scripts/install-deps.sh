#!/usr/bin/env bash
# Installs what building and testing need, only when missing:
#   system libraries (Debian packages); with --python, a test virtualenv at .venv-test
#   holding the independent readers our tests compare against (uproot, pyarrow, onnxruntime);
#   with --slurm, Slurm and munge for the one-node cluster of the `run --slurm` tests (scripts/one-node-slurm.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
want_python=0 want_slurm=0
for arg in "$@"; do
  case $arg in
    --python) want_python=1 ;;
    --slurm) want_slurm=1 ;;
    *) echo "usage: $0 [--python] [--slurm]" >&2; exit 2 ;;
  esac
done
pkgs="zlib1g-dev liblzma-dev liblz4-dev libzstd-dev libdeflate-dev libxxhash-dev pkg-config time"
# Daemons and clients only (no systemd units are started in a container; the tests start their own).
[ $want_slurm = 1 ] && pkgs="$pkgs slurmctld slurmd slurm-client munge"
missing=""
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "installing system packages:$missing"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
if [ $want_python = 1 ]; then
  if [ ! -x .venv-test/bin/python ] || ! .venv-test/bin/python -c "import uproot, pyarrow, numpy" 2>/dev/null; then
    echo "creating .venv-test (uproot, awkward, numpy, pyarrow, onnxruntime, scipy)"
    python3 -m venv .venv-test
    .venv-test/bin/pip install -q --disable-pip-version-check -r scripts/test-requirements.txt
  fi
fi
