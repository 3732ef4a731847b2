// SPDX-License-Identifier: MIT
// IntruderRun: the monitored run with an implant, then the comparison.
#include "monitor/intruder_run.h"

#include <cstdio>
#include <map>
#include <memory>

#include "twinos/edge/pcap_replay.h"

namespace monitor {

using namespace twinos::machine;
using twinos::os::GuestCapture;
using twinos::os::Implant;
using twinos::os::Kernel;

namespace {

constexpr std::uint64_t kCanaryBytes = 256 * 1024;

std::uint64_t fnv1a(std::span<const std::byte> bytes) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (std::byte b : bytes) h = (h ^ std::to_integer<std::uint64_t>(b)) * 0x100000001b3ull;
    return h;
}

using Bytes = std::vector<std::byte>;

// The guest's records through the monitor's own pcap writer: whole frames,
// the guest's clock, both directions.
void write_guest_capture(const std::string& path, const GuestCapture& guest, const Link& link) {
    const std::unique_ptr<LogWriter> out = open_writer(Format::Pcap, path, 65535);
    std::uint64_t sequence = 0;
    for (const twinos::os::GuestRecord& r : guest.records()) {
        capture::RecordHeader h;
        h.sequence = sequence++;
        h.timestamp_ns = static_cast<std::uint64_t>(link.wall_time(r.at));
        h.original_length = h.captured_length = static_cast<std::uint32_t>(r.bytes.size());
        h.direction = r.outbound ? capture::Direction::Tx : capture::Direction::Rx;
        out->write(h, r.bytes, 0);
    }
    out->finish({});
}

// The monitor's file, read back: every whole outbound frame, counted by content.
std::map<Bytes, int> outbound_in_file(const std::string& path, const twinos::net::MacAddress& card,
                                      std::uint64_t& records) {
    std::map<Bytes, int> whole;
    auto file = twinos::edge::PcapReplay::open(path);
    std::int64_t ns = 0;
    WireFrame f;
    while (file->next(ns, f)) {
        ++records;
        const bool outbound =
            f.bytes.size() >= 12 &&
            std::equal(card.begin(), card.end(), f.bytes.begin() + 6,
                       [](std::uint8_t a, std::byte b) { return std::byte{a} == b; });
        if (outbound && f.original_length == f.bytes.size()) ++whole[f.bytes];
    }
    if (file->error())
        throw WriteError(path + ": reading the monitor's capture back: " + *file->error());
    return whole;
}

// What the guest can time: one I/O instruction, and its receive interrupt.
struct GuestTiming {
    Ticks io{0};
    Ticks handler{0};  // mean time in the driver's interrupt handler
    double packets_per_interrupt = 0;
};

GuestTiming driver_timing(twinos::os::TwinOs& twin, Ticks io) {
    GuestTiming t{io, Ticks{0}, 0};
    if (const twinos::os::Driver3c905x* d = twin.nic_driver(OsId::Coexisting)) {
        const twinos::os::DriverStats& s = d->stats();
        const std::uint64_t ours = s.interrupts - s.not_ours;
        if (ours != 0) {
            t.handler = Ticks{s.handler_time.count() / static_cast<std::int64_t>(ours)};
            t.packets_per_interrupt = double(s.rx_packets) / double(ours);
        }
    }
    return t;
}

GuestTiming measure_on_the_original(const twinos::os::ImplantPlan& plan,
                                    const twinos::edge::Fig6Options& traffic) {
    // The same guest and traffic on the machine without the pseudo NIC: only
    // the measurement (its hunt would reach the other OS here, for real).
    twinos::os::TwinOs original(MachineConfig::original(256ull << 20));
    std::unique_ptr<Implant> probe;
    twinos::edge::Fig6Options same = traffic;
    same.also_wait_for = [&] { return probe && probe->io_time() > Ticks{0}; };
    twinos::edge::Fig6Scenario scenario(original, same);
    original.add_init(OsId::Coexisting, [&](Kernel& k) {
        probe = std::make_unique<Implant>(k, nullptr, plan);
        probe->start_measuring_only();
    });
    scenario.run();
    return driver_timing(original, probe ? probe->io_time() : Ticks{0});
}

}  // namespace

