#!/usr/bin/env bash
# Fails when a log of a test run holds a secret. `.ci/run` runs the suite with LEADLIGHT_TEST_LOG_DIR=DIR, which
# keeps every server and worker process's stderr there (and what each printed at start, `*.stdout`), and what the
# in-process servers log, all at debug level with a line per request (Tests/…/Support/TestLogs.swift); then
# this looks through all of it for the API keys, webhook secrets and signatures, session cookies, passwords and
# tokens the tests used.
#   scripts/secrets-in-logs.sh DIR
set -euo pipefail
dir="${1:?usage: scripts/secrets-in-logs.sh DIR}"
shopt -s nullglob
logs=("$dir"/*.log)
[ ${#logs[@]} -gt 0 ] || { echo "no logs in $dir: was the suite run with LEADLIGHT_TEST_LOG_DIR=$dir?"; exit 1; }
found=0

check() { # PATTERN WHAT
    if grep -EHno -m 3 -e "$1" "${logs[@]}" | cut -c1-200; then
        echo "^ $2 in the logs"
        found=1
    fi
}
check 'alk_live_[0-9A-Za-z]{20,}' "an API key"
check 'whsec_[A-Za-z0-9+/=]{20,}' "a webhook signing secret"
check 'v1,[A-Za-z0-9+/=]{40,}' "a webhook signature"
check 'leadlight_session=[^;" ]{16,}' "a dashboard session cookie"
check 'correct horse battery' "the test suite's password"
check 'pm-[0-9A-F]{8}-[0-9A-F]{4}' "a Postmark token (LogTests)"
check 'pat-na1-[0-9a-f]{8}-' "a HubSpot private app's token (HubSpotImportTests)"

# the passwords and keys first runs printed, each looked for as it is
for printed in "$dir"/*.stdout; do
    while read -r secret; do
        if grep -Fl -- "$secret" "${logs[@]}"; then
            echo "^ a secret $printed shows (${secret:0:4}…) in the logs"
            found=1
        fi
    done < <(sed -n -e 's/^│ Password  *//p' -e 's/^│ API key  *//p' "$printed")
done

lines=$(cat "${logs[@]}" | wc -l)
if [ "$found" = 0 ]; then
    echo "${#logs[@]} logs, $lines lines: no secret in them"
else
    echo "${#logs[@]} logs, $lines lines: secrets found (above)"
fi
exit "$found"
