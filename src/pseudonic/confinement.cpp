// SPDX-License-Identifier: MIT
// Confinement: the one range check every descriptor field goes through.
// Part of the pseudo NIC (preceding OS).
#include "pseudonic/confinement.h"

namespace pseudonic {

using twinos::machine::PhysAddr;

const char* to_string(SecurityCause cause) {
    switch (cause) {
        case SecurityCause::IntoPrecedingOs: return "into the preceding OS";
        case SecurityCause::PastEndOfMemory: return "past the end of memory";
        case SecurityCause::StraddlesBoundary: return "straddles the partition boundary";
        case SecurityCause::AddressWraps: return "address wraps around";
        case SecurityCause::Misaligned: return "misaligned descriptor";
        case SecurityCause::ChainLoops: return "descriptor chain loops";
        case SecurityCause::ChainTooLong: return "descriptor chain too long";
        case SecurityCause::FrameTooLong: return "frame to send too long";
    }
    return "?";
}

#ifdef TWINOS_FUZZ
bool fuzz_selftest_weaken_confinement = false;
#endif

// [pseudonic:confinement-check]
std::optional<SecurityCause> Confinement::check(std::uint32_t address, std::uint32_t length) const {
#ifdef TWINOS_FUZZ
    // Only in the fuzz build: its self-test switches the check off to prove
    // the hostile-driver fuzzer notices (tests/fuzz/fuzz_pseudo_nic.cpp).
    if (fuzz_selftest_weaken_confinement) return std::nullopt;
#endif
    // Descriptor addresses are 32-bit bus addresses: a range whose end does
    // not fit in 32 bits wraps around to low memory on the bus.
    const std::uint64_t end = std::uint64_t{address} + length;
    if (end > (std::uint64_t{1} << 32)) return SecurityCause::AddressWraps;
    const PhysAddr start{address};
    if (allowed_.contains(start)) {
        if (!allowed_.contains_range(start, length)) return SecurityCause::StraddlesBoundary;
        return std::nullopt;
    }
    if (address >= memory_bytes_ || end > memory_bytes_) return SecurityCause::PastEndOfMemory;
    return SecurityCause::IntoPrecedingOs;
}
// [/pseudonic:confinement-check]

void SecurityLog::record(SecurityEvent event) {
    ++counts_[static_cast<std::size_t>(event.cause)];
    ++total_;
    if (events_.size() < 256) events_.push_back(std::move(event));
}

}  // namespace pseudonic