// [monitor:intruder-run]
IntruderResult run_intruder(const IntruderOptions& o) {
    if (o.monitor.format == Format::Text) {
        throw WriteError(
            "--scenario intruder compares the monitor's capture with the guest's: "
            "write pcap or pcapng, not text");
    }
    if (o.monitor.output == "-") {
        throw WriteError(
            "--scenario intruder reads the monitor's capture back to compare it: write it to a "
            "file, not to standard output");
    }
    std::unique_ptr<GuestCapture> guest;
    std::unique_ptr<Implant> implant;
    MonitoredRunOptions r;
    r.monitor = o.monitor;
    r.poll_interval = o.poll_interval;
    r.scenario = o.traffic;
    r.scenario.also_wait_for = [&] { return implant && implant->finished(); };
    MonitoredRun run(std::move(r));
    twinos::os::TwinOs& twin = run.twin();
    twinos::edge::TxRecorder wire(1u << 20);  // every frame the card put on the wire
    twin.machine().link().add_sink(wire);

    // The preceding OS keeps a canary where the intruder is told the monitor is.
    twinos::os::DmaBuffer canary;
    std::uint64_t canary_digest = 0;
    twin.add_init(OsId::Preceding, [&](Kernel& k) {
        canary = k.dma_alloc(kCanaryBytes);
        auto bytes = k.dma_view(canary, 0, kCanaryBytes);
        for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = std::byte(0xa5 ^ (i >> 8));
        canary_digest = fnv1a(bytes);
    });
    // What the outside sees of each attempt: the security log's new entries.
    // (The pseudo NIC exists once the preceding OS has booted.)
    std::size_t seen_events = 0;
    auto observe = [&](const std::string&, const std::string& guest_saw) {
        const auto& events = run.system().pseudo_nic()->security().events();
        std::string outcome;
        for (; seen_events < events.size(); ++seen_events) {
            outcome += std::string(outcome.empty() ? "refused by the pseudo NIC: " : ", ") +
                       pseudonic::to_string(events[seen_events].cause) + " (" +
                       events[seen_events].what + ")";
        }
        if (!outcome.empty()) return outcome;
        if (guest_saw == "written") {
            return std::string(
                "trapped by the pseudo NIC and emulated: the card does only what "
                "the pseudo NIC allows it");
        }
        return "refused by the machine: " + guest_saw;
    };
    // The implant wakes once the Fig. 6 traffic is over (twice its wire time
    // after boot): its hunt leaves the co-existing OS's receive list refused.
    Ticks traffic{0};
    for (std::uint32_t i = 0; i < o.traffic.count; ++i) {
        const auto& sizes = o.traffic.frame_sizes;
        traffic = traffic + twin.machine().link().wire_time(sizes[i % sizes.size()]);
    }
    const Ticks earliest = milliseconds(20) + traffic * 2;
    // The guest's capture starts first, before the client's request.
    twin.add_init(
        OsId::Coexisting, [&](Kernel& k) { guest = std::make_unique<GuestCapture>(k); }, true);
    twin.add_init(OsId::Coexisting, [&](Kernel& k) {
        auto plan = twinos::os::ImplantPlan::from_seed(o.seed, earliest, canary.pa);
        plan.hunt = o.hunt;
        implant = std::make_unique<Implant>(k, guest.get(), plan, observe);
        implant->start();
    });
    twin.machine().trace().set_mask(o.trace_mask);
    twin.machine().trace().echo_to(o.trace_out);
    const MonitoredRunResult ran = run.run();
    twin.machine().trace().echo_to(nullptr);
    // [/monitor:intruder-run]

    IntruderResult res;
    res.trace_digest = twin.machine().trace().hash();
    res.totals = ran.totals;
    res.traffic_complete = ran.scenario_complete;
    res.halt = twin.machine().halt().format();
    res.security_events = run.system().pseudo_nic()->security().total();
    res.io_faults = twin.machine().halt().io[index_of(OsId::Coexisting)].faults;
    if (!implant) throw std::logic_error("intruder: the co-existing OS never started the implant");
    res.plan = implant->plan();
    res.hunts = implant->hunts();
    res.implant_frames = implant->sent().size();
    res.implant_refused = implant->refused();
    res.guest_erased = implant->erased();
    res.guest_records = guest->records().size();
    for (const auto& g : guest->records()) res.guest_implant += implant->is_ours(g.bytes);
    const auto view = twin.machine().memory().span(canary.pa, kCanaryBytes);
    res.canary_intact = fnv1a(view) == canary_digest;
    const Partition& pre = twin.machine().partition(OsId::Preceding);
    const twinos::os::DmaBuffer& shadows = run.system().pseudo_nic()->shadow_storage();
    res.preceding_digest =
        fnv1a(twin.machine().memory().span(pre.base, shadows.pa.value() - pre.base.value())) ^
        fnv1a(twin.machine().memory().span(
            shadows.pa + shadows.bytes, pre.end().value() - shadows.pa.value() - shadows.bytes)) *
            3;
    const twinos::net::MacAddress card = twin.kernel(OsId::Coexisting).net().device()->mac();
    std::map<Bytes, int> logged = outbound_in_file(o.monitor.output, card, res.monitor_records);
    // Every frame the implant handed its driver must be in the monitor's
    // record (the transmit log is taken from the descriptors, §3.2) ...
    for (const Bytes& frame : implant->sent()) {
        ImplantFrame fate;
        fate.bytes = frame.size();
        fate.phase = implant->sent_phases()[res.frames.size()];
        auto it = logged.find(frame);
        if (it != logged.end() && it->second > 0) {
            --it->second;
            ++res.monitor_implant;
            fate.in_monitor = true;
        } else {
            ++res.monitor_missing;
        }
        res.frames.push_back(fate);
    }
    // ... and what the card put on the wire is counted from the wire.
    for (const auto& kept : wire.kept()) res.card_sent_implant += implant->is_ours(kept.bytes);
    const GuestTiming here = driver_timing(twin, implant->io_time());
    const GuestTiming there = measure_on_the_original(res.plan, o.traffic);
    res.io_time_monitored = here.io;
    res.io_time_original = there.io;
    res.handler_monitored = here.handler;
    res.handler_original = there.handler;
    res.packets_per_interrupt_monitored = here.packets_per_interrupt;
    res.packets_per_interrupt_original = there.packets_per_interrupt;
    if (!o.guest_capture.empty())
        write_guest_capture(o.guest_capture, *guest, twin.machine().link());
    return res;
}

