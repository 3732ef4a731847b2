// SPDX-License-Identifier: MIT
// Machine: building the hardware from a validated configuration, and booting.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/machine.h"

#include "twinos/machine/config_error.h"
#include "twinos/machine/nic_3c905.h"
#include "twinos/machine/uart.h"

namespace twinos::machine {

namespace {

// Validate before any member that allocates is built: a bad configuration
// must not even reserve memory.
const MachineConfig& validated(const MachineConfig& config) {
    validate(config);
    return config;
}

}  // namespace

std::unique_ptr<Device> make_device(const DeviceContext& context) {
    if (context.config.kind == "uart16550") return std::make_unique<Uart>(context);
    if (context.config.kind == "3c905") return std::make_unique<Nic3c905>(context, context.link);
    throw ConfigError(
        "devices." + context.config.name + ".kind",
        "unknown device kind '" + context.config.kind + "' (known: uart16550, 3c905)");
}

Machine::Machine(MachineConfig config, DeviceFactory extra_devices)
    : config_(validated(config)),
      memory_(config_.memory_bytes),
      ports_(clock_, trace_),
      cpu_(clock_, trace_, config_.costs),
      irqs_(clock_, cpu_, trace_),
      time_sharing_(clock_, cpu_, config_.quantum),
      os_timer_(clock_, cpu_, time_sharing_),
      link_(clock_, trace_, config_.link_bits_per_second) {
    // The trace stamps an instruction's lines with the CPU's time (chapter 2).
    trace_.set_cpu_clock([this] { return cpu_.free_at(); });
    // [twinos:attach-devices]
    // Each device is given to the OS named at boot: its ports on the bus and
    // its IRQ line on the controller both record that owner.
    for (const DeviceAssignment& d : config_.devices) {
        const DeviceContext context{clock_, irqs_, memory_, trace_, link_, d};
        std::unique_ptr<Device> device = extra_devices ? extra_devices(context) : nullptr;
        devices_.push_back(device ? std::move(device) : make_device(context));
        ports_.attach(d.name, d.ports, d.owner, *devices_.back());
        if (d.irq) irqs_.assign(*d.irq, d.owner, d.name);
    }
    // An offered device gives the other OS a virtual line of the same number.
    for (const DeviceOffer& offer : config_.offers) {
        for (const DeviceAssignment& d : config_.devices) {
            if (d.name == offer.device) irqs_.assign_virtual(*d.irq, offer.to, d.name);
        }
    }
    // [/twinos:attach-devices]
}

const Partition& Machine::partition(OsId os) const {
    return os == OsId::Preceding ? config_.preceding : config_.coexisting;
}

Device* Machine::device(const std::string& name) {
    for (auto& d : devices_) {
        if (d->name() == name) return d.get();
    }
    return nullptr;
}

// The one place above the device models that knows their concrete types,
// so that the layers above ask the machine, never cast a device.
const NicCounters* Machine::nic_counters(const std::string& name) const {
    for (const auto& d : devices_) {
        if (d->name() == name) {
            if (const auto* nic = dynamic_cast<const Nic3c905*>(d.get())) return &nic->counters();
        }
    }
    return nullptr;
}

const std::vector<std::string>* Machine::console_lines(const std::string& name) const {
    for (const auto& d : devices_) {
        if (d->name() == name) {
            if (const auto* uart = dynamic_cast<const Uart*>(d.get())) return &uart->lines();
        }
    }
    return nullptr;
}

// [twinos:boot-order]
void Machine::boot(std::function<void()> preceding_boot, std::function<void()> coexisting_boot) {
    // The preceding OS boots first, alone on the machine (the CPU starts in it).
    clock_.schedule(ScheduleKey{}, Ticks{0}, "boot:preceding",
                    [this, preceding_boot = std::move(preceding_boot),
                     coexisting_boot = std::move(coexisting_boot)]() mutable {
                        preceding_boot();
                        // When it is done it hands the CPU to the co-existing
                        // OS, which boots in its own partition.
                        cpu_.switch_to(OsId::Coexisting, SwitchReason::Boot);
                        clock_.schedule(
                            ScheduleKey{}, cpu_.free_at(), "boot:coexisting",
                            [this, coexisting_boot = std::move(coexisting_boot)] {
                                coexisting_boot();
                                // From here on the timer shares the CPU.
                                time_sharing_.start(cpu_.free_at() + time_sharing_.quantum());
                            });
                    });
}
// [/twinos:boot-order]

void Machine::run_until(Ticks end) {
    while (clock_.fire_next_until(end)) {
    }
    clock_.advance_to(end);
}

bool Machine::run_until(Ticks end, const std::function<bool()>& done) {
    while (!done() && clock_.fire_next_until(end)) {
    }
    if (done()) return true;
    clock_.advance_to(end);
    return false;
}

HaltSummary Machine::halt() const {
    HaltSummary s;
    s.cpu = cpu_.stats(clock_.now());
    for (OsId os : kBothOses) {
        s.io[index_of(os)] = ports_.counters(os);
        s.irq[index_of(os)] = irqs_.counters(os);
    }
    s.timer_ticks = time_sharing_.ticks();
    s.events = clock_.fired();
    return s;
}

}  // namespace twinos::machine
