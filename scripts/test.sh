#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every test on a fresh machine: install what is missing, build with warnings
# as errors, run every chapter's tests, the lab self-tests, the marker check,
# the formatting check and the docs build (ctest label `docs`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset ci
cmake --build --preset ci
ctest --preset ci
