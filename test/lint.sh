#!/usr/bin/env bash
# test/lint.sh — `make lint`: gofmt, go vet and staticcheck (pinned; fetched
# by `go run` into the module cache, not a dependency of the project).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2
unformatted="$(gofmt -l cmd client tools schemas test examples)"
if [ -n "$unformatted" ]; then
  echo "gofmt: these files need gofmt -w:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
go run "$STATICCHECK" ./...
echo "lint: gofmt, go vet and staticcheck found nothing"
