#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job on a fresh machine: install what is missing, build, and run the
# full dual-OS monitor on its built-in scenario (writes capture.pcap). Extra
# arguments go to `twinos run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target twinos
exec ./build/default/twinos run "$@"
