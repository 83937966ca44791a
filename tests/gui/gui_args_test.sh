#!/usr/bin/env bash
# `ksim-gui` as scripts and users meet it on the command line: bad arguments exit 2 with a
# message that says what to do; a screenshot is written whole and is a PNG.
#
#   bash tests/gui/gui_args_test.sh path/to/ksim-gui path/to/scenarios
set -u
gui=${1:?usage: gui_args_test.sh path/to/ksim-gui path/to/scenarios}
labs=${2:?usage: gui_args_test.sh path/to/ksim-gui path/to/scenarios}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
export QT_QPA_PLATFORM=offscreen

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect CODE PATTERN ARGS...: runs ksim-gui ARGS, checks the exit code and the message.
expect() {
  local code=$1 pattern=$2
  shift 2
  "$gui" "$@" > "$work/out" 2>&1
  local got=$?
  [ "$got" -eq "$code" ] || fail "ksim-gui $* exited $got, expected $code: $(head -c 400 "$work/out")"
  grep -qE -- "$pattern" "$work/out" || fail "ksim-gui $* did not print /$pattern/: $(head -c 400 "$work/out")"
}

expect 0 'usage: ksim-gui' --help
expect 2 'unknown option --frobnicate' --frobnicate
expect 2 '--view needs a name' "$labs/acks-leader-crash.json" --view
expect 2 'unknown view "nope"; the views are all, cluster' "$labs/acks-leader-crash.json" --view nope --screenshot "$work/x.png"
expect 2 '--at: ' "$labs/acks-leader-crash.json" --at soon --screenshot "$work/x.png"
expect 2 '--screenshot needs a scenario file' --screenshot "$work/x.png"
expect 2 'cannot be read; check the path' "$work/missing.json" --screenshot "$work/x.png"
expect 2 '--brokers: a whole number from 1 to 100' --bench-frames --brokers 0
expect 2 '--partitions: a whole number' --bench-frames --partitions many
expect 2 '--bench-rewind needs a scenario file' --bench-rewind
expect 2 'one scenario file at a time' a.json b.json
[ ! -e "$work/x.png" ] || fail "a refused screenshot left a file behind"

# A picture: written, a PNG, and only the finished file (no temporary beside it).
expect 0 '' "$labs/acks-leader-crash.json" --at 12s --view charts --screenshot "$work/charts.png"
[ "$(head -c 8 "$work/charts.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "the screenshot is not a PNG"
[ "$(ls "$work" | grep -c charts)" -eq 1 ] || fail "the screenshot left other files: $(ls "$work")"

[ "$failures" -eq 0 ] && echo "ksim-gui arguments: all checks passed"
exit $((failures > 0))
