// SPDX-License-Identifier: MIT
// MonitoredRun: booting, the AP's timer-driven reads, the traffic, the end.
#include "monitor/monitored_run.h"

#include <stdexcept>

#include "monitor/background_writer.h"

namespace monitor {

using namespace twinos::machine;
using twinos::os::Kernel;

namespace {

MonitorOptions with_writer(MonitorOptions m, bool background) {
    if (background && !m.open_log) {
        // The run's choice, not the AP's: the same writer on a thread of its own.
        m.open_log = [format = m.format, path = m.output](std::uint32_t snaplen) {
            return std::make_unique<BackgroundWriter>(open_writer(format, path, snaplen));
        };
    }
    return m;
}

}  // namespace

MonitoredRun::MonitoredRun(MonitoredRunOptions options)
    : options_(std::move(options)),
      system_(options_.machine, options_.twin),
      ap_(system_, with_writer(options_.monitor, options_.background_writer)) {
    if (options_.poll_interval <= Ticks{0}) {
        throw std::invalid_argument("poll interval: must be positive");
    }
    // The monitor AP is the preceding OS's first program.
    system_.set_preceding_init([this](Kernel& k) { start_in_preceding(k); });
    twin().machine().link().add_sink(sent_);
    if (options_.live) {
        live_.emplace(twin(), *options_.live);
    } else if (options_.replay == nullptr) {
        scenario_.emplace(twin(), options_.scenario);
    }
}

MonitoredRun::~MonitoredRun() = default;

// [monitor:run-start]
void MonitoredRun::start_in_preceding(Kernel& preceding) {
    // §3.3 steps 1 and 2, as the preceding OS boots.
    ap_.start(preceding);
    // Step 3 from now on: the kernel's timer wakes the AP every interval.
    poll_at(preceding.now() + options_.poll_interval);
    // Step 2 again at the times asked for, in the preceding OS's own time.
    for (const TimedRules& change : options_.rule_changes) {
        preceding.run_at(change.at, "monitor:rules", [this, &change, &preceding] {
            if (finished_) return;
            ap_.change_rules(change.rules);
            if (options_.on_rules_changed) options_.on_rules_changed(preceding.now());
        });
    }
}
// [/monitor:run-start]

// [monitor:run-poll]
void MonitoredRun::poll_at(Ticks at) {
    twin().run_in(OsId::Preceding, at, "monitor:poll", [this, at] {
        if (finished_) return;  // step 4 made the last read
        ap_.poll();
        poll_at(next_poll_after(at));
    });
}

Ticks MonitoredRun::next_poll_after(Ticks at) {
    const Ticks interval = options_.poll_interval;
    const Ticks now = twin().machine().clock().now();
    // A wake-up that came late (the co-existing OS held the CPU) does not
    // make up for the ones it missed: the next is the first after now.
    Ticks next = at + interval * ((now - at).count() / interval.count() + 1);
    // Shortcut (chapter 7): while a replay waits for a distant frame and the
    // log is empty, every poll until the frame arrives would find nothing --
    // in a replay the co-existing OS sends only in answer to a frame. Skip
    // those, landing on the same grid. Only `polls` and the preceding OS's
    // busy time differ from the plain path (a test compares both).
    Link& link = twin().machine().link();
    if (options_.skip_idle_polls && options_.replay && link.playing() && ap_.log_empty() &&
        link.next_arrival() > next) {
        const std::int64_t skip = (link.next_arrival() - next).count() / interval.count();
        next = next + interval * skip;
        result_.polls_skipped += static_cast<std::uint64_t>(skip);
    }
    return next;
}
// [/monitor:run-poll]

// [monitor:run-replay]
void MonitoredRun::play_replay() {
    twinos::os::TwinOs& twin = this->twin();
    Link& link = twin.machine().link();
    twin.boot();
    twin.run_until(milliseconds(1));  // both kernels up, the driver open
    // The count stops the reading too, so nothing past it is read.
    counted_.emplace(*options_.replay, options_.count);
    FrameSource* source = &*counted_;
    if (options_.read_ahead) source = &ahead_.emplace(*counted_);
    link.set_replay_pace(options_.pacing.pace, options_.pacing.speed);
    link.play(*source, twin.machine().clock().now());
    // Run from arrival to arrival; the AP's reads are events in between.
    // A stop request (Ctrl-C) and the progress line are looked at every
    // kArrivalsBetweenChecks arrivals, not every one: asking costs a call
    // through a std::function per frame, and a stop then comes at most a
    // few hundred frames -- a fraction of a millisecond of host time -- later.
    std::uint64_t told = 0;
    try {
        while (link.playing() && !stop_requested()) {
            for (int i = 0; i < kArrivalsBetweenChecks && link.playing(); ++i) {
                twinos::edge::advance_replay(twin);
            }
            if (options_.on_progress && link.counters().to_nic >= told + 65536) {
                told = link.counters().to_nic;
                options_.on_progress(told);
            }
        }
    } catch (const twinos::edge::ReplayError& e) {
        result_.replay_error = e.what();  // the wire stuck: finish the file all the same
    }
    result_.frames_played = link.counters().to_nic;
    result_.stopped = stop_requested();
    twin.run_until(twin.machine().clock().now() + milliseconds(1));  // drain the machine
    if (ahead_) ahead_->finish();  // the reader is done with the file
    if (!result_.replay_error) result_.replay_error = options_.replay->error();
}
// [/monitor:run-replay]

void MonitoredRun::play_scenario() {
    scenario_->set_after_each_slice([this] { return !stop_requested(); });
    result_.scenario_complete = scenario_->run();
    result_.stopped = stop_requested();
}

void MonitoredRun::play_live() {
    live_->run([this] { return stop_requested(); });
    result_.frames_played = live_->stats().frames_in;
    result_.scenario_complete = live_->client_complete();
    result_.stopped = stop_requested();
}

// [monitor:run-stop]
void MonitoredRun::stop_in_preceding() {
    // §3.3 step 4 is a system call: it runs when the preceding OS holds the
    // CPU, at the latest after the co-existing OS's slice ends.
    twinos::os::TwinOs& twin = this->twin();
    const Ticks now = twin.machine().clock().now();
    twin.run_in(OsId::Preceding, now, "monitor:stop", [this] {
        // The interface's counts for the file's statistics, as of now.
        const twinos::edge::LossLedger wire = twinos::edge::receive_ledger(this->twin());
        CaptureTotals interface;
        interface.interface_received = wire.stages().front().in;
        interface.interface_dropped = wire.stages().front().lost();
        result_.totals = ap_.stop(interface);
        finished_ = true;
    });
    const Ticks limit = now + twin.machine().time_sharing().quantum() * 3;
    if (!twin.machine().run_until(limit, [this] { return finished_; })) {
        throw std::logic_error(
            "monitor: the preceding OS did not get the CPU within three "
            "time slices to stop the monitor AP");
    }
}
// [/monitor:run-stop]

// [monitor:run-ledger]
twinos::edge::LossLedger MonitoredRun::ledger() {
    using twinos::edge::LedgerStage;
    const pseudonic::PseudoNic& pnic = *system_.pseudo_nic();
    twinos::edge::LossLedger ledger = twinos::edge::receive_ledger(
        twin(), static_cast<std::int64_t>(pnic.counters().frames_published));
    // The monitor's branch: what step (A) showed the acquisition part, from
    // the acquisition part's own counts ...
    const capture::AcquisitionStats& a = system_.acquisition()->stats();
    ledger.add({"rules",
                "card -> rules",
                a.seen_rx + a.seen_tx,
                a.matched,
                {{"errored", "completed with an error, not judged", a.skipped_errored, false, ""},
                 {"not_selected", "no rule took it", a.not_matched, false, ""},
                 {"monitor_off", "before the monitor started or after it stopped", a.inactive, true,
                  ""}}});
    // ... then the log area's, from the management structure the AP reads ...
    const std::uint64_t ring_matched = ap_.log_field(capture::control::kPacketsMatched);
    const std::uint64_t overwritten = ap_.log_field(capture::control::kRecordsOverwritten);
    ledger.expect_equal("frames matched: acquisition part vs log area", a.matched, ring_matched);
    ledger.expect_equal("records overwritten: log area vs the AP's sequence gaps", overwritten,
                        ap_.lost());
    ledger.add({"ring",
                "rules -> log area",
                ring_matched,
                ap_.captured(),
                {{"overwritten", "overwritten before the AP read it", overwritten, true,
                  "a larger --log-area or a shorter --poll-interval"},
                 {"too_big", "larger than the whole log area",
                  ap_.log_field(capture::control::kTooBig), true, "a larger --log-area"}}});
    // ... and the AP's own count of what it handed to the file.
    ledger.add({"file", "log area -> file", ap_.captured(), ap_.written(), {}});
    // On a live wire the path starts at the host.
    if (live_) twinos::edge::add_host_stage(ledger, *live_, twin().machine().link());
    return ledger;
}
// [/monitor:run-ledger]

MonitoredRunResult MonitoredRun::run() {
    if (live_) {
        play_live();
    } else if (options_.replay) {
        play_replay();
    } else {
        play_scenario();
    }
    stop_in_preceding();
    result_.polls = ap_.polls();  // the last read, step 4's, included
    return result_;
}

}  // namespace monitor
