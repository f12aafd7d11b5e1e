#!/usr/bin/env bash
# The conformance suite (`npm run conformance`; part of `npm test`): Istio's and Kubernetes' own code judge what
# the library synthesizes. Writes the fixtures, then runs `go test` in every Go module under test/conformance/
# (one per supported Istio release, plus the small shared modules), and ends with the summary lines.
#
# Go modules come from the Go module proxy into the module cache at the first run (nothing is vendored or
# committed); later runs reuse the module and build caches.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v go >/dev/null 2>&1 || { echo "conformance: Go is required (the project's machines have it; see docs/conformance.md)" >&2; exit 1; }

out=.tmp/conformance
log=$(mktemp)
trap 'rm -f "$log"' EXIT

start=$(date +%s)
npx tsx test/conformance/fixtures.ts "$out"

status=0
for mod in test/conformance/*/go.mod; do
  dir=$(dirname "$mod")
  echo "== go test $dir"
  # A module that builds kube-apiserver stamps its version as Kubernetes' release builds do (/version).
  ldflags=""
  kube=$(cd "$dir" && go list -m -f '{{.Version}}' k8s.io/kubernetes 2>/dev/null || true)
  [ -n "$kube" ] && ldflags="-X k8s.io/component-base/version.gitVersion=$kube"
  # istio's packages log through their own logger at info level; keep the test's own lines.
  if ! (cd "$dir" && CONFORMANCE_FIXTURES="$PWD/../../../$out" go test -count=1 -v -timeout 40m -ldflags="$ldflags" ./... 2>&1) \
      | grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z[[:space:]]+(info|warn|debug)[[:space:]]' \
      | grep -Ev '^=== (RUN|PAUSE|CONT)' | tee -a "$log"; then
    status=1
  fi
  # `go test` fails through the pipe only by its output; read its verdict from the log.
  if grep -qE '^(FAIL|--- FAIL)' "$log"; then status=1; fi
done

echo
echo "== conformance summary ($(( $(date +%s) - start )) s)"
grep -E '^(conformance|analyzer parity) ' "$log" || true
passed=$(grep -cE '^--- PASS' "$log" || true)
failed=$(grep -cE '^--- FAIL' "$log" || true)
echo "conformance: ${passed} passed, ${failed} failed"
exit "$status"
