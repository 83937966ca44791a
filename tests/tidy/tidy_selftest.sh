#!/usr/bin/env bash
# Proves that tidy.sh bites: every banned construct, planted in a scratch tree, must be reported,
# and a clean tree (including comments that merely mention banned names) must pass.
set -u
tidy=${1:?usage: tidy_selftest.sh path/to/tidy.sh}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/sim" "$scratch/core"

fail() { echo "tidy self-test: $*"; exit 1; }

cat > "$scratch/sim/clean.cpp" <<'CPP'
// Comments may name std::chrono::steady_clock or rand() without tripping the check.
#include "sim/time.hpp"
int operand(int x) { return x + 1; }  // "operand(" must not read as "rand("
std::unordered_map<int, int> lookup_only;  // tidy:allow(unordered) never iterated
CPP
mkdir -p "$scratch/core/client" "$scratch/core/broker"
cat > "$scratch/core/client/clean.cpp" <<'CPP'
#include "core/client/producer.hpp"
#include "core/protocol/messages.hpp"
#include "sim/node.hpp"
CPP
mkdir -p "$scratch/gui/session"
echo '#include "gui/session/play.hpp"' > "$scratch/gui/session/clean.cpp"
bash "$tidy" "$scratch" > "$scratch/out.txt" || fail "a clean tree was rejected: $(cat "$scratch/out.txt")"

expect_rule() {
  local rule=$1 dir=$2 code=$3
  mkdir -p "$scratch/$dir"
  printf '%s\n' "$code" > "$scratch/$dir/bad.cpp"
  if bash "$tidy" "$scratch" > "$scratch/out.txt"; then
    fail "rule $rule did not catch: $code"
  fi
  grep -q "rule $rule:" "$scratch/out.txt" || fail "rule $rule not named for: $code"
  grep -q "$dir/bad.cpp:1:" "$scratch/out.txt" || fail "no file:line for: $code"
  rm "$scratch/$dir/bad.cpp"
}

expect_rule wall-clock core 'auto t = std::chrono::system_clock::now();'
expect_rule wall-clock sim 'auto t = std::chrono::steady_clock::now();'
expect_rule wall-clock sim 'auto t = std::chrono::high_resolution_clock::now();'
expect_rule wall-clock core 'long t = time(nullptr);'
expect_rule random-device sim 'std::random_device device;'
expect_rule c-rand core 'int x = rand();'
expect_rule c-rand sim 'srand(42);'
expect_rule std-random core '#include <random>'
expect_rule std-random sim 'std::uniform_int_distribution<int> d(1, 6);'
expect_rule std-random sim 'std::mt19937 engine;'
expect_rule sleep core 'std::this_thread::sleep_for(ms);'
expect_rule sleep sim 'usleep(100);'
expect_rule threads core 'std::thread worker(run);'
expect_rule threads sim 'auto f = std::async(run);'
expect_rule threads core '#include <thread>'
expect_rule qt core '#include <QObject>'
expect_rule qt sim '#include <QtWidgets/QWidget>'
expect_rule unordered core 'std::unordered_map<int, int> m;'
expect_rule layering-sim sim '#include "core/log/partition_log.hpp"'
expect_rule layering-ui core '#include "gui/main_window.hpp"'
expect_rule layering-ui sim '#include <cli/commands.hpp>'
# core/'s folder order: a client never reaches into the broker side, the log into nothing above.
expect_rule layering-core core/client '#include "core/broker/broker.hpp"'
expect_rule layering-core core/client '#include "core/group/classic_group.hpp"'
expect_rule layering-core core/log '#include "core/protocol/messages.hpp"'
expect_rule layering-core core/broker '  #include "core/scenario/runner.hpp"'
expect_rule gui-session gui/session '#include <QWidget>'
expect_rule gui-session gui/session '#include "gui/main_window.hpp"'
# A folder nobody declared fails until it is given its place in the order.
mkdir -p "$scratch/core/newthing"
echo '#include "core/log/record.hpp"' > "$scratch/core/newthing/x.cpp"
bash "$tidy" "$scratch" > "$scratch/out.txt" && fail "an undeclared core/ folder passed"
grep -q "rule layering-core: core/newthing is not in the folder order" "$scratch/out.txt" ||
  fail "an undeclared core/ folder was not named: $(cat "$scratch/out.txt")"
rm -rf "$scratch/core/newthing"
bash "$tidy" "$scratch" > "$scratch/out.txt" || fail "the tree was not clean again: $(cat "$scratch/out.txt")"

echo "tidy self-test: every rule catches its banned construct, and clean code passes"
