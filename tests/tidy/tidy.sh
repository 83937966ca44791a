#!/usr/bin/env bash
# tidy: enforces the determinism and layering rules of design.md on sim/ and core/, and keeps
# gui/session/ (the GUI's session layer) free of Qt and of the widgets.
#
#   bash tests/tidy/tidy.sh ROOT
#
# ROOT is the project root (or any folder with sim/ and core/ below it). Prints each violation as
# file:line: rule, and the fix; exits 1 if there is any. A line may opt out of one rule with a
# trailing comment `tidy:allow(<rule>)` that says why, e.g. an unordered map only ever looked up.
set -u
root=${1:?usage: tidy.sh ROOT}
cd "$root" || exit 2

violations=0

# check RULE FIX REGEX DIRS...
check() {
  local rule=$1 fix=$2 regex=$3
  shift 3
  local dirs=()
  for d in "$@"; do [ -d "$d" ] && dirs+=("$d"); done
  [ ${#dirs[@]} -eq 0 ] && return
  local hits
  hits=$(grep -rnE --include='*.hpp' --include='*.cpp' --include='*.h' --include='*.cc' \
           -- "$regex" "${dirs[@]}")
  [ -z "$hits" ] && return
  while IFS= read -r hit; do
    local text=${hit#*:*:}
    [[ $text == *"tidy:allow($rule)"* ]] && continue
    # Only code counts: drop a trailing // comment and lines inside /* */ blocks.
    local code
    code=$(sed -E 's@//.*$@@; s@^[[:space:]]*(/\*|\*).*$@@' <<< "$text")
    grep -qE -- "$regex" <<< "$code" || continue
    printf '%s\n    rule %s: %s\n' "$hit" "$rule" "$fix"
    violations=$((violations + 1))
  done <<< "$hits"
}

check wall-clock "use simulated time (sim::Time from the scheduler), never the wall clock" \
  'system_clock|steady_clock|high_resolution_clock|gettimeofday|clock_gettime|[^_a-zA-Z.>]time\((NULL|nullptr|0)?\)' sim core
check random-device "derive randomness from the run's seed: RandomSource::stream(name)" \
  'random_device' sim core
check c-rand "use sim::Rng from a named stream, not rand()/srand()" \
  '(^|[^_a-zA-Z0-9.>:])s?rand\(' sim core
check std-random "use sim::Rng's own distributions: <random> differs between standard libraries" \
  '#include[[:space:]]*<random>|std::[a-z_]+_distribution|std::(mt19937|minstd_rand|default_random_engine)' sim core
check sleep "every delay goes through the scheduler; nothing sleeps" \
  'sleep_for|sleep_until|usleep\(|nanosleep\(|(^|[^_a-zA-Z0-9])sleep\(' sim core
check threads "the simulation is single-threaded: schedule events instead" \
  'std::thread|std::jthread|std::async|#include[[:space:]]*<(thread|future)>|pthread_create' sim core
check qt "sim/ and core/ never include Qt; the GUI reads snapshots" \
  '#include[[:space:]]*[<"]Q' sim core
check unordered "iterate only ordered containers; an unordered one needs tidy:allow(unordered) and a reason" \
  'std::unordered_(map|set|multimap|multiset)' sim core
check layering-sim "sim/ is the kernel and knows nothing of Kafka: it must not include core/" \
  '#include[[:space:]]*[<"]core/' sim
check layering-ui "sim/ and core/ must not include the front ends (gui/, cli/)" \
  '#include[[:space:]]*[<"](gui|cli)/' sim core
check gui-session "gui/session/ is the GUI's Qt-free layer: no Qt and no widgets (the widgets include it)" \
  '#include[[:space:]]*[<"](Q|gui/[a-z_]+\.hpp)' gui/session

# core/'s folders form layers: each may include only the folders named for it here, so that a
# wrong-way include (a client reaching into the broker, the log into the controller) fails this
# test. docs/architecture.md draws the same order; a new folder is declared here first.
declare -A core_may_include=(
  [log]=""
  [protocol]="log"
  [event]="log protocol"
  [node]="log protocol event"
  [raft]="log protocol event node"
  [metadata]="log protocol"
  [controller]="log protocol event node raft metadata"
  [group]="log protocol event"
  [broker]="log protocol event node raft metadata group"
  [client]="log protocol event node"
  [cluster]="log protocol event node raft metadata group controller broker"
  [check]="log protocol event node raft metadata group controller broker client cluster"
  [scenario]="log protocol event node raft metadata group controller broker client cluster check"
)
for dir in core/*/; do
  [ -d "$dir" ] || continue
  folder=$(basename "$dir")
  if [ -z "${core_may_include[$folder]+declared}" ]; then
    printf '%s\n    rule layering-core: core/%s is not in the folder order; declare what it may include in tests/tidy/tidy.sh\n' "$dir" "$folder"
    violations=$((violations + 1))
    continue
  fi
  allowed=" $folder ${core_may_include[$folder]} "
  while IFS= read -r hit; do
    [ -z "$hit" ] && continue
    used=$(sed -E 's@.*#include[[:space:]]*"core/([a-z_]+)/.*@\1@' <<< "$hit")
    [[ $allowed == *" $used "* ]] && continue
    printf '%s\n    rule layering-core: core/%s may include only core/{%s}, not core/%s\n' \
      "$hit" "$folder" "$(tr ' ' ',' <<< "${core_may_include[$folder]}")" "$used"
    violations=$((violations + 1))
  done <<< "$(grep -rnE --include='*.hpp' --include='*.cpp' '^[[:space:]]*#include[[:space:]]*"core/[a-z_]+/' "$dir")"
done

if [ "$violations" -gt 0 ]; then
  echo "tidy: $violations violation(s) of the determinism and layering rules (see docs/architecture.md)"
  exit 1
fi
echo "tidy: sim/ and core/ follow the determinism and layering rules"
