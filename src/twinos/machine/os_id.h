// SPDX-License-Identifier: MIT
// OsId: which of the two operating systems of the twin machine is meant.
// Part of the simulated machine; OS code and labs never edit this.
//
// TwinOS runs exactly two kernels on one PC. The one that boots first is the
// *preceding OS*; it loads the second, the *co-existing OS*. Every resource of
// the machine -- a memory partition, a port range, an IRQ line, the CPU at a
// given moment -- belongs to one of them, and this enum is how the machine
// layer says which.
//
// Paper: §2.1. Chapter: chapters/02-twinos.rst.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace twinos::machine {

/// One of the two operating systems that share the machine.
enum class OsId : std::uint8_t {
    Preceding = 0,   ///< Boots first, owns the high half of memory and the real NIC.
    Coexisting = 1,  ///< Boots second, owns the low half; the OS being monitored.
};

/// Both OSes in boot order, for loops that visit each one.
inline constexpr std::array<OsId, 2> kBothOses = {OsId::Preceding, OsId::Coexisting};

/// Index of an OS into two-element per-OS tables.
constexpr std::size_t index_of(OsId os) { return static_cast<std::size_t>(os); }

/// The other OS of the pair.
constexpr OsId other(OsId os) { return os == OsId::Preceding ? OsId::Coexisting : OsId::Preceding; }

/// The lower-case name used in traces, summaries and error messages.
constexpr std::string_view to_string(OsId os) {
    return os == OsId::Preceding ? "preceding" : "coexisting";
}

}  // namespace twinos::machine
