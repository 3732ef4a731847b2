// SPDX-License-Identifier: MIT
// TwinOs: handing each kernel its share of the machine, and the boot views.
#include "twinos/twin_os.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace twinos::os {

using namespace twinos::machine;

TwinOs::TwinOs(MachineConfig config, DeviceFactory extra_devices)
    : TwinOs(std::move(config), TwinOsOptions{std::move(extra_devices), {}, {}}) {}

TwinOs::TwinOs(MachineConfig config, TwinOsOptions options)
    : options_(std::move(options)), machine_(std::move(config), options_.extra_devices) {
    // [twinos:kernel-context]
    // Each kernel gets its own partition, a port view bound to its own
    // identity and the devices named for it -- nothing of the other OS.
    const MachineConfig& built = machine_.config();
    if (!built.offers.empty() && !options_.serve_offered_device) {
        throw std::logic_error("TwinOs: the configuration offers devices but nothing serves them");
    }
    for (OsId os : kBothOses) {
        std::vector<DeviceAssignment> mine;
        for (const DeviceAssignment& d : built.devices) {
            // An OS sees the devices it owns and the devices offered to it.
            const bool offered =
                std::any_of(built.offers.begin(), built.offers.end(),
                            [&](const DeviceOffer& o) { return o.device == d.name && o.to == os; });
            if (d.owner == os || offered) mine.push_back(d);
        }
        kernels_[index_of(os)] = std::make_unique<Kernel>(KernelContext{
            os, machine_.partition(os), machine_.memory(), PortIo(machine_.ports(), os),
            machine_.irqs(), machine_.cpu(), machine_.trace(), machine_.clock(),
            machine_.os_timer(), std::move(mine)});
    }
    // [/twinos:kernel-context]
}

void TwinOs::boot() {
    machine_.boot([this] { boot_kernel(OsId::Preceding); },
                  [this] { boot_kernel(OsId::Coexisting); });
}

// [twinos:kernel-probe]
void TwinOs::boot_kernel(OsId os) {
    Kernel& k = kernel(os);
    k.boot();
    if (os == OsId::Preceding) {
        k.net().set_ipv4(options_.preceding_ip);
    } else {
        k.net().set_ipv4(options_.coexisting_ip, options_.coexisting_prefix);
        k.net().set_answering(options_.coexisting_answers);
    }
    // Start a driver for each 3c905 this OS was given, as a PCI probe would --
    // unless it owns the card and offers it to the other OS: then it starts
    // what serves the offer (the pseudo NIC) instead.
    for (const DeviceAssignment& d : k.devices()) {
        if (d.kind != "3c905") continue;
        if (d.owner == os) {
            auto offer =
                std::find_if(machine_.config().offers.begin(), machine_.config().offers.end(),
                             [&](const DeviceOffer& o) { return o.device == d.name; });
            if (offer != machine_.config().offers.end()) {
                options_.serve_offered_device(k, d, offer->to);
                continue;
            }
        }
        auto driver = std::make_unique<Driver3c905x>(k, d, options_.nic_driver);
        drivers_[index_of(os)] = driver.get();
        k.adopt_driver(std::move(driver));
        drivers_[index_of(os)]->open();
    }
    if (inits_[index_of(os)]) inits_[index_of(os)](k);
}
// [/twinos:kernel-probe]

std::string TwinOs::partition_map() const {
    const MachineConfig& c = machine_.config();
    std::ostringstream out;
    char line[160];
    std::snprintf(line, sizeof line, "physical memory %s (%llu MiB)\n",
                  hex(c.memory_bytes, 8).c_str(),
                  static_cast<unsigned long long>(c.memory_bytes >> 20));
    out << line;
    // Highest address first, as memory maps are usually drawn.
    for (const Partition* p : {&c.preceding, &c.coexisting}) {
        std::snprintf(line, sizeof line, "  %s-%s  %6llu MiB  %s OS\n",
                      hex(p->base.value(), 8).c_str(), hex(p->last().value(), 8).c_str(),
                      static_cast<unsigned long long>(p->size_bytes >> 20),
                      std::string(to_string(p->owner)).c_str());
        out << line;
    }
    return out.str();
}

std::string TwinOs::device_table() const {
    std::ostringstream out;
    out << "devices\n";
    char line[160];
    for (const DeviceAssignment& d : machine_.config().devices) {
        std::snprintf(line, sizeof line, "  %-6s %-10s ports %s-%s  irq %-3s owner %s\n",
                      d.name.c_str(), d.kind.c_str(), hex(d.ports.base.value(), 4).c_str(),
                      hex(d.ports.base.value() + d.ports.count - 1, 4).c_str(),
                      d.irq ? std::to_string(*d.irq).c_str() : "-",
                      std::string(to_string(d.owner)).c_str());
        out << line;
    }
    return out.str();
}

}  // namespace twinos::os
