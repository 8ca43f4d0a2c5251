#!/usr/bin/env bash
# Runs every fuzz test (the suites named *FuzzTests: parsers, public-site forms, inbound email) for longer than `swift test`
# does, from a fresh seed each round, until the time is up: scripts/fuzz.sh [MINUTES] [ITERATIONS_PER_ROUND].
# A failure prints the seed; replay it with LEADLIGHT_FUZZ_SEED=<seed> swift test --filter FuzzTests.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
iterations=${2:-200000}
deadline=$(( $(date +%s) + minutes * 60 ))
swift build --build-tests >/dev/null
round=0
while [ "$(date +%s)" -lt "$deadline" ]; do
    seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
    round=$((round + 1))
    echo "round $round: seed $seed, $iterations inputs per parser"
    if ! LEADLIGHT_FUZZ_SEED=$seed LEADLIGHT_FUZZ_ITERATIONS=$iterations \
        swift test --skip-build --filter FuzzTests >/tmp/leadlight-fuzz.log 2>&1; then
        grep -E 'error|Issue|recorded|Fatal|trap' /tmp/leadlight-fuzz.log | head -n 40
        echo "fuzzing found a problem: seed $seed (full log: /tmp/leadlight-fuzz.log)"
        exit 1
    fi
done
echo "no problem found in $round rounds"
