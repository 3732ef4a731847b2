// SPDX-License-Identifier: MIT
// Confinement: every address the co-existing OS hands to the NIC stays in its partition.
// Part of the pseudo NIC (preceding OS).
//
// The card DMAs wherever a descriptor says. Left alone, the co-existing OS
// could point a descriptor at the preceding OS's memory and have the card
// write there -- where the monitor's log lives -- or read it out onto the
// wire. The pseudo NIC therefore checks every address and length it takes
// from the co-existing OS (list pointers, next pointers, fragment addresses
// and lengths) before any of it reaches the real card, and refuses what
// does not lie wholly inside the co-existing OS's partition. This is the job
// an IOMMU does in hardware; here it is software in the path every
// descriptor already takes.
//
// Interface:
//   - `Confinement::check(address, length)`: nothing, or why not;
//   - `SecurityLog`: every refusal, counted by cause, with its details.
//
// Paper: §2.3.1 (the pseudo NIC holds the management structures).
// Chapter: chapters/04-pseudo-nic.rst.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "twinos/machine/partition.h"
#include "twinos/machine/ticks.h"

namespace pseudonic {

/// Why the pseudo NIC refused something the co-existing OS handed over.
enum class SecurityCause : std::uint8_t {
    IntoPrecedingOs,    ///< The range lies in the preceding OS's memory.
    PastEndOfMemory,    ///< The range lies beyond physical memory.
    StraddlesBoundary,  ///< It starts in the partition and ends outside it.
    AddressWraps,       ///< address + length overflows the 32-bit bus address.
    Misaligned,         ///< A descriptor not on an 8-byte boundary.
    ChainLoops,         ///< A descriptor list that loops back into its middle.
    ChainTooLong,       ///< More descriptors than the pseudo NIC will shadow.
    FrameTooLong,       ///< A frame to send longer than the pseudo NIC's copy of it can hold.
};
#ifdef TWINOS_FUZZ
/// Fuzz build only: when true, Confinement::check accepts everything (the
/// fuzz self-test's deliberately weakened check).
extern bool fuzz_selftest_weaken_confinement;
#endif

/// The number of causes.
inline constexpr std::size_t kSecurityCauses = 8;

/// The name of a cause, for reports.
const char* to_string(SecurityCause cause);

/// One refusal.
struct SecurityEvent {
    twinos::machine::Ticks at;  ///< When (simulated time).
    SecurityCause cause;        ///< Why.
    std::string what;           ///< Which field: "UPD next pointer", "DPD fragment 0", ...
    std::uint32_t address = 0;  ///< The offending address.
    std::uint32_t length = 0;   ///< The length that went with it.
};

/// Checks bus addresses against the partition the co-existing OS owns.
class Confinement {
public:
    /// Allow exactly `allowed`, on a machine with `memory_bytes` of RAM.
    Confinement(const twinos::machine::Partition& allowed, std::uint64_t memory_bytes)
        : allowed_(allowed), memory_bytes_(memory_bytes) {}

    /// Check the bus range [address, address + length).
    /// @return nothing when it lies wholly inside the partition, else why not.
    std::optional<SecurityCause> check(std::uint32_t address, std::uint32_t length) const;

private:
    twinos::machine::Partition allowed_;
    std::uint64_t memory_bytes_;
};

/// Every refusal the pseudo NIC made.
class SecurityLog {
public:
    /// Record one refusal.
    void record(SecurityEvent event);
    /// Refusals with cause `cause`.
    std::uint64_t count(SecurityCause cause) const {
        return counts_[static_cast<std::size_t>(cause)];
    }
    /// All refusals.
    std::uint64_t total() const { return total_; }
    /// The first 256 refusals in full.
    const std::vector<SecurityEvent>& events() const { return events_; }

private:
    std::array<std::uint64_t, kSecurityCauses> counts_{};
    std::uint64_t total_ = 0;
    std::vector<SecurityEvent> events_;
};

}  // namespace pseudonic
