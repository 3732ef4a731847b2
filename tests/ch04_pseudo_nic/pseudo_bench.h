// SPDX-License-Identifier: MIT
// Test helpers for chapter 4: the shared-NIC machine, booted, driver up behind
// the pseudo NIC; and a hostile "driver" that programs the card by hand.
#pragma once

#include <memory>

#include "../ch03_nic/driver_bench.h"
#include "pseudonic/shared_nic_system.h"

namespace twinos::test {

/// DriverBench on the machine whose NIC is shared through the pseudo NIC.
class PseudoBench : public DriverBench {
public:
    explicit PseudoBench(os::DriverOptions driver = {}, std::uint64_t memory_bytes = 32ull << 20)
        : PseudoBench(std::make_shared<pseudonic::SharedNicSystem>(
              MachineConfig::shared_nic(memory_bytes), options_with(driver))) {}

    pseudonic::PseudoNic& pseudo() { return *system_->pseudo_nic(); }

private:
    explicit PseudoBench(std::shared_ptr<pseudonic::SharedNicSystem> system)
        : DriverBench(system, system->twin()), system_(system) {}
    std::shared_ptr<pseudonic::SharedNicSystem> system_;
};

/// FNV-1a over [from, to) of physical memory, skipping [skip_from, skip_to).
inline std::uint64_t hash_memory(PhysicalMemory& mem, PhysAddr from, PhysAddr to,
                                 PhysAddr skip_from = PhysAddr{0}, PhysAddr skip_to = PhysAddr{0}) {
    std::uint64_t h = 14695981039346656037ull;
    auto hash_range = [&](PhysAddr a, PhysAddr b) {
        if (b <= a) return;
        auto bytes = mem.span(a, b.value() - a.value());
        for (std::byte x : bytes) h = (h ^ std::to_integer<std::uint8_t>(x)) * 1099511628211ull;
    };
    if (skip_to <= skip_from) {
        hash_range(from, to);
    } else {
        hash_range(from, skip_from);
        hash_range(skip_to, to);
    }
    return h;
}

}  // namespace twinos::test
