#!/usr/bin/env bash
# Writes everything a refactoring must not change into one directory: every bundled lab's full JSON
# report (each variant's trace hash, event count, figures, expectations and timeline), the gossip
# demo's fingerprint, a few seeds of `ksim explore --random-faults` and `ksim describe` mid-run.
# Two snapshots taken before and after a change that claims "same behaviour" must be identical:
#
#   tests/scenarios/behaviour_snapshot.sh build/release/cli/ksim /tmp/before
#   ... change, rebuild ...
#   tests/scenarios/behaviour_snapshot.sh build/release/cli/ksim /tmp/after
#   diff -r /tmp/before /tmp/after && echo "same behaviour"
set -euo pipefail
ksim=${1:?usage: behaviour_snapshot.sh KSIM OUTDIR}
out=${2:?usage: behaviour_snapshot.sh KSIM OUTDIR}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mkdir -p "$out"
for lab in "$root"/scenarios/*.json; do
  name=$(basename "$lab" .json)
  [ "$name" = schema ] && continue
  # Exit code 1 (a failed expectation) is part of the behaviour too: keep it.
  status=0
  "$ksim" run --report json "$lab" > "$out/$name.jsonl" || status=$?
  echo "exit $status" >> "$out/$name.jsonl"
done
"$ksim" demo gossip > "$out/gossip.txt"
# Random faults reach states no lab does; describe reads the cluster and groups mid-run.
for lab in acks-leader-crash rebalance-eager-vs-cooperative; do
  "$ksim" explore "$root/scenarios/$lab.json" --seeds 1..6 --random-faults --json "$out/explore-$lab.json" > /dev/null || true
  "$ksim" describe "$root/scenarios/$lab.json" --at 12s > "$out/describe-$lab.txt"
done
echo "snapshot of $(ls "$out" | wc -l) files in $out"
