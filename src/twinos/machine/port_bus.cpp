// SPDX-License-Identifier: MIT
// PortBus: attaching devices, installing traps, and routing each access.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/port_bus.h"

#include <algorithm>

#include "twinos/machine/config_error.h"
#include "twinos/machine/event_queue.h"
#include "twinos/machine/trace.h"

namespace twinos::machine {

namespace {

const char* width_suffix(IoWidth width) {
    switch (width) {
        case IoWidth::Byte: return "8";
        case IoWidth::Word: return "16";
        case IoWidth::Dword: return "32";
    }
    return "?";
}

}  // namespace

IoFault::IoFault(OsId who, Port port, IoWidth width, const std::string& reason)
    : std::runtime_error(std::string("I/O fault: ") + std::string(to_string(who)) + " " +
                         width_suffix(width) + "-bit access to port " + hex(port.value(), 4) +
                         ": " + reason),
      who_(who),
      port_(port) {}

void PortBus::attach(const std::string& name, PortRange ports, OsId owner, PortHandler& handler) {
    for (const Attachment& a : devices_) {
        if (a.ports.overlaps(ports)) {
            throw ConfigError("devices." + name + ".ports",
                              "ports overlap those of '" + a.name + "'");
        }
    }
    devices_.push_back({name, ports, owner, &handler});
    forget_routes();
}

void PortBus::install_trap(const std::string& name, PortRange ports, OsId trapped_os,
                           PortHandler& handler) {
    for (const Attachment& a : devices_) {
        if (a.ports.overlaps(ports) && a.owner == trapped_os) {
            throw ConfigError("traps." + name, "the " + std::string(to_string(trapped_os)) +
                                                   " OS owns '" + a.name +
                                                   "'; its accesses go to the device");
        }
    }
    for (const Trap& t : traps_) {
        if (t.trapped_os == trapped_os && t.ports.overlaps(ports)) {
            throw ConfigError("traps." + name, "overlaps trap '" + t.name + "'");
        }
    }
    traps_.push_back({name, ports, trapped_os, &handler});
    forget_routes();
}

bool PortBus::remove_trap(const std::string& name) {
    auto it =
        std::find_if(traps_.begin(), traps_.end(), [&](const Trap& t) { return t.name == name; });
    if (it == traps_.end()) return false;
    traps_.erase(it);
    forget_routes();
    return true;
}

const OsId* PortBus::owner_of(Port port) const {
    for (const Attachment& a : devices_) {
        if (a.ports.covers(port)) return &a.owner;
    }
    return nullptr;
}

// [twinos:io-route]
PortBus::Route PortBus::search_route(OsId who, Port port, IoWidth width, bool is_out) {
    IoCounters& count = counters_[index_of(who)];
    LastRoute& last = last_route_[index_of(who)];  // remembered for `route`
    auto refuse = [&](const std::string& reason) -> IoFault {
        ++count.faults;
        trace_.emit(TraceFlag::Io, clock_.now(),
                    std::string(to_string(who)) + (is_out ? " out" : " in") + width_suffix(width) +
                        " " + hex(port.value(), 4) + " FAULT: " + reason);
        return IoFault(who, port, width, reason);
    };
    // 1. Which device decodes this port? Every byte of the access must be its.
    auto dev = std::find_if(devices_.begin(), devices_.end(),
                            [&](const Attachment& a) { return a.ports.covers(port); });
    if (dev == devices_.end()) throw refuse("no device decodes this port");
    if (!dev->ports.covers(port, width_bytes(width))) {
        throw refuse("access runs past the end of '" + dev->name + "'");
    }
    // 2. The owner talks to its device directly.
    if (dev->owner == who) {
        ++count.direct;
        last = {dev->ports, {dev->handler, &dev->name, false}, &count.direct};
        return last.route;
    }
    // 3. A non-owner reaches the device only through a trap installed for it.
    for (Trap& t : traps_) {
        if (t.trapped_os == who && t.ports.covers(port, width_bytes(width))) {
            ++count.trapped;
            // Remember only the ports both the trap and the device cover.
            const std::uint32_t from = std::max(t.ports.base.value(), dev->ports.base.value());
            const std::uint32_t to = std::min(t.ports.base.value() + t.ports.count,
                                              dev->ports.base.value() + dev->ports.count);
            last = {PortRange{Port{static_cast<std::uint16_t>(from)}, to - from},
                    {t.handler, &t.name, true},
                    &count.trapped};
            return last.route;
        }
    }
    // 4. Otherwise the access is refused, loudly.
    throw refuse("'" + dev->name + "' belongs to the " + std::string(to_string(dev->owner)) +
                 " OS");
}
// [/twinos:io-route]

void PortBus::trace_access(OsId who, Port port, IoWidth width, bool is_out, std::uint32_t value,
                           const Route& where) {
    trace_.emit(TraceFlag::Io, clock_.now(),
                std::string(to_string(who)) + (is_out ? " out" : " in") + width_suffix(width) +
                    " " + hex(port.value(), 4) + (is_out ? " <- " : " -> ") +
                    hex(value, 2 * width_bytes(width)) + " (" + (where.trapped ? "trap " : "") +
                    *where.name + ")");
}

std::uint32_t PortBus::in_searched(OsId who, Port port, IoWidth width) {
    // An I/O instruction, and all a device does for it, happen in CPU time.
    Trace::CpuWork instruction(trace_);
    const Route where = route(who, port, width, false);
    const std::uint32_t value = where.handler->port_in(port, width);
    if (trace_.enabled(TraceFlag::Io)) trace_access(who, port, width, false, value, where);
    return value;
}

void PortBus::out_searched(OsId who, Port port, IoWidth width, std::uint32_t value) {
    Trace::CpuWork instruction(trace_);
    const Route where = route(who, port, width, true);
    if (trace_.enabled(TraceFlag::Io)) trace_access(who, port, width, true, value, where);
    where.handler->port_out(port, width, value);
}

}  // namespace twinos::machine
