// SPDX-License-Identifier: MIT
// MachineConfig: the standard layout and the validation rules.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/machine_config.h"

#include <algorithm>
#include <string>

#include "twinos/machine/config_error.h"
#include "twinos/machine/trace.h"

namespace twinos::machine {

namespace {

std::string partition_field(OsId os) { return "partitions." + std::string(to_string(os)); }

// A partition must be non-empty, page aligned and inside physical memory.
void check_partition(const Partition& p, OsId expected_owner, std::uint64_t memory_bytes) {
    const std::string field = partition_field(expected_owner);
    if (p.owner != expected_owner) {
        throw ConfigError(field + ".owner", "must be " + std::string(to_string(expected_owner)));
    }
    if (p.size_bytes == 0) throw ConfigError(field + ".size", "partition is empty");
    if (!p.base.page_aligned()) {
        throw ConfigError(field + ".base", hex(p.base.value(), 8) + " is not 4 KiB aligned");
    }
    if (p.size_bytes % kPageSize != 0) {
        throw ConfigError(field + ".size",
                          std::to_string(p.size_bytes) + " is not a multiple of 4 KiB");
    }
    if (p.base.value() >= memory_bytes || p.size_bytes > memory_bytes - p.base.value()) {
        throw ConfigError(field + ".size",
                          "partition " + hex(p.base.value(), 8) + "+" + hex(p.size_bytes, 8) +
                              " runs past the end of memory (" + hex(memory_bytes, 8) + ")");
    }
}

}  // namespace

MachineConfig MachineConfig::standard(std::uint64_t memory_bytes) {
    MachineConfig config;
    config.memory_bytes = memory_bytes;
    // [twinos:partition-split]
    // Paper §2.1: the OS that boots first (preceding) takes the high half,
    // the OS it loads (co-existing) the low half. Round the split down to a
    // page so both halves stay page aligned.
    const std::uint64_t low_half = (memory_bytes / 2) / kPageSize * kPageSize;
    config.coexisting = Partition{OsId::Coexisting, PhysAddr{0}, low_half};
    config.preceding = Partition{OsId::Preceding, PhysAddr{low_half}, memory_bytes - low_half};
    // [/twinos:partition-split]
    // Each OS gets its own console, at the PC's usual COM1 and COM2 ports.
    config.devices.push_back({"com1", "uart16550", OsId::Preceding, {Port{0x3f8}, 8}, 4});
    config.devices.push_back({"com2", "uart16550", OsId::Coexisting, {Port{0x2f8}, 8}, 3});
    return config;
}

MachineConfig MachineConfig::original(std::uint64_t memory_bytes) {
    MachineConfig config = standard(memory_bytes);
    config.devices.push_back(standard_nic(OsId::Coexisting));
    return config;
}

MachineConfig MachineConfig::shared_nic(std::uint64_t memory_bytes) {
    MachineConfig config = standard(memory_bytes);
    config.devices.push_back(standard_nic(OsId::Preceding));
    config.offers.push_back({"nic0", OsId::Coexisting});
    return config;
}

DeviceAssignment standard_nic(OsId owner) {
    // A PCI card's I/O BAR; 0x40 ports is the Boomerang's register block.
    return {"nic0", "3c905", owner, {Port{0xe000}, 0x40}, 11};
}

// [twinos:config-validate]
void validate(const MachineConfig& config) {
    if (config.memory_bytes == 0 || config.memory_bytes % kPageSize != 0) {
        throw ConfigError("memory", std::to_string(config.memory_bytes) +
                                        " bytes is not a positive multiple of 4 KiB");
    }
    check_partition(config.coexisting, OsId::Coexisting, config.memory_bytes);
    check_partition(config.preceding, OsId::Preceding, config.memory_bytes);
    // The two partitions must not share a byte, and the paper's order holds:
    // the co-existing OS is below the preceding OS.
    const Partition& low = config.coexisting;
    const Partition& high = config.preceding;
    if (low.contains(high.base) || high.contains(low.base)) {
        throw ConfigError("partitions.preceding.base",
                          "partitions overlap: coexisting " + hex(low.base.value(), 8) + "+" +
                              hex(low.size_bytes, 8) + ", preceding " + hex(high.base.value(), 8) +
                              "+" + hex(high.size_bytes, 8));
    }
    if (high.base < low.base) {
        throw ConfigError("partitions.preceding.base",
                          "the preceding OS must own the high partition (paper §2.1)");
    }
    if (config.quantum <= Ticks{0}) throw ConfigError("quantum", "must be positive");
    if (const std::string bad = first_negative_cost(config.costs); !bad.empty())
        throw ConfigError("costs." + bad, "must not be negative");
    if (config.link_bits_per_second == 0)
        throw ConfigError("link_bits_per_second", "must be positive");

    for (std::size_t i = 0; i < config.devices.size(); ++i) {
        const DeviceAssignment& d = config.devices[i];
        const std::string field = "devices[" + std::to_string(i) + "]";
        if (d.name.empty()) throw ConfigError(field + ".name", "is empty");
        if (d.ports.count == 0) throw ConfigError(field + ".ports", "port range is empty");
        if (std::uint32_t{d.ports.base.value()} + d.ports.count > 0x10000) {
            throw ConfigError(field + ".ports", "runs past port 0xffff");
        }
        if (d.irq && (*d.irq < 0 || *d.irq > kMaxIrq)) {
            throw ConfigError(field + ".irq",
                              std::to_string(*d.irq) + " is not in 0.." + std::to_string(kMaxIrq));
        }
        for (std::size_t j = 0; j < i; ++j) {
            const DeviceAssignment& e = config.devices[j];
            if (e.name == d.name) {
                throw ConfigError(field + ".name",
                                  "'" + d.name + "' is already devices[" + std::to_string(j) + "]");
            }
            if (e.ports.overlaps(d.ports)) {
                throw ConfigError(field + ".ports",
                                  "ports of '" + d.name + "' overlap those of '" + e.name + "'");
            }
            if (e.irq && d.irq && *e.irq == *d.irq) {
                throw ConfigError(field + ".irq", "IRQ " + std::to_string(*d.irq) +
                                                      " is already owned by '" + e.name + "' (" +
                                                      std::string(to_string(e.owner)) + ")");
            }
        }
    }
    for (std::size_t i = 0; i < config.offers.size(); ++i) {
        const DeviceOffer& offer = config.offers[i];
        const std::string field = "offers[" + std::to_string(i) + "]";
        auto it = std::find_if(config.devices.begin(), config.devices.end(),
                               [&](const DeviceAssignment& d) { return d.name == offer.device; });
        if (it == config.devices.end()) {
            throw ConfigError(field + ".device", "no device named '" + offer.device + "'");
        }
        if (it->owner == offer.to) {
            throw ConfigError(field + ".to", "'" + offer.device + "' already belongs to the " +
                                                 std::string(to_string(offer.to)) + " OS");
        }
        if (!it->irq) throw ConfigError(field + ".device", "'" + offer.device + "' has no IRQ");
        for (std::size_t j = 0; j < i; ++j) {
            if (config.offers[j].device == offer.device) {
                throw ConfigError(field + ".device", "'" + offer.device + "' is offered twice");
            }
        }
    }
}
// [/twinos:config-validate]

}  // namespace twinos::machine
