// SPDX-License-Identifier: MIT
// IntruderRun: the paper's benefit 1, shown -- a compromised co-existing OS
// against the monitor outside it (`twinos run --scenario intruder`).
// Part of the monitor AP's side: it plays the operator who compares records.
//
// One monitored run of the Fig. 6 traffic, with two more programs in the
// co-existing OS: its own capture (GuestCapture, tcpdump inside the OS) and
// an implant (os/implant.h) whose seed picks what it does and when. The
// preceding OS sets a canary in its memory -- where the implant is told the
// monitor lives -- and at the end the run compares:
//   - the guest's capture against the monitor's (read back from its file):
//     every frame the implant sent, hidden from the guest and present in the
//     monitor's record byte for byte, in the transmit direction;
//   - every hunt attempt against the security log and the canary;
//   - what the guest can measure: one I/O instruction to the card, here and
//     on the original machine (no pseudo NIC, no monitor).
// Deterministic: the same seed gives the same events and the same bytes.
//
// Chapter: chapters/08-intruder.rst.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "monitor/monitored_run.h"
#include "twinos/os/implant.h"

namespace monitor {

/// What to run.
struct IntruderOptions {
    std::uint64_t seed = 1;  ///< Picks the implant's protocol, port, sizes and times.
    /// The monitor (output file, format -- pcap or pcapng -- rules, log area).
    MonitorOptions monitor;
    /// How often the monitor AP reads the log area.
    twinos::machine::Ticks poll_interval = twinos::machine::milliseconds(1);
    /// The Fig. 6 traffic that runs meanwhile.
    twinos::edge::Fig6Options traffic;
    /// Write the guest's own capture here (pcap), or nowhere when empty.
    std::string guest_capture;
    /// Trace flags for the run (`--trace`); the trace is hashed, and
    /// echoed to `trace_out` as it is made when that is set.
    std::uint32_t trace_mask = 0;
    std::ostream* trace_out = nullptr;  ///< See `trace_mask`.
    /// Let the implant hunt (phase 5). Off only to compare: a run without
    /// the hunt must leave the preceding OS's memory exactly as with it.
    bool hunt = true;
};

/// One frame the implant sent, and where it is on record.
struct ImplantFrame {
    std::size_t bytes = 0;    ///< Its length.
    int phase = 1;            ///< 1 (seen, then erased), 2 (hidden) or 4 (the flood).
    bool in_monitor = false;  ///< Whole and outbound in the monitor's file.
};

/// What the comparison found.
struct IntruderResult {
    std::vector<ImplantFrame> frames;  ///< Every frame the implant gave its driver, in order.
    twinos::os::ImplantPlan plan;      ///< What the seed chose.
    std::vector<twinos::os::HuntAttempt> hunts;  ///< The hunt and its outcomes.
    std::uint64_t implant_frames = 0;            ///< Frames the implant gave the device.
    std::uint64_t implant_refused = 0;           ///< Frames the driver would not queue.
    std::uint64_t card_sent_implant = 0;         ///< Of them, what the card put on the wire.
    std::uint64_t guest_records = 0;             ///< Records in the guest's capture.
    std::uint64_t guest_implant = 0;             ///< Implant frames left in it.
    std::uint64_t guest_erased = 0;              ///< Records the implant erased from it.
    std::uint64_t monitor_records = 0;           ///< Records in the monitor's file.
    std::uint64_t monitor_implant = 0;           ///< Implant frames in it, whole, outbound.
    std::uint64_t monitor_missing = 0;           ///< Implant frames the card sent, not in it.
    std::uint64_t security_events = 0;           ///< The pseudo NIC's security log.
    std::uint64_t io_faults = 0;                 ///< I/O the port bus refused the guest.
    bool canary_intact = false;                  ///< The preceding OS's canary unchanged.
    /// A digest of the preceding OS's whole partition at the end, but for the
    /// pseudo NIC's shadow lists (which follow the guest's descriptors).
    std::uint64_t preceding_digest = 0;
    twinos::machine::Ticks io_time_monitored{0};  ///< One status read, as the guest timed it.
    twinos::machine::Ticks io_time_original{0};   ///< The same on the original machine.
    /// The guest's receive interrupt handler, mean time per run, as it times it.
    twinos::machine::Ticks handler_monitored{0};
    twinos::machine::Ticks handler_original{0};  ///< The same on the original machine.
    double packets_per_interrupt_monitored = 0;  ///< Frames each handler run took.
    double packets_per_interrupt_original = 0;   ///< The same on the original machine.
    CaptureTotals totals;                        ///< The monitor's own totals.
    bool traffic_complete = false;               ///< The Fig. 6 client got every reply.
    std::string halt;                            ///< The monitored machine's halt summary.
    /// The trace's own hash of every line (`Trace::hash`, with
    /// `trace_mask`): equal for equal seeds.
    std::uint64_t trace_digest = 0;
};

/// Run the scenario. It fails as a MonitoredRun fails, and with a
/// WriteError for a text output or standard output (the comparison reads
/// the file back: a pcap or pcapng file).
IntruderResult run_intruder(const IntruderOptions& options);

/// The report a user reads: the two captures side by side, the hunt, the
/// security log, the timing.
std::string intruder_report(const IntruderResult& result);

/// The same as JSON members (no braces), for --stats-json.
std::string intruder_json(const IntruderResult& result);

}  // namespace monitor
