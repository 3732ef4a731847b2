// SPDX-License-Identifier: MIT
// The rule file that watches an intruder.
// LAB 8 STARTER -- this file stands in for src/monitor/intruder_rules.cpp
// when the build is configured with -DTWINOS_LAB=lab08.
//
// You write: the rule file that `intruder_rules()` returns, in the format of
// chapter 6 (`twinos-rules 1`, then `rule NAME filter "EXPR" slice OFFSET
// SIZE` lines and a `default slice OFFSET SIZE`).
//
// What it must do, on intruder scenarios with seeds you do not see:
//   - every frame of the implant is logged whole -- whatever protocol (UDP,
//     ICMP, TCP) and port its seed picks;
//   - every other frame is logged as headers only: its first 54 bytes;
//   - with the graded log area (64 KiB, read every 10 ms) nothing is lost.
// Try it: put the text in a file and run
//   twinos run --scenario intruder --seed 7 --rules my.rules
//       --log-area 64K --poll-interval 10ms -w lab8.pcapng
//
// Paper: §2.3.1, §3.1. Chapter: chapters/08-intruder.rst.
// Lab: labs/lab08-intruder-rules/README.rst.
#include "monitor/intruder_rules.h"

namespace monitor {

std::string_view intruder_rules() {
    // LAB 8 — your rules here.
    return R"rules(twinos-rules 1
default slice 0 1
)rules";
}

}  // namespace monitor
