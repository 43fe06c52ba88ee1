#!/usr/bin/env bash
# Checks the launcher's stderr contract (issue 10, "one line on stderr"): a normal run prints
# nothing on stderr (the JVM's "Using incubator modules" warning is filtered out), an error is
# exactly one line and keeps its exit code, help prints no warnings, and a signal still reaches
# java (its exit code comes back through the launcher). Run from anywhere; uses ./cvxformer.
set -uo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail=0

# expect NAME WANT_CODE WANT_STDERR_LINES COMMAND...
expect() {
  local name="$1" want_code="$2" want_lines="$3"
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local code=$?
  local lines
  lines=$(wc -l <"$tmp/err")
  if [ "$code" != "$want_code" ] || [ "$lines" != "$want_lines" ]; then
    echo "check_launcher: FAIL $name: exit $code (want $want_code), $lines stderr lines (want $want_lines):" >&2
    sed 's/^/  | /' "$tmp/err" >&2
    fail=1
  else
    echo "check_launcher: ok   $name (exit $code, $lines stderr lines)"
  fi
}

./cvxformer --version >/dev/null 2>&1 # builds the jar and the class-data archive if needed
expect "--version" 0 0 ./cvxformer --version
expect "train --help" 0 0 ./cvxformer train --help
expect "missing input" 2 1 ./cvxformer solve --x "$tmp/none.npy" --y "$tmp/none.npy" --beta 1
expect "bare command" 2 1 ./cvxformer
expect "bad prime" 2 1 ./cvxformer train --dataset periodicity --p 4 --out "$tmp/run"
if grep -q 'cvxformer: error: p = 4 is not prime: periodicity' "$tmp/err"; then
  echo "check_launcher: ok   the error line arrives unchanged"
else
  echo "check_launcher: FAIL the error line did not arrive: $(cat "$tmp/err")" >&2
  fail=1
fi
# The filter drops only the warning: with SIMD off there is nothing to drop, with it kept the
# warning is the only extra line.
expect "--version, scalar kernels" 0 0 env CVXFORMER_NO_SIMD=1 ./cvxformer --version
expect "--version, warnings kept" 0 1 env CVXFORMER_KEEP_WARNINGS=1 ./cvxformer --version

# The solver commands run without profiled loop predicates (the launcher says why); the neural
# commands keep the JVM's default.
flag() {
  env CVXFORMER_JAVA_OPTS=-XX:+PrintFlagsFinal ./cvxformer "$1" --help 2>/dev/null |
    awk '$2 == "UseProfiledLoopPredicate" { print $4 }'
}
for cmd in solve path certify bench-solvers; do
  if [ "$(flag "$cmd")" = false ]; then
    echo "check_launcher: ok   $cmd runs without profiled loop predicates"
  else
    echo "check_launcher: FAIL $cmd: UseProfiledLoopPredicate is '$(flag "$cmd")' (want false)" >&2
    fail=1
  fi
done
if [ "$(flag train)" = true ]; then
  echo "check_launcher: ok   train keeps profiled loop predicates"
else
  echo "check_launcher: FAIL train: UseProfiledLoopPredicate is '$(flag train)' (want true)" >&2
  fail=1
fi

# A signal reaches java directly (the launcher execs it): SIGTERM gives java's 143.
./cvxformer train --dataset mod-division --p 97 --model nonconvex --epochs 100000 --out "$tmp/sig" \
  --no-progress >/dev/null 2>"$tmp/sigerr" &
pid=$!
sleep 6
kill -TERM "$pid"
wait "$pid"
code=$?
if [ "$code" = 143 ]; then
  echo "check_launcher: ok   SIGTERM reaches java (exit 143)"
else
  echo "check_launcher: FAIL SIGTERM: exit $code (want 143)" >&2
  fail=1
fi
exit $fail
