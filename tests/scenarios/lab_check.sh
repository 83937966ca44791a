#!/usr/bin/env bash
# One bundled lab as a CI test: every run (the base and each variant) must meet its expectations
# and reproduce its pinned trace hash. A hash that changes on purpose is updated in golden.txt
# with the reason in the commit message:
#   KSIM_UPDATE_GOLDEN=1 ctest -R lab:   (rewrites the lines of the labs it runs)
set -euo pipefail
ksim=$1
lab=$2
golden=$3
name=$(basename "$lab" .json)
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
"$ksim" run --report json "$lab" > "$report" || status=$?
if [ "$status" -ne 0 ]; then
  echo "lab $name: ksim run exited $status; failing expectations:"
  grep -o '"expr":"[^"]*","actual":[^,]*,"passed":false' "$report" || cat "$report"
  exit 1
fi
fail=0
while IFS= read -r line; do
  variant=$(sed -n 's/.*"variant":"\([^"]*\)".*/\1/p' <<< "$line")
  hash=$(sed -n 's/.*"trace_hash":"\([0-9a-f]*\)".*/\1/p' <<< "$line")
  key="$name/${variant:-base}"
  if [ "${KSIM_UPDATE_GOLDEN:-0}" = 1 ]; then
    grep -v "^$key " "$golden" > "$golden.tmp" || true
    echo "$key $hash" >> "$golden.tmp"
    sort "$golden.tmp" > "$golden" && rm -f "$golden.tmp"
    continue
  fi
  expected=$(awk -v k="$key" '$1 == k {print $2}' "$golden")
  if [ -z "$expected" ]; then
    echo "lab $key: no pinned hash in $(basename "$golden"); its hash is $hash (KSIM_UPDATE_GOLDEN=1 to record it)"
    fail=1
  elif [ "$expected" != "$hash" ]; then
    echo "lab $key: trace hash $hash, pinned $expected: the behaviour changed (update golden.txt if on purpose)"
    fail=1
  fi
done < "$report"
exit $fail
