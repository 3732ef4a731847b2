// SPDX-License-Identifier: MIT
// TwinOs: the whole system -- the machine with its two kernels, booted.
//
// This is what `twinos boot` runs and what later chapters extend: it builds
// the `Machine` from a configuration, gives each kernel exactly what the
// paper says it owns (its partition, its devices, its IRQ lines), and boots
// them in the paper's order. It also renders the two views a student looks
// at first: the partition map and the device ownership table.
//
// Interface: `TwinOs(config)`, `boot()`, `run_until(t)`, `kernel(os)`,
// `machine()`, `partition_map()`, `device_table()`.
//
// Paper: §2.1. Chapter: chapters/02-twinos.rst.
#pragma once

#include <memory>
#include <string>

#include "twinos/machine/machine.h"
#include "twinos/os/kernel.h"

namespace twinos::os {

/// The twin machine with both kernels on it.
class TwinOs {
public:
    /// Build the machine from `config` (validated first) and both kernels.
    /// @throws twinos::machine::ConfigError naming the first bad field.
    explicit TwinOs(twinos::machine::MachineConfig config,
                    twinos::machine::DeviceFactory extra_devices = {});

    // TwinOs — public interface

    /// Schedule the boot of both kernels (preceding first).
    void boot();
    /// Run the machine until simulated time `end`.
    void run_until(twinos::machine::Ticks end) { machine_.run_until(end); }

    /// The machine.
    twinos::machine::Machine& machine() { return machine_; }
    /// The kernel of `os`.
    Kernel& kernel(twinos::machine::OsId os) { return *kernels_[twinos::machine::index_of(os)]; }

    /// The partition map, one line per region, highest address first.
    std::string partition_map() const;
    /// Which OS owns which device, ports and IRQ line.
    std::string device_table() const;

private:
    // TwinOs — state
    twinos::machine::Machine machine_;
    std::unique_ptr<Kernel> kernels_[2];
};

}  // namespace twinos::os
