#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine (Debian 12 slurm-wlm 22.05 + munge, as root) for the
# end-to-end test of `workbench run --slurm`. Idempotent: when the cluster it started earlier still answers,
# it only prints where it is. Everything lives in one state folder; the configuration is not written to
# /etc/slurm (clients find it through SLURM_CONF), and the daemons use their own ports.
#
#   bash tests/slurm/start-local-cluster.sh          # start (or reuse); prints SLURM_CONF=<path> last
#   bash tests/slurm/start-local-cluster.sh stop     # stops the daemons this script started, by their pids
#
# State folder: $WORKBENCH_SLURM_DIR, default /tmp/workbench-slurm. Exit 0 when the node is idle and
# accepts jobs; non-zero with a message otherwise.
set -euo pipefail

state=${WORKBENCH_SLURM_DIR:-/tmp/workbench-slurm}
conf=$state/slurm.conf
host=$(hostname -s)

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop() {
  # Only daemons whose pid files this script wrote (a munged that was running before is left alone).
  for name in slurmd slurmctld munged; do
    if alive "$state/$name.started.pid"; then
      kill "$(cat "$state/$name.started.pid")" 2>/dev/null || true
      echo "stopped $name (pid $(cat "$state/$name.started.pid"))"
    fi
    rm -f "$state/$name.started.pid"
  done
}

if [ "${1:-}" = "stop" ]; then stop; exit 0; fi

if [ "$(id -u)" -ne 0 ]; then echo "start-local-cluster: needs root (slurmd runs jobs as any user)" >&2; exit 2; fi
for tool in munged mungekey slurmctld slurmd sbatch sinfo; do
  command -v "$tool" >/dev/null || { echo "start-local-cluster: '$tool' not found; apt-get install -y slurm-wlm munge" >&2; exit 2; }
done

export SLURM_CONF=$conf
if alive "$state/slurmctld.started.pid" && alive "$state/slurmd.started.pid" && sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mix|alloc'; then
  echo "Slurm cluster already running ($state)"
  echo "SLURM_CONF=$conf"
  exit 0
fi
stop >/dev/null
mkdir -p "$state"

# munge: one key, its folders owned by munge, one daemon. Reuse a munged that already answers.
mkdir -p /etc/munge /var/log/munge /var/lib/munge /run/munge
[ -f /etc/munge/munge.key ] || mungekey -c -k /etc/munge/munge.key
chown -R munge:munge /etc/munge /var/log/munge /var/lib/munge /run/munge
chmod 0700 /etc/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  pgrep -u munge -n munged > "$state/munged.started.pid"
fi
munge -n | unmunge >/dev/null || { echo "start-local-cluster: munged does not answer" >&2; exit 1; }

mkdir -p "$state/spool" "$state/ctld" "$state/log"
cat > "$conf" <<EOF
ClusterName=local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SlurmUser=root
SlurmdUser=root
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobRequeue=1
MinJobAge=600
KillWait=30
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmdSpoolDir=$state/spool
StateSaveLocation=$state/ctld
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

# -c: start with a clean job state (a previous test's jobs are of no interest).
slurmctld -c -f "$conf"
for _ in $(seq 100); do [ -s "$state/slurmctld.pid" ] && break; sleep 0.1; done
cp "$state/slurmctld.pid" "$state/slurmctld.started.pid"
slurmd -f "$conf"
for _ in $(seq 100); do [ -s "$state/slurmd.pid" ] && break; sleep 0.1; done
cp "$state/slurmd.pid" "$state/slurmd.started.pid"

for _ in $(seq 120); do
  if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
    echo "Slurm cluster up: node $host, $(nproc) CPUs, partition debug ($state)"
    echo "SLURM_CONF=$conf"
    exit 0
  fi
  sleep 0.5
done
echo "start-local-cluster: the node did not become idle within 60 s; see $state/log/" >&2
sinfo >&2 || true
exit 1
