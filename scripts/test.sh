#!/usr/bin/env bash
# The test command of the README: installs what is missing, then lints, typechecks, builds and tests every
# package, and ends with one line 'N passed, N failed' summed over all vitest runs.
# Browser tests need Chromium (apt-get install -y chromium) and video tests need ffmpeg; .ci/run installs both.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh

rm -rf packages/*/test-results apps/*/test-results tooling/*/test-results
status=0
pnpm exec biome ci . || status=1
# Two tasks at a time: the machines have 2 cores, and browser and ONNX tests are CPU-bound.
pnpm exec turbo run lint typecheck build test --concurrency=2 --continue || status=1

node scripts/test-summary.mjs || status=1
exit "$status"