std::string intruder_report(const IntruderResult& r) {
    const twinos::os::ImplantPlan& p = r.plan;
    std::string s;
    char line[256];
    auto add = [&](const char* format, auto... args) {
        std::snprintf(line, sizeof line, format, args...);
        s += line;
    };
    add("implant seed=%llu protocol=%s port=%u peer=%s start_us=%lld\n",
        static_cast<unsigned long long>(p.seed), to_string(p.kind), unsigned{p.port},
        twinos::net::ipv4_to_string(p.peer_ip).c_str(),
        static_cast<long long>(p.start.count() / 1000));
    add("implant frames=%llu (visible=%u hidden=%u flood=%u) refused_by_driver=%llu "
        "sent_by_card=%llu\n",
        static_cast<unsigned long long>(r.implant_frames), p.visible, p.hidden, p.flood,
        static_cast<unsigned long long>(r.implant_refused),
        static_cast<unsigned long long>(r.card_sent_implant));
    add("guest   records=%llu implant_frames=%llu erased=%llu (its own capture: falsified)\n",
        static_cast<unsigned long long>(r.guest_records),
        static_cast<unsigned long long>(r.guest_implant),
        static_cast<unsigned long long>(r.guest_erased));
    add("monitor records=%llu implant_frames=%llu missing=%llu (whole, outbound, byte for byte)\n",
        static_cast<unsigned long long>(r.monitor_records),
        static_cast<unsigned long long>(r.monitor_implant),
        static_cast<unsigned long long>(r.monitor_missing));
    // The frames the guest's capture lost, one by one; the flood in one line.
    std::size_t flood = 0, flood_logged = 0;
    for (std::size_t i = 0; i < r.frames.size(); ++i) {
        const ImplantFrame& f = r.frames[i];
        if (f.phase == 4) {
            ++flood;
            flood_logged += f.in_monitor;
            continue;
        }
        add("frame   %2zu %-4s %4zu bytes  guest: %-10s  monitor: %s\n", i + 1, to_string(p.kind),
            f.bytes, f.phase == 1 ? "erased" : "never seen",
            f.in_monitor ? "whole, outbound" : "MISSING");
    }
    add("flood   %zu frames         guest: never seen  monitor: %zu whole, outbound\n", flood,
        flood_logged);
    // Each attempt, then its outcome wrapped under it (the lines fit a terminal).
    for (const twinos::os::HuntAttempt& h : r.hunts) {
        s += "hunt    " + h.what + "\n";
        std::string rest = h.outcome;
        std::string lead = "        -> ";
        while (!rest.empty()) {
            std::size_t cut = rest.size();
            if (cut > 72) {
                cut = rest.rfind(' ', 72);
                if (cut == std::string::npos || cut == 0) cut = 72;
            }
            s += lead + rest.substr(0, cut) + "\n";
            rest.erase(0, std::min(rest.size(), cut + 1));
            lead = "           ";
        }
    }
    add("hunt    security_events=%llu io_faults=%llu canary=%s\n",
        static_cast<unsigned long long>(r.security_events),
        static_cast<unsigned long long>(r.io_faults), r.canary_intact ? "intact" : "CHANGED");
    auto us = [](Ticks t) { return double(t.count()) / 1000; };
    add("timing  one card I/O as the guest times it: monitored=%.3fus original=%.3fus\n"
        "        (+%.3fus; the model folds a direct I/O into the driver's step costs)\n",
        us(r.io_time_monitored), us(r.io_time_original),
        us(r.io_time_monitored - r.io_time_original));
    add("timing  its receive interrupt handler: monitored=%.2fus original=%.2fus\n"
        "        (%.2f and %.2f packets per interrupt; Table 1's step C)\n",
        us(r.handler_monitored), us(r.handler_original), r.packets_per_interrupt_monitored,
        r.packets_per_interrupt_original);
    return s;
}

std::string intruder_json(const IntruderResult& r) {
    auto n = [](const char* key, auto v, bool last = false) {
        return std::string("  \"") + key + "\": " + std::to_string(v) + (last ? "" : ",\n");
    };
    return std::string("  \"seed\": ") + std::to_string(r.plan.seed) + ",\n  \"protocol\": \"" +
           to_string(r.plan.kind) + "\",\n" + n("port", r.plan.port) +
           n("implant_frames", r.implant_frames) + n("card_sent_implant", r.card_sent_implant) +
           n("guest_records", r.guest_records) + n("guest_implant", r.guest_implant) +
           n("guest_erased", r.guest_erased) + n("monitor_records", r.monitor_records) +
           n("monitor_implant", r.monitor_implant) + n("monitor_missing", r.monitor_missing) +
           n("hunt_attempts", r.hunts.size()) + n("security_events", r.security_events) +
           n("io_faults", r.io_faults) + n("canary_intact", int{r.canary_intact}) +
           n("io_ns_monitored", r.io_time_monitored.count()) +
           n("io_ns_original", r.io_time_original.count()) +
           n("handler_ns_monitored", r.handler_monitored.count()) +
           n("handler_ns_original", r.handler_original.count(), true);
}

}  // namespace monitor
