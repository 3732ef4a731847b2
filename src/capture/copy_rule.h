// SPDX-License-Identifier: MIT
// Copy rules: which packets to log, and which slice of each.
// Part of the packet acquisition part (preceding OS kernel).
//
// Paper §3.2, problem 4: copying whole packets is wasteful, so the part to
// copy is fixed as (offset from the start, size), chosen by the monitor AP.
// We add the paper's future work, filtering: a rule is a classic-BPF filter
// plus a slice. Rules are tried in order and the first whose filter accepts
// the packet decides; a packet no rule accepts is not logged. The default
// table is one rule that takes every packet from offset 0, 1536 bytes -- the
// driver's whole buffer.
//
// The table crosses the system-call boundary as bytes in the monitor AP's
// memory (`serialize_rules` / `parse_rules`), little-endian:
//   u32 magic "TWRT", u32 rule count, then per rule:
//   u8 id, 3 bytes 0, u32 offset, u32 size, u32 instruction count,
//   and that many instructions of 8 bytes (u16 code, u8 jt, u8 jf, u32 k).
//
// Paper: §3.2 problem 4, §5. Chapter: chapters/05-packet-acquisition.rst.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "capture/bpf.h"

namespace capture {

/// One rule: a filter and the slice to copy from packets it accepts.
struct CopyRule {
    std::uint8_t id = 1;  ///< Written into each record it produces.
    /// Which packets: an empty program accepts every packet without running
    /// the interpreter at all (the paper's rule-less copy).
    bpf::Program filter;
    std::uint32_t offset = 0;   ///< Slice start, from the packet's first byte.
    std::uint32_t size = 1536;  ///< Slice length.
};

/// An ordered table; the first matching rule wins.
using RuleTable = std::vector<CopyRule>;

/// Our default (the paper gives none): every packet, offset 0, 1536 bytes.
RuleTable default_rules();

/// Why a table was refused: which rule, which instruction, why.
struct RuleError {
    std::size_t rule = 0;        ///< Index of the rule in the table.
    bpf::ValidationError error;  ///< The instruction and the reason.
    /// "rule 2 (id 7), instruction 5: division by constant 0".
    std::string message(const RuleTable& table) const;
};

/// True when `rule` accepts a packet: its filter returns non-zero, or it has none.
/// @return the verdict; `executed` grows by the instructions run.
/// (Inline, as clamp_slice below: the acquisition part asks once per packet.)
inline bool rule_accepts(const CopyRule& rule, std::span<const std::byte> packet,
                         std::uint32_t wire_length, std::uint64_t& executed) {
    if (rule.filter.empty()) return true;
    const bpf::RunResult verdict = bpf::run(rule.filter, packet, wire_length);
    executed += verdict.executed;
    return verdict.accept != 0;
}

/// Validate every rule's filter (an empty filter is valid). @return the first problem, if any.
std::optional<RuleError> validate_rules(const RuleTable& table);

/// The part of a `packet_length`-byte packet that `rule` copies: its slice
/// clamped to the packet (empty when the offset is past the end).
struct Slice {
    std::uint32_t offset;  ///< Where the copy starts.
    std::uint32_t length;  ///< How many bytes.
};
// [capture:clamp-slice]
inline Slice clamp_slice(const CopyRule& rule, std::uint32_t packet_length) {
    if (rule.offset >= packet_length) return {rule.offset, 0};
    return {rule.offset, std::min(rule.size, packet_length - rule.offset)};
}
// [/capture:clamp-slice]

/// The table as the bytes the set-rules system call reads.
std::vector<std::byte> serialize_rules(const RuleTable& table);
/// Parse what `serialize_rules` wrote. @return nothing when malformed.
std::optional<RuleTable> parse_rules(std::span<const std::byte> bytes);

}  // namespace capture
