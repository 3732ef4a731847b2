// SPDX-License-Identifier: MIT
// PortBus: the x86 I/O port space, with an owning OS per device and trap handlers.
// Part of the simulated machine; OS code and labs never edit this.
//
// Every `in`/`out` instruction of either OS goes through `PortBus`, which
// decides where it lands. This routing matrix is the heart of TwinOS's
// device partitioning (paper §2.1) and of the pseudo NIC (§2.2):
//
//   issuer is the device's owner              -> the device
//   issuer is not, and a trap is installed    -> the trap handler (the pseudo NIC)
//   issuer is not, and no trap                -> IoFault (counted, never ignored)
//   no device decodes the port                -> IoFault
//
// Interface:
//   - `attach(name, ports, owner, handler)`: a device claims its ports;
//   - `install_trap(ports, os, handler, name)`: catch a non-owner's accesses;
//   - `in(os, port, width)` / `out(os, port, width, value)`;
//   - `PortIo`: an OS's view of the bus, bound to that OS so it cannot
//     pretend to be the other one.
//
// Paper: §2.1, §2.2. Chapter: chapters/02-twinos.rst.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "twinos/machine/addresses.h"
#include "twinos/machine/machine_config.h"
#include "twinos/machine/os_id.h"
#include "twinos/machine/trace.h"

namespace twinos::machine {

class EventQueue;

/// The operand size of an I/O instruction (`inb`/`inw`/`inl`).
enum class IoWidth : std::uint8_t { Byte = 1, Word = 2, Dword = 4 };

/// How many bytes an access of `width` covers.
constexpr std::uint32_t width_bytes(IoWidth width) { return static_cast<std::uint32_t>(width); }

/// Something that answers port I/O: a device model or a trap handler.
class PortHandler {
public:
    virtual ~PortHandler() = default;
    /// Answer an `in` of `width` at `port`.
    virtual std::uint32_t port_in(Port port, IoWidth width) = 0;
    /// Take an `out` of `value` (`width` wide) at `port`.
    virtual void port_out(Port port, IoWidth width, std::uint32_t value) = 0;
};

/// A port access that no device or trap accepted. The x86 analogue is a
/// general-protection fault on an I/O instruction the OS may not issue.
class IoFault : public std::runtime_error {
public:
    /// Describe a refused access by `who` at `port`.
    IoFault(OsId who, Port port, IoWidth width, const std::string& reason);
    /// The OS that issued the access.
    OsId who() const { return who_; }
    /// The port it addressed.
    Port port() const { return port_; }

private:
    OsId who_;
    Port port_;
};

/// How one OS's port I/O was routed, counted since power-on.
struct IoCounters {
    std::uint64_t direct = 0;   ///< Reached a device this OS owns.
    std::uint64_t trapped = 0;  ///< Reached a trap handler.
    std::uint64_t faults = 0;   ///< Refused with an IoFault.
};

/// The machine's I/O port space.
class PortBus {
public:
    /// A bus that stamps its trace lines with `clock`'s time.
    PortBus(const EventQueue& clock, Trace& trace) : clock_(clock), trace_(trace) {}
    // The remembered routes point into the bus's own counters.
    PortBus(const PortBus&) = delete;
    PortBus& operator=(const PortBus&) = delete;

    // PortBus — public interface

    /// Give `ports` to device `name`, owned by `owner`.
    /// @throws ConfigError when the range overlaps another device's.
    void attach(const std::string& name, PortRange ports, OsId owner, PortHandler& handler);

    /// Route accesses by `trapped_os` to `ports` (which it does not own) to `handler`.
    /// @throws ConfigError when `trapped_os` owns a device there, or another
    ///         trap for the same OS overlaps.
    void install_trap(const std::string& name, PortRange ports, OsId trapped_os,
                      PortHandler& handler);

    /// Remove the trap `name`. @return false when there was none.
    bool remove_trap(const std::string& name);

    /// Execute `in` of `width` at `port` on behalf of `who`. @throws IoFault when no device or trap
    /// accepts it.
    std::uint32_t in(OsId who, Port port, IoWidth width) {
        // Inline for the common case: the route this OS took last time,
        // tracing off. Everything else goes the long way: with any trace on,
        // the instruction's lines (its own, and what the device does for it)
        // are stamped with the CPU's time there (Trace::CpuWork).
        const LastRoute& last = last_route_[index_of(who)];
        if (last.covers(port, width) && trace_.mask() == 0) [[likely]] {
            ++*last.counted;
            return last.route.handler->port_in(port, width);
        }
        return in_searched(who, port, width);
    }
    /// Execute `out` of `value` at `port` on behalf of `who`. @throws IoFault when no device or
    /// trap accepts it.
    void out(OsId who, Port port, IoWidth width, std::uint32_t value) {
        const LastRoute& last = last_route_[index_of(who)];
        if (last.covers(port, width) && trace_.mask() == 0) [[likely]] {
            ++*last.counted;
            last.route.handler->port_out(port, width, value);
            return;
        }
        out_searched(who, port, width, value);
    }

