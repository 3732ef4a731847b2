// SPDX-License-Identifier: MIT
// Machine: the simulated PC that TwinOS runs on.
// Part of the simulated machine; OS code and labs never edit this.
//
// The machine owns every piece of hardware: the clock and its event queue,
// physical memory split into two partitions, the port bus, the interrupt
// controller, the CPU with its time-sharing timer, and the device models
// named in the configuration. The configuration is validated whole before
// anything is built, so a bad one never half-starts (it throws ConfigError
// naming the field).
//
// Interface:
//   - construction from a `MachineConfig`;
//   - `boot(preceding, coexisting)`: the paper's boot order -- the preceding
//     OS first, then it hands over to the co-existing OS, then time sharing;
//   - `run_until(t)`: fire every event up to time t; `halt()`: the summary;
//   - accessors for the parts, used by the kernels (through their narrow
//     views) and by tests.
//
// Paper: §2.1. Chapter: chapters/02-twinos.rst.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "twinos/machine/cpu.h"
#include "twinos/machine/device.h"
#include "twinos/machine/event_queue.h"
#include "twinos/machine/halt_summary.h"
#include "twinos/machine/interrupt_controller.h"
#include "twinos/machine/link.h"
#include "twinos/machine/machine_config.h"
#include "twinos/machine/os_timer.h"
#include "twinos/machine/physical_memory.h"
#include "twinos/machine/port_bus.h"
#include "twinos/machine/time_sharing.h"
#include "twinos/machine/trace.h"

namespace twinos::machine {

struct NicCounters;

/// Builds a device model for a configured device, or returns nullptr when
/// the kind is not one it knows (the built-in kinds are tried next).
using DeviceFactory = std::function<std::unique_ptr<Device>(const DeviceContext&)>;

/// The simulated PC.
class Machine {
public:
    /// Validate `config` and build the machine it describes. `extra_devices`
    /// may build device kinds the machine does not know (tests use this).
    /// @throws ConfigError naming the first bad field; nothing is built.
    explicit Machine(MachineConfig config, DeviceFactory extra_devices = {});

    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    // Machine — public interface

    /// Schedule the boot sequence: at time 0 the preceding OS runs
    /// `preceding_boot`; when it is done the CPU switches to the co-existing
    /// OS, which runs `coexisting_boot`; then time sharing starts.
    void boot(std::function<void()> preceding_boot, std::function<void()> coexisting_boot);

    /// Fire every event due at or before `end`, then set the clock to `end`.
    void run_until(Ticks end);
    /// Fire events due at or before `end` until `done` says true after one
    /// of them (the clock then stays at that event's time), else up to `end`.
    /// @return `done()` at the end.
    bool run_until(Ticks end, const std::function<bool()>& done);

    /// The halt summary as of now.
    HaltSummary halt() const;

    /// The configuration the machine was built from.
    const MachineConfig& config() const { return config_; }
    /// The partition owned by `os`.
    const Partition& partition(OsId os) const;
    /// The device named `name`, or nullptr.
    Device* device(const std::string& name);
    /// The model's own counters of the 3c905 named `name` (what the card
    /// did, as the simulator saw it), or nullptr when there is no such card.
    const NicCounters* nic_counters(const std::string& name) const;
    /// The lines written to the console (UART) named `name`, or nullptr.
    const std::vector<std::string>* console_lines(const std::string& name) const;
    /// Every device, in configuration order.
    const std::vector<std::unique_ptr<Device>>& devices() const { return devices_; }

    /// The clock and event queue.
    EventQueue& clock() { return clock_; }
    /// Physical memory.
    PhysicalMemory& memory() { return memory_; }
    /// The port bus.
    PortBus& ports() { return ports_; }
    /// The interrupt controller.
    InterruptController& irqs() { return irqs_; }
    /// The CPU.
    Cpu& cpu() { return cpu_; }
    /// The time-sharing timer.
    TimeSharing& time_sharing() { return time_sharing_; }
    /// The timer that wakes work in one OS's own time.
    OsTimer& os_timer() { return os_timer_; }
    /// The trace.
    Trace& trace() { return trace_; }
    /// The Ethernet link to the outside world.
    Link& link() { return link_; }

private:
    // Machine — state (declaration order is construction order)
    MachineConfig config_;
    Trace trace_;
    EventQueue clock_;
    PhysicalMemory memory_;
    PortBus ports_;
    Cpu cpu_;
    InterruptController irqs_;
    TimeSharing time_sharing_;
    OsTimer os_timer_;
    Link link_;
    std::vector<std::unique_ptr<Device>> devices_;
};

/// Build the device model named by `assignment.kind`.
/// @throws ConfigError when the kind is unknown.
std::unique_ptr<Device> make_device(const DeviceContext& context);

}  // namespace twinos::machine
