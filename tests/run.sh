#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine with the .NET 10 SDK: installs what the tests need
# (Debian packages: Chromium for the browser test of reports, python3-nbformat to validate notebooks,
# wordnet-base for the text corpus of the sequence datasets),
# restores, builds and tests. Usage: bash tests/run.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
/usr/bin/python3 -c "import nbformat" >/dev/null 2>&1 || missing+=(python3-nbformat)
[ -f /usr/share/wordnet/data.noun ] || missing+=(wordnet-base)
# As root, the Slurm end-to-end test runs against a one-node cluster started here (otherwise it is skipped, saying why).
if [ "$(id -u)" -eq 0 ]; then
  command -v slurmctld >/dev/null || missing+=(slurm-wlm)
  command -v munged >/dev/null || missing+=(munge)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

log=$(mktemp)
cluster_started=""
cleanup() {
  rm -f "$log"
  [ -z "$cluster_started" ] || bash tests/slurm/start-local-cluster.sh stop >/dev/null || true
}
trap cleanup EXIT
if [ "$(id -u)" -eq 0 ] && command -v slurmctld >/dev/null; then
  if cluster=$(bash tests/slurm/start-local-cluster.sh 2>&1); then
    echo "$cluster" | head -n 1
    export "$(echo "$cluster" | grep '^SLURM_CONF=')"
    echo "$cluster" | grep -q "already running" || cluster_started=yes
  else
    echo "Local Slurm cluster not started (the Slurm end-to-end test will be skipped): $cluster"
  fi
elif [ -z "${SLURM_CONF:-}" ]; then
  echo "Not root: no local Slurm cluster is started, so the Slurm end-to-end test is skipped unless one already answers sinfo."
fi
status=0
# The package tests use the Workbench package of this build from the folder feed src/feed (docs/package.md): pack it
# first (this builds the library; the tests then find it up to date). src/feed is git-ignored.
echo "Packing the Workbench package into src/feed/ ..."
dotnet pack src/Workbench -c Release -nologo 2>&1 | tail -n 4 || status=$?
dotnet test Workbench.sln -c Release "$@" 2>&1 | tee "$log" || status=$?

# One closing line in the plain 'N passed, N failed' form, summed over test assemblies.
awk '/(Passed|Failed)! +- +Failed: /{
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1)
       }
     } END { gsub(",", "", p); printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit $status
