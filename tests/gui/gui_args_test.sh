#!/usr/bin/env bash
# `ksim-gui` as scripts and users meet it on the command line: bad arguments exit 2 with a
# message that says what to do; a screenshot is written whole and is a PNG.
#
#   bash tests/gui/gui_args_test.sh path/to/ksim-gui path/to/scenarios
set -u
gui=${1:?usage: gui_args_test.sh path/to/ksim-gui path/to/scenarios}
labs=${2:?usage: gui_args_test.sh path/to/ksim-gui path/to/scenarios}
program=$gui
program_name=ksim-gui
source "$(dirname "${BASH_SOURCE[0]}")/../expect.sh"
export QT_QPA_PLATFORM=offscreen

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

finish "ksim-gui arguments"
