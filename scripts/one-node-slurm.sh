#!/usr/bin/env bash
# one-node-slurm.sh -- a throwaway one-node Slurm cluster on loopback, for the tests of `run --slurm`.
#
#   scripts/one-node-slurm.sh start DIR   starts munged, slurmctld and slurmd with all their state under DIR
#                                         (nothing in /etc or /run, no systemd, no cgroups, no accounting),
#                                         waits until the node is idle and a first batch job has run, and
#                                         writes DIR/env (export SLURM_CONF=...) and DIR/pids
#   scripts/one-node-slurm.sh stop DIR    cancels the cluster's jobs and stops exactly the PIDs it started
#
# Needs root (slurmd starts jobs as the submitting user) and Debian's slurmctld slurmd slurm-client munge
# (scripts/install-deps.sh --slurm installs them). Exit 2: something is missing (the tests then skip).
# Pitfalls this handles: munged refuses a socket directory that is not world-searchable all the way up;
# the node name is `localhost` (slurmd -N), not the host name; batch_sched_delay=0 (else each batch job
# waits ~3 s); no sacct (it needs slurmdbd): jobs are followed with scontrol; MinJobAge keeps finished jobs
# visible to scontrol for 5 minutes.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# = 2 ] || usage
cmd=$1 D=$2

stop_pid() {  # SIGTERM, up to 15 s, then SIGKILL -- by PID only
  local pid=$1 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

stop() {
  [ -f "$D/pids" ] || return 0
  # shellcheck disable=SC1091
  . "$D/pids"
  export SLURM_CONF="$D/slurm.conf"
  if [ -n "${SLURMCTLD_PID:-}" ] && kill -0 "$SLURMCTLD_PID" 2>/dev/null; then
    jobs=$(timeout 5 squeue -h -o %A 2>/dev/null | tr '\n' ' ' || true)
    if [ -n "${jobs// }" ]; then
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true   # slurmd's shutdown leaves running steps alive
      for _ in $(seq 100); do [ -z "$(timeout 5 squeue -h 2>/dev/null)" ] && break; sleep 0.1; done
    fi
  fi
  stop_pid "${SLURMD_PID:-}"
  stop_pid "${SLURMCTLD_PID:-}"
  stop_pid "${MUNGED_PID:-}"
  # Job processes left behind carry this cluster's SLURM_CONF in their environment: kill exactly those.
  local p
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$p" = $$ ] && continue
    tr '\0' '\n' 2>/dev/null < "/proc/$p/environ" | grep -qxF "SLURM_CONF=$D/slurm.conf" || continue
    kill -KILL "$p" 2>/dev/null || true
  done
  rm -f "$D/pids"
}

start() {
  [ "$(id -u)" = 0 ] || { echo "must run as root (slurmd starts jobs as the submitting user)" >&2; exit 2; }
  for c in munged mungekey munge slurmctld slurmd sbatch scontrol sinfo squeue scancel ss; do
    command -v "$c" >/dev/null || { echo "missing $c: scripts/install-deps.sh --slurm" >&2; exit 2; }
  done
  # The daemons must not inherit our caller's descriptors (a test's output pipe would never see EOF).
  local fd
  for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ] && [ "$fd" -ne 255 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  exec </dev/null
  mkdir -p "$D"
  chmod 755 "$D"
  mkdir -p "$D"/{log,run,state,spool}
  install -d -m 700 "$D/mkey"
  install -d -m 755 "$D/msock"
  trap 'echo "one-node-slurm: start failed; logs in $D/log" >&2; stop' ERR
  local base ok=0 p
  for _ in $(seq 50); do
    base=$(( 20000 + (RANDOM % 400) * 100 ))
    ok=1; for p in $base $((base + 1)); do ss -Htanl "( sport = :$p )" | grep -q . && ok=0; done
    [ $ok = 1 ] && break
  done
  [ $ok = 1 ] || { echo "no free port block" >&2; exit 1; }

  mungekey --create --keyfile="$D/mkey/munge.key" 2>/dev/null
  local msock="$D/msock/munge.socket"
  munged -F --key-file="$D/mkey/munge.key" --socket="$msock" --pid-file="$D/msock/munged.pid" \
    --log-file="$D/log/munged.log" --seed-file="$D/mkey/munged.seed" >"$D/log/munged.out" 2>&1 &
  echo "MUNGED_PID=$!" > "$D/pids"
  for _ in $(seq 100); do munge -n -S "$msock" >/dev/null 2>&1 && break; sleep 0.05; done
  munge -n -S "$msock" | unmunge -S "$msock" >/dev/null

  local hw
  hw=$(slurmd -C | head -1 | tr ' ' '\n' | grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore)=' | tr '\n' ' ')
  : > "$D/plugstack.conf"
  cat > "$D/slurm.conf" <<CONF
ClusterName=oneNode
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SrunPortRange=$((base + 2))-$((base + 99))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$msock
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/run/slurmctld.pid
SlurmdPidFile=$D/run/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
PlugStackConfig=$D/plugstack.conf
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
KillWait=5
MinJobAge=300
NodeName=localhost NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$D/slurm.conf"
  slurmctld -D -f "$SLURM_CONF" >"$D/log/slurmctld.out" 2>&1 &
  echo "SLURMCTLD_PID=$!" >> "$D/pids"
  for _ in $(seq 300); do scontrol ping 2>/dev/null | grep -q 'is UP' && break; sleep 0.1; done
  scontrol ping | grep -q 'is UP'
  slurmd -D -N localhost -f "$SLURM_CONF" >"$D/log/slurmd.out" 2>&1 &
  echo "SLURMD_PID=$!" >> "$D/pids"
  for _ in $(seq 300); do [ "$(sinfo -h -n localhost -o %t 2>/dev/null)" = idle ] && break; sleep 0.1; done
  [ "$(sinfo -h -n localhost -o %t)" = idle ]
  # slurmctld starts no batch job for ~3 s after it starts: pay that once here.
  local j s
  j=$(sbatch --parsable -o /dev/null --wrap true)
  for _ in $(seq 600); do
    s=$(scontrol -o show job "$j" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)
    [ "$s" = COMPLETED ] && break; sleep 0.1
  done
  [ "$s" = COMPLETED ]
  echo "export SLURM_CONF=$SLURM_CONF" > "$D/env"
  trap - ERR
  echo "one-node Slurm cluster up: SLURM_CONF=$SLURM_CONF"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
