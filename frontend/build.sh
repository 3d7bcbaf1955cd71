#!/usr/bin/env bash
# Rebuilds frontend/dist from frontend/src (needs node and npm; `go run .` does not:
# dist is committed and embedded). Usage: frontend/build.sh
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npx tsc --noEmit -p .
node build.mjs
