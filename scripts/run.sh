#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job on a fresh machine: install what is missing, build, and run the
# twin machine on its built-in scenario. Extra arguments go to `twinos boot`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target twinos
exec ./build/default/twinos boot "$@"
