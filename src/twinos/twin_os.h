// SPDX-License-Identifier: MIT
// TwinOs: the whole system -- the machine with its two kernels, booted.
//
// This is what `twinos boot` runs and what later chapters extend: it builds
// the `Machine` from a configuration, gives each kernel exactly what the
// paper says it owns (its partition, its devices, its IRQ lines), and boots
// them in the paper's order. It also renders the two views a student looks
// at first: the partition map and the device ownership table.
//
// Interface: `TwinOs(config)`, `boot()`, `run_until(t)`, `run_in(os, t, work)`, `kernel(os)`,
// `machine()`, `partition_map()`, `device_table()`.
//
// Paper: §2.1. Chapter: chapters/02-twinos.rst.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "twinos/machine/machine.h"
#include "twinos/os/driver_3c905x.h"
#include "twinos/os/kernel.h"

namespace twinos::os {

/// Choices made when the twin machine is put together.
struct TwinOsOptions {
    /// Builds device kinds the machine does not know (tests use this).
    twinos::machine::DeviceFactory extra_devices;
    /// Options for every 3c905x driver a kernel starts at boot.
    DriverOptions nic_driver;
    /// What the owner of an offered device starts for it at boot, in place
    /// of a driver: the pseudo NIC (chapter 4). Required when the
    /// configuration offers devices.
    std::function<void(Kernel& owner, const twinos::machine::DeviceAssignment& device,
                       twinos::machine::OsId offered_to)>
        serve_offered_device;
    /// IPv4 address of the preceding OS (host byte order): 10.0.0.3.
    std::uint32_t preceding_ip = 0x0a000003;
    /// IPv4 address of the co-existing OS: 10.0.0.2.
    std::uint32_t coexisting_ip = 0x0a000002;
    /// The prefix length of the co-existing OS's subnet.
    unsigned coexisting_prefix = 24;
    /// The co-existing OS answers ARP and ICMP echo (a real wire, chapter 3).
    bool coexisting_answers = false;
};

/// The twin machine with both kernels on it.
class TwinOs {
public:
    /// Build the machine from `config` (validated first) and both kernels.
    /// @throws twinos::machine::ConfigError naming the first bad field.
    explicit TwinOs(twinos::machine::MachineConfig config, TwinOsOptions options = {});
    /// The same, with only a device factory.
    TwinOs(twinos::machine::MachineConfig config, twinos::machine::DeviceFactory extra_devices);

    // TwinOs — public interface

    /// Schedule the boot of both kernels (preceding first). Each kernel
    /// starts a driver for every 3c905 it owns and brings it up.
    void boot();
    /// Run `init` in `os` at the end of its boot, as its first program
    /// (the role of /etc/rc). @pre before `boot()`.
    void set_init(twinos::machine::OsId os, std::function<void(Kernel&)> init) {
        inits_[twinos::machine::index_of(os)] = std::move(init);
    }
    /// Run `also` in `os` after its init -- or, with `before`, ahead of it
    /// (a second program started at boot). @pre before `boot()`.
    void add_init(twinos::machine::OsId os, std::function<void(Kernel&)> also,
                  bool before = false) {
        std::function<void(Kernel&)>& init = inits_[twinos::machine::index_of(os)];
        init = [was = std::move(init), also = std::move(also), before](Kernel& k) {
            if (before) also(k);
            if (was) was(k);
            if (!before) also(k);
        };
    }
    /// The 3c905x driver of `os`, once booted, or nullptr.
    Driver3c905x* nic_driver(twinos::machine::OsId os) {
        return drivers_[twinos::machine::index_of(os)];
    }
    /// Run `work` in `os`'s own time at `at` or, when the other OS holds
    /// the CPU then, at the start of `os`'s next slice (Kernel::run_at).
    /// @throws std::logic_error when it cannot: `at` is past, or the machine
    ///         has not booted and `os` does not hold the CPU.
    void run_in(twinos::machine::OsId os, twinos::machine::Ticks at, std::string_view name,
                std::function<void()> work) {
        kernel(os).run_at(at, name, std::move(work));
    }
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
    void boot_kernel(twinos::machine::OsId os);

    TwinOsOptions options_;
    twinos::machine::Machine machine_;
    std::unique_ptr<Kernel> kernels_[2];
    Driver3c905x* drivers_[2] = {nullptr, nullptr};
    std::function<void(Kernel&)> inits_[2];
};

}  // namespace twinos::os
