// SPDX-License-Identifier: MIT
// MonitoredRun: the paper's whole system on traffic, from boot to the last record.
// Part of the monitor AP's side: it plays the operator of the twin machine.
//
// What `twinos run`, the load experiment and the tests all run: the
// shared-NIC machine with the acquisition part (CaptureSystem), the monitor
// AP started as the preceding OS's first program, and the traffic -- the
// paper's Fig. 6 scenario, a replayed capture or a live wire (a TAP device). The AP is a process of
// the preceding OS (§3.3): the kernel's timer wakes it every poll interval of simulated time, in
// the preceding OS's own CPU time (OsTimer), and each read is charged to that OS as a process's
// work, which the pseudo NIC's step (A) preempts. Rule changes run the same way at their times; a
// stop request ends the traffic; then the machine drains and §3.3 step 4 runs.
//
// Interface:
//   - `MonitoredRun(options)`: build everything, check the rules against
//     the output format (nothing is created yet);
//   - `run()`: boot, play, drain, stop; the totals;
//   - `ledger()`: where every frame went, from the wire to the file;
//   - `twin()`, `system()`, `ap()`, `scenario()`, `sent()`: what ran.
// Invariant: no poll runs after step 4; every record read is written.
//
// Paper: §3.3, §4 (Fig. 6). Chapter: chapters/06-monitor-ap.rst.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capture/capture_system.h"
#include "monitor/monitor_ap.h"
#include "twinos/edge/counted_source.h"
#include "twinos/edge/fig6_scenario.h"
#include "twinos/edge/live_session.h"
#include "twinos/edge/loss_ledger.h"
#include "twinos/edge/pcap_replay.h"
#include "twinos/edge/read_ahead_source.h"
#include "twinos/edge/replay_pacing.h"
#include "twinos/edge/tx_recorder.h"

namespace monitor {

/// New rules at a simulated time (§3.3 step 2 again).
struct TimedRules {
    twinos::machine::Ticks at;  ///< When (simulated time).
    RuleSet rules;              ///< What to log from then on.
};

/// Everything one monitored run needs.
struct MonitoredRunOptions {
    /// The machine (default: the shared NIC of chapter 4).
    twinos::machine::MachineConfig machine = twinos::machine::MachineConfig::shared_nic();
    /// The twin machine's options (the co-existing OS's driver, ...).
    twinos::os::TwinOsOptions twin;
    /// The monitor AP: log area, rules, output.
    MonitorOptions monitor;
    /// How often the AP reads the log area, in simulated time.
    twinos::machine::Ticks poll_interval = twinos::machine::milliseconds(1);
    /// Rule changes, in any order.
    std::vector<TimedRules> rule_changes;
    /// The capture to replay, or nullptr for the built-in scenario.
    twinos::edge::PcapReplay* replay = nullptr;
    /// A live wire instead (`twinos run -i`): set, it wins over both.
    std::optional<twinos::edge::LiveOptions> live;
    /// Frames to replay (-1: all); the scenario's count is in `scenario`.
    std::int64_t count = -1;
    /// How the replay meets a card that cannot take a frame, and its speed.
    twinos::edge::ReplayPacing pacing;
    /// The built-in scenario's request (when `replay` is nullptr).
    twinos::edge::Fig6Options scenario;
    /// Host speed (chapter 7): read the capture on a second thread, write
    /// the log on another. Neither changes a simulated event or a byte.
    bool read_ahead = false;
    bool background_writer = false;  ///< See `read_ahead`.
    /// Skip polls that would find nothing (see `next_poll_after`).
    bool skip_idle_polls = true;
    /// Asked between steps (in a replay, every 256 arrivals); true ends the
    /// traffic early (Ctrl-C).
    std::function<bool()> stop_requested;
    /// Told every 65 536 replayed frames (a progress line).
    std::function<void(std::uint64_t frames)> on_progress;
    /// Told the simulated time of each rule change once it is in force.
    std::function<void(twinos::machine::Ticks at)> on_rules_changed;
};

/// What one monitored run did.
struct MonitoredRunResult {
    CaptureTotals totals;                     ///< Records written, lost, matched.
    std::uint64_t polls = 0;                  ///< Reads the AP made (step 4's last one included).
    std::uint64_t polls_skipped = 0;          ///< Grid points the idle-poll shortcut passed over.
    std::uint64_t frames_played = 0;          ///< Replayed frames that arrived on the wire.
    bool stopped = false;                     ///< A stop request ended the traffic.
    bool scenario_complete = false;           ///< The scenario's (or live) client got every reply.
    std::optional<std::string> replay_error;  ///< Why the capture ended early.
};

/// One monitored run.
class MonitoredRun {
public:
    /// Build the machine, the AP and the traffic. Nothing is created on disk.
    /// @throws RuleFileError when the output format cannot hold the rules.
    /// @throws twinos::machine::ConfigError for a bad machine configuration.
    explicit MonitoredRun(MonitoredRunOptions options);
    MonitoredRun(const MonitoredRun&) = delete;
    MonitoredRun& operator=(const MonitoredRun&) = delete;
    ~MonitoredRun();

    // MonitoredRun — public interface

    /// Boot, play the traffic, drain, stop the AP. Call once.
    /// @throws WriteError when the log cannot be written (valid up to there).
    /// @throws RuleFileError when the kernel refuses rules.
    MonitoredRunResult run();

    /// The twin machine.
    twinos::os::TwinOs& twin() { return system_.twin(); }
    /// The machine with the acquisition part.
    capture::CaptureSystem& system() { return system_; }
    /// The monitor AP.
    const MonitorAp& ap() const { return ap_; }
    /// The live session, or nullptr unless on a live wire.
    const twinos::edge::LiveSession* live() const { return live_ ? &*live_ : nullptr; }
    /// The scenario, or nullptr in a replay.
    const twinos::edge::Fig6Scenario* scenario() const { return scenario_ ? &*scenario_ : nullptr; }
    /// What the co-existing OS transmitted.
    const twinos::edge::TxRecorder& sent() const { return sent_; }
    /// Where every frame went, from the wire to the file (after `run`).
    twinos::edge::LossLedger ledger();

private:
    // How many arrivals a replay runs between two looks at a stop request.
    static constexpr int kArrivalsBetweenChecks = 256;
    void start_in_preceding(twinos::os::Kernel& preceding);
    void poll_at(twinos::machine::Ticks at);
    twinos::machine::Ticks next_poll_after(twinos::machine::Ticks at);
    void play_replay();
    void play_scenario();
    void play_live();
    void stop_in_preceding();
    bool stop_requested() const { return options_.stop_requested && options_.stop_requested(); }

    // MonitoredRun — state
    MonitoredRunOptions options_;
    capture::CaptureSystem system_;
    MonitorAp ap_;
    twinos::edge::TxRecorder sent_{0};
    std::optional<twinos::edge::Fig6Scenario> scenario_;
    std::optional<twinos::edge::LiveSession> live_;
    std::optional<twinos::edge::CountedSource> counted_;
    std::optional<twinos::edge::ReadAheadSource> ahead_;
    MonitoredRunResult result_;
    bool finished_ = false;  // step 4 has run: no more polls
};

}  // namespace monitor
