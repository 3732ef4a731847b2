#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every test on a fresh machine: install what is missing, build with warnings
# as errors, run every chapter's tests, the lab self-tests, the marker check,
# the formatting check and the docs build (ctest label `docs`), then the fuzz
# harnesses (ctest label `fuzz`, clang, ASan + UBSan).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset ci
cmake --build --preset ci
ctest --preset ci
# Every input path under libFuzzer with ASan + UBSan (ctest label fuzz): the
# capture reader, the rule files, BPF, a hostile guest against the pseudo NIC,
# and the self-test that a weakened confinement check is caught. Each harness
# runs TWINOS_FUZZ_SECONDS (60 by default) from the committed seeds.
cmake --preset fuzz
cmake --build --preset fuzz
ctest --preset fuzz
