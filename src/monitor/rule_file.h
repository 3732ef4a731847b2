// SPDX-License-Identifier: MIT
// Rule files: what the user writes to say which packets to log, and how much.
// Part of the monitor AP (preceding OS user space).
//
// Paper §3.3 step (2): "the user describes in a file, per protocol or data,
// whether to acquire"; the AP builds the rules and hands them down. Our
// format, one statement per line, `#` starts a comment:
//
//   twinos-rules 1                          the version line, first
//   rule web  filter "tcp port 80"  slice 0 96
//   rule dns  filter "udp port 53"  slice 0 512
//   default slice 0 54                      everything else (optional, last)
//
// A rule has a name (unique), a tcpdump filter expression compiled with
// libpcap for Ethernet, and a slice (offset, size) -- or `slice SIZE` for
// offset 0. Rules are tried in file order; `default` is a last rule with no
// filter. Every mistake is reported as `file:line:col: message`, and nothing
// is applied.
//
// Chapter: chapters/06-monitor-ap.rst.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "capture/copy_rule.h"

namespace monitor {

/// A mistake in a rule file, located.
class RuleFileError : public std::runtime_error {
public:
    /// `file:line:col: message`.
    RuleFileError(const std::string& file, int line, int column, const std::string& message)
        : std::runtime_error(file + ":" + std::to_string(line) + ":" + std::to_string(column) +
                             ": " + message) {}
};

/// Rules as the monitor AP holds them: the table for the kernel and the
/// names the user gave (for logs and statistics).
struct RuleSet {
    capture::RuleTable table;        ///< For the set-rules system call.
    std::vector<std::string> names;  ///< Name of rule i (its id is i + 1).
};

/// Parse rule-file text; `file` names it in errors. @throws RuleFileError
RuleSet parse_rule_file(const std::string& text, const std::string& file);

/// Read and parse the rule file at `path`. @throws RuleFileError (also for
/// an unreadable file, at line 0)
RuleSet read_rule_file(const std::string& path);

/// The rules of a command line: one rule, `filter` (a tcpdump expression,
/// empty for every packet), slice (offset, size). @throws RuleFileError
/// naming `<command line>` and the column in the expression.
RuleSet command_line_rules(const std::string& filter, std::uint32_t offset, std::uint32_t size);

/// The most terms (`a or b` is two) a filter may combine: libpcap's compile
/// time grows steeply beyond (400 terms take about a second, 1 600 minutes).
inline constexpr std::size_t kMaxFilterTerms = 256;
/// The longest filter expression compiled, in bytes.
inline constexpr std::size_t kMaxFilterBytes = 16384;

/// Compile a tcpdump expression for Ethernet with libpcap, and check the
/// program with the kernel's rules (capture::bpf::validate).
/// @throws std::invalid_argument with libpcap's message, the bound exceeded,
/// or the kernel rule the program breaks (with the instruction's index).
capture::bpf::Program compile_expression(const std::string& expression);

}  // namespace monitor