    /// Routing counts for one OS.
    const IoCounters& counters(OsId os) const { return counters_[index_of(os)]; }

    /// The owner of the device decoding `port`, if any.
    const OsId* owner_of(Port port) const;

private:
    // PortBus — state
    struct Attachment {
        std::string name;
        PortRange ports;
        OsId owner;
        PortHandler* handler;
    };
    struct Trap {
        std::string name;
        PortRange ports;
        OsId trapped_os;
        PortHandler* handler;
    };
    // Where an access goes: the handler, and for the trace the device or
    // trap's name (pointers into devices_/traps_, so routing copies nothing).
    struct Route {
        PortHandler* handler;
        const std::string* name;
        bool trapped;
    };
    // The last route each OS took and the ports it holds for: a driver
    // talks to one device in bursts, so most accesses skip the search.
    // Forgotten whenever a device or trap comes or goes. No route is an
    // empty range, which covers nothing, and the route keeps the counter it
    // adds to, so the inline check is one comparison and the count one
    // increment (chapter 7).
    struct LastRoute {
        PortRange ports;  // count 0: no route remembered
        Route route{nullptr, nullptr, false};
        std::uint64_t* counted = nullptr;  // &counters_[os].direct or .trapped
        bool covers(Port port, IoWidth width) const {
            return ports.covers(port, width_bytes(width));
        }
    };
    // Decide where an access goes: the same device (or trap) as this OS's
    // last access gives the same answer, anything else is searched.
    Route route(OsId who, Port port, IoWidth width, bool is_out) {
        const LastRoute& last = last_route_[index_of(who)];
        if (last.covers(port, width)) {
            ++*last.counted;
            return last.route;
        }
        return search_route(who, port, width, is_out);
    }
    // `in` and `out` past the inline case: routed, traced, maybe refused.
    std::uint32_t in_searched(OsId who, Port port, IoWidth width);
    void out_searched(OsId who, Port port, IoWidth width, std::uint32_t value);
    // The four cases; throws IoFault (and counts it) if the access goes nowhere.
    Route search_route(OsId who, Port port, IoWidth width, bool is_out);
    void forget_routes() { last_route_ = {}; }
    // The trace line of one routed access.
    void trace_access(OsId who, Port port, IoWidth width, bool is_out, std::uint32_t value,
                      const Route& where);

    const EventQueue& clock_;
    Trace& trace_;
    std::vector<Attachment> devices_;
    std::vector<Trap> traps_;
    std::array<IoCounters, 2> counters_{};
    std::array<LastRoute, 2> last_route_{};
};

/// One OS's view of the port bus: every access is issued as that OS.
class PortIo {
public:
    /// Bind `bus` to `who`.
    PortIo(PortBus& bus, OsId who) : bus_(&bus), who_(who) {}
    /// `inb`. @throws IoFault when refused
    std::uint8_t in8(Port p) { return static_cast<std::uint8_t>(bus_->in(who_, p, IoWidth::Byte)); }
    /// `inw`. @throws IoFault when refused
    std::uint16_t in16(Port p) {
        return static_cast<std::uint16_t>(bus_->in(who_, p, IoWidth::Word));
    }
    /// `inl`. @throws IoFault when refused
    std::uint32_t in32(Port p) { return bus_->in(who_, p, IoWidth::Dword); }
    /// `outb`. @throws IoFault when refused
    void out8(Port p, std::uint8_t v) { bus_->out(who_, p, IoWidth::Byte, v); }
    /// `outw`. @throws IoFault when refused
    void out16(Port p, std::uint16_t v) { bus_->out(who_, p, IoWidth::Word, v); }
    /// `outl`. @throws IoFault when refused
    void out32(Port p, std::uint32_t v) { bus_->out(who_, p, IoWidth::Dword, v); }
    /// The OS this view issues I/O as.
    OsId who() const { return who_; }
    /// Port I/O instructions this OS has issued so far, however routed.
    std::uint64_t count() const {
        const IoCounters& c = bus_->counters(who_);
        return c.direct + c.trapped + c.faults;
    }

private:
    PortBus* bus_;
    OsId who_;
};

}  // namespace twinos::machine
