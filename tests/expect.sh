# Shared by the command-line tests (tests/cli/cli_test.sh, tests/gui/gui_args_test.sh): a scratch
# directory, a failure count, and `expect`. Source it after setting `program` (the binary) and
# `program_name` (how messages name it).
#
#   expect CODE PATTERN ARGS...: runs the program with ARGS, checks the exit code and that
#   stdout+stderr contain PATTERN (an extended regex).
#   finish NAME: prints the verdict and exits 1 on any failure.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

expect() {
  local code=$1 pattern=$2
  shift 2
  "$program" "$@" > "$work/out" 2>&1
  local got=$?
  [ "$got" -eq "$code" ] || fail "$program_name $* exited $got, expected $code: $(head -c 400 "$work/out")"
  grep -qE -- "$pattern" "$work/out" || fail "$program_name $* did not print /$pattern/: $(head -c 400 "$work/out")"
}

finish() {
  if [ "$failures" -gt 0 ]; then
    echo "$1: $failures failure(s)"
    exit 1
  fi
  echo "$1: all checks passed"
}
