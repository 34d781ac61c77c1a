#!/usr/bin/env bash
# stop-local-slurm.sh - stop the cluster started by scripts/slurm/start-local-slurm.sh
# (wf's test cluster; .ci/run calls it from an EXIT trap).
# Cancels the cluster's remaining jobs, then ends only the daemons whose PIDs
# the start script recorded: slurmd, slurmctld, slurmdbd and mariadbd (if
# accounting was on), and munged (only if the start script started it).
# Idempotent: does nothing if nothing is running. Keeps the state directory;
# delete it (default /var/spool/slurm-local) for a fully fresh next start.
set -euo pipefail

export PATH="$PATH:/usr/sbin:/sbin"   # the daemons live in /usr/sbin
DIR=${LOCAL_SLURM_DIR:-/var/spool/slurm-local}
RUN="$DIR/run"
WAIT=${LOCAL_SLURM_STOP_WAIT:-20}

log() { printf '[local-slurm] %s\n' "$*"; }

[ "$(id -u)" = 0 ] || { echo "[local-slurm] ERROR: must run as root" >&2; exit 1; }

# proc_running PID: true while PID exists and is not a zombie waiting to be reaped
proc_running() {
  case "$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)" in Z|X|"") return 1 ;; esac
}

# pid_of PIDFILE NAME: print the pid if PIDFILE names a live process called NAME
pid_of() {
  local f=$1 name=$2 pid comm exe
  [ -s "$f" ] || return 1
  pid=$(cat "$f" 2>/dev/null | tr -dc '0-9')
  [ -n "$pid" ] && proc_running "$pid" || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
  case "$comm ${exe##*/}" in *"$name"*) echo "$pid"; return 0 ;; esac
  return 1
}

stop_one() {
  local name=$1 f="$RUN/$1.pid" pid i
  if ! pid=$(pid_of "$f" "$name"); then
    [ -e "$f" ] && log "$name not running (stale pid file removed)"
    rm -f "$f"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < WAIT * 10; i++)); do
    proc_running "$pid" || break
    sleep 0.1
  done
  if proc_running "$pid"; then
    log "$name (pid $pid) ignored SIGTERM for ${WAIT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do proc_running "$pid" || break; sleep 0.1; done
  fi
  rm -f "$f"
  log "$name (pid $pid) stopped"
}

# Cancel this cluster's jobs so that no job processes outlive slurmd.
if pid_of "$RUN/slurmctld.pid" slurmctld >/dev/null && pid_of "$RUN/slurmd.pid" slurmd >/dev/null; then
  jobs=$(squeue -h -o '%i' 2>/dev/null || true)
  if [ -n "$jobs" ]; then
    log "cancelling $(echo "$jobs" | wc -l) job(s)"
    # shellcheck disable=SC2086
    scancel $jobs 2>/dev/null || true
    for ((i = 0; i < WAIT * 5; i++)); do
      [ -z "$(squeue -h -t RUNNING,COMPLETING,CONFIGURING -o '%i' 2>/dev/null || true)" ] && break
      sleep 0.2
    done
  fi
fi

stop_one slurmd
stop_one slurmctld
stop_one slurmdbd
stop_one mariadbd
stop_one munged
log "stopped"
