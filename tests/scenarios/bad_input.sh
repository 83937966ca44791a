#!/usr/bin/env bash
# The bad-input corpus: every file in bad/ must be refused by `ksim check` with exit code 2 and a
# message containing what the file's first line (a JSON-less comment line is not allowed, so the
# expectation lives in bad/expected.txt as "FILE<TAB>MESSAGE") says.
set -uo pipefail
ksim=$1
dir=$(dirname "$0")/bad
fail=0
while IFS=$'\t' read -r file message; do
  [ -z "$file" ] && continue
  output=$("$ksim" check "$dir/$file" 2>&1)
  status=$?
  if [ "$status" -ne 2 ]; then
    echo "bad/$file: exit $status, expected 2: $output"
    fail=1
  elif ! grep -qF -- "$message" <<< "$output"; then
    echo "bad/$file: message lacks \"$message\": $output"
    fail=1
  fi
done < "$dir/expected.txt"
exit $fail
