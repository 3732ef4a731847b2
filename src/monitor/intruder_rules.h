// SPDX-License-Identifier: MIT
// The rule file that watches an intruder (lab 8).
// Part of the monitor AP's side: what its user gives it.
//
// The intruder scenario's co-existing OS has one known, expected exchange
// -- the Fig. 6 client (10.0.0.2, UDP port 5001) and its server (10.0.0.1,
// UDP port 7). An implant also sends, over a protocol and port its seed
// picks. A monitor with a small log area cannot keep everything whole; so
// the rules keep the expected traffic as headers only, and everything else
// -- whatever it is -- whole.
//
// Chapter: chapters/08-intruder.rst. Lab: labs/lab08-intruder-rules/README.rst.
#pragma once

#include <string_view>

namespace monitor {

/// The rule file's text (the `twinos-rules 1` format of chapter 6).
std::string_view intruder_rules();

}  // namespace monitor
