// SPDX-License-Identifier: MIT
// Test helpers for chapter 2: a small configurable machine and a test device.
//
// `ProbeDevice` is a device model that tests drive directly: it records the
// port I/O it receives and can raise its IRQ or run an action at a chosen
// time -- the only way (besides the machine itself) to put events on the
// clock, exactly as the machine/OS seam intends.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "twinos/machine/device.h"
#include "twinos/machine/machine.h"

namespace twinos::test {

/// A device whose behaviour the test chooses.
class ProbeDevice : public machine::Device {
public:
    using Device::Device;

    /// Raise this device's IRQ at time `at`.
    void raise_at(machine::Ticks at) {
        schedule_at(at, "raise", [this] { raise_irq(); });
    }
    /// Run `action` at time `at`.
    void at(machine::Ticks at, std::function<void()> action) {
        schedule_at(at, "action", std::move(action));
    }
    /// Call `on_word(word)` at time `at`, through a bound handler (the way
    /// the machine's own parts schedule: no std::function per event).
    void at_bound(machine::Ticks at, std::uint64_t word) {
        schedule_at(at, "bound", machine::EventHandler::to<&ProbeDevice::fire_bound>(*this, word));
    }
    /// What a bound event runs.
    std::function<void(std::uint64_t)> on_word;
    /// Raise the IRQ now (from inside an event).
    void raise_now() { raise_irq(); }

    std::uint32_t port_in(machine::Port port, machine::IoWidth) override {
        reads.push_back(port.value());
        return 0xA5A5A5A5u;
    }
    void port_out(machine::Port port, machine::IoWidth, std::uint32_t value) override {
        writes.push_back({port.value(), value});
    }

    void fire_bound(std::uint64_t word) { on_word(word); }

    std::vector<std::uint16_t> reads;
    std::vector<std::pair<std::uint16_t, std::uint32_t>> writes;
};

/// Builds `probe` devices for a Machine or TwinOs.
inline machine::DeviceFactory probe_factory() {
    return [](const machine::DeviceContext& c) -> std::unique_ptr<machine::Device> {
        if (c.config.kind == "probe") return std::make_unique<ProbeDevice>(c);
        return nullptr;
    };
}

/// The standard layout plus one probe device per OS:
/// `probe_p` (preceding, ports 0x100-0x10f, IRQ 10) and
/// `probe_c` (co-existing, ports 0x200-0x20f, IRQ 11).
inline machine::MachineConfig probe_config(std::uint64_t memory = 64ull << 20) {
    using namespace twinos::machine;
    MachineConfig c = MachineConfig::standard(memory);
    c.devices.push_back({"probe_p", "probe", OsId::Preceding, {Port{0x100}, 16}, 10});
    c.devices.push_back({"probe_c", "probe", OsId::Coexisting, {Port{0x200}, 16}, 11});
    return c;
}

/// The probe device `name` of `m`.
inline ProbeDevice& probe(machine::Machine& m, const std::string& name) {
    return *dynamic_cast<ProbeDevice*>(m.device(name));
}

}  // namespace twinos::test
