// SPDX-License-Identifier: MIT
// Command-line units: memory sizes, simulated durations and partition specs.
//
// Students type `--memory 256M`, `--quantum 10ms`, `--coexisting 0:128M`; this
// file turns those into numbers, or into an error that says which column of
// which word is wrong. Frame-size lists are comma-separated. Sizes accept K/M/G (binary, optionally
// followed by `iB`) and `0x` hex; durations accept ns, us, ms and s.
//
// Chapter: chapters/01-introduction.rst.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "twinos/machine/partition.h"
#include "twinos/machine/ticks.h"

namespace twinos::cli {

/// Parse a byte count such as `4096`, `0x1000`, `64K`, `256M`, `1GiB`.
/// @throws std::invalid_argument naming the column that is wrong.
std::uint64_t parse_size(std::string_view text);

/// Parse a simulated duration such as `10ms`, `250us`, `1s`, `3990ns`.
/// @throws std::invalid_argument naming the column that is wrong.
machine::Ticks parse_duration(std::string_view text);

/// Parse a partition as `BASE:SIZE`, e.g. `0:128M` or `128M:128M`.
/// @throws std::invalid_argument naming the column that is wrong.
machine::Partition parse_partition(std::string_view text, machine::OsId owner);

/// Parse frame sizes such as `64` or `53,128,1514` (each 46..1514 bytes),
/// for the option called `option`.
/// @throws std::invalid_argument naming the option and the column that is wrong.
std::vector<std::uint32_t> parse_frame_sizes(std::string_view option, std::string_view text);

/// Parse a link speed in bit/s such as `100M`, `1G`, `10000000` (k, M, G
/// are powers of 1000, as for network rates).
/// @throws std::invalid_argument naming the option and what is wrong.
std::uint64_t parse_bit_rate(std::string_view option, std::string_view text);

}  // namespace twinos::cli
