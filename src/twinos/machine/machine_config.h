// SPDX-License-Identifier: MIT
// MachineConfig: everything that is fixed when the twin machine is switched on.
// Part of the simulated machine; OS code and labs never edit this.
//
// What the paper fixes at boot is here: how much memory there is and how it
// is split (§2.1: preceding OS high, co-existing OS low), which devices exist
// and which OS each was given at boot (ports and IRQ line), and the
// time-sharing quantum. `validate()` checks the whole configuration and
// throws a `ConfigError` naming the first bad field; the `Machine` calls it
// before building anything, so nothing starts from a bad configuration.
//
// Interface:
//   - `MachineConfig::standard(memory)`: memory split in half, two consoles;
//   - `validate(config)`: the checks listed in chapter 2, in a fixed order.
//
// Chapter: chapters/02-twinos.rst.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "twinos/machine/addresses.h"
#include "twinos/machine/cost_model.h"
#include "twinos/machine/os_id.h"
#include "twinos/machine/partition.h"
#include "twinos/machine/ticks.h"

namespace twinos::machine {

/// A contiguous run of I/O ports: [base, base + count).
struct PortRange {
    Port base;                ///< First port.
    std::uint32_t count = 0;  ///< Number of ports; never 0 for a device.

    /// True when every byte of a `width_bytes`-wide access at `port` is inside.
    /// One comparison (the port bus asks on every access, chapter 7): a port
    /// below `base` wraps, in 32 bits, far out of range, and adding the width
    /// in 64 bits cannot wrap it back. An empty range covers nothing.
    bool covers(Port port, std::uint32_t width_bytes = 1) const {
        const std::uint32_t offset = std::uint32_t{port.value()} - base.value();
        return std::uint64_t{offset} + width_bytes <= count;
    }
    /// True when the two ranges share at least one port.
    bool overlaps(const PortRange& other) const {
        std::uint32_t a0 = base.value(), b0 = other.base.value();
        return a0 < b0 + other.count && b0 < a0 + count;
    }
};

/// One device present at boot and the OS it was given to.
struct DeviceAssignment {
    std::string name;              ///< Unique name, e.g. `com1`, `nic0`.
    std::string kind;              ///< The device model, e.g. `uart16550`.
    OsId owner = OsId::Preceding;  ///< The OS that owns it (paper: named at its boot).
    PortRange ports;               ///< Its register block on the port bus.
    std::optional<int> irq;        ///< Its interrupt line, if it has one.
};

/// A device one OS owns that TwinOS offers to the other OS too (paper §2.1:
/// "the pseudo NIC offers the preceding OS's NIC to the co-existing OS").
/// The other OS sees the device in its boot list; its port I/O to it is
/// trapped, and it gets a virtual interrupt line of the same number.
struct DeviceOffer {
    std::string device;          ///< Name of the offered device.
    OsId to = OsId::Coexisting;  ///< The OS it is offered to (not its owner).
};

/// The whole machine as it is switched on.
struct MachineConfig {
    std::uint64_t memory_bytes = 256ull << 20;  ///< Physical memory (default 256 MiB).
    Partition coexisting;                       ///< The low partition.
    Partition preceding;                        ///< The high partition.
    Ticks quantum = Ticks{10'000'000};          ///< Time-sharing quantum.
    std::vector<DeviceAssignment> devices;      ///< Devices and owners.
    std::vector<DeviceOffer> offers;            ///< Devices offered to the other OS.
    CostModel costs;                            ///< What work costs (default: the paper's).
    /// The wire's speed. The paper's link ran at 100 Mbit/s; chapter 7's load
    /// experiment raises it to offer more than the monitor can take.
    std::uint64_t link_bits_per_second = 100'000'000;

    /// The paper's layout: memory split into two equal halves (co-existing
    /// OS low, preceding OS high) and one console UART per OS.
    static MachineConfig standard(std::uint64_t memory_bytes = 256ull << 20);

    /// The "original" configuration of the paper's Table 1: the standard
    /// layout plus the 3c905 owned directly by the co-existing OS.
    static MachineConfig original(std::uint64_t memory_bytes = 256ull << 20);

    /// The paper's monitored configuration: the preceding OS owns the 3c905
    /// and offers it to the co-existing OS through the pseudo NIC.
    static MachineConfig shared_nic(std::uint64_t memory_bytes = 256ull << 20);
};

/// The machine's 3c905-TX, `nic0`, given to `owner`: ports 0xe000-0xe03f, IRQ 11.
DeviceAssignment standard_nic(OsId owner);

/// The highest IRQ line number the interrupt controller has (two 8259s: 0..15).
inline constexpr int kMaxIrq = 15;

/// Check every rule of a machine configuration.
/// @throws ConfigError naming the first field that breaks a rule.
void validate(const MachineConfig& config);

}  // namespace twinos::machine
