#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install every Debian package TwinOS Monitor needs to build, test and
# document itself. Idempotent: packages already present are skipped, and
# apt-get runs only when something is missing.
set -euo pipefail

packages=(
    # build and test
    cmake g++ make pkg-config libgtest-dev libgmock-dev libbenchmark-dev
    # libraries the tool links
    libpcap-dev libcli11-dev nlohmann-json3-dev
    # docs: Doxygen XML -> Breathe -> Sphinx, and the diagrams
    doxygen python3-sphinx python3-breathe furo graphviz
    # the fuzz preset: clang with libFuzzer and the sanitizers' runtime
    clang libclang-rt-14-dev
    # the site read in a headless browser (scripts/check_site_layout.py)
    chromium-headless-shell fonts-dejavu-core
    # helpers the scripts and tests use
    python3 python3-matplotlib tcpdump tshark clang-format
    # the side-by-side bench (scripts/bench.py): editcap and GNU time;
    # instruction counts (scripts/instruction_budget.py): valgrind
    wireshark-common time valgrind
    # real captures from Linux stacks in network namespaces
    # (scripts/make_real_captures.sh, the live-wire tests)
    iproute2 iputils-ping ethtool
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
