// SPDX-License-Identifier: MIT
// Chapter 6 tests: the monitored run, in-process -- the AP as a process of the
// preceding OS, woken every poll interval of simulated time and charged for it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "../common/file_bytes.h"
#include "monitor/monitored_run.h"
#include "twinos/edge/capture_generator.h"

namespace monitor {
namespace {

namespace fs = std::filesystem;
using namespace twinos::machine;
using twinos::test::bytes_of;

fs::path temp(const std::string& name) {
    return fs::temp_directory_path() /
           ("twinos-monitored-" + std::to_string(getpid()) + "-" + name);
}

// A run with a small log area, so that a slow reader loses records.
MonitoredRunOptions small_area(const fs::path& out, Ticks poll) {
    MonitoredRunOptions o;
    o.monitor.log_area_bytes = 8 * 1024;
    o.monitor.rules = command_line_rules("", 0, 1536);
    o.monitor.output = out.string();
    o.poll_interval = poll;
    return o;
}

// A run whose 1 MiB log area never overflows in these tests.
MonitoredRunOptions roomy(const fs::path& out) {
    MonitoredRunOptions o = small_area(out, milliseconds(1));
    o.monitor.log_area_bytes = 1 << 20;
    return o;
}

// A generated capture: `frames` UDP frames of `size` bytes, `spacing` apart.
fs::path generated(const std::string& name, std::uint64_t frames, std::uint32_t size,
                   Ticks spacing) {
    const fs::path p = temp(name);
    twinos::edge::write_generated_capture(p.string(), {frames, {size}, spacing});
    return p;
}

TEST(MonitoredRun, LossFallsAsThePollIntervalShrinksInTheScenario) {
    const fs::path out = temp("scenario.pcap");
    std::vector<std::uint64_t> lost;
    for (Ticks poll : {milliseconds(50), milliseconds(5), milliseconds(1), microseconds(100)}) {
        MonitoredRunOptions o = small_area(out, poll);
        o.scenario.count = 300;
        MonitoredRun run(std::move(o));
        const MonitoredRunResult r = run.run();
        EXPECT_TRUE(r.scenario_complete);
        EXPECT_EQ(r.totals.captured + r.totals.lost, r.totals.matched);
        lost.push_back(r.totals.lost);
    }
    for (std::size_t i = 1; i < lost.size(); ++i) {
        EXPECT_LE(lost[i], lost[i - 1]) << "interval " << i;
    }
    EXPECT_LT(lost.back(), lost.front()) << "a faster reader must lose less";
    fs::remove(out);
}

TEST(MonitoredRun, LossFallsAsThePollIntervalShrinksInAReplay) {
    const fs::path in = generated("burst.pcap", 3000, 512, microseconds(50));
    const fs::path out = temp("replay.pcap");
    std::vector<std::uint64_t> lost;
    for (Ticks poll : {milliseconds(20), milliseconds(5), microseconds(100)}) {
        auto replay = twinos::edge::PcapReplay::open(in.string());
        MonitoredRunOptions o = small_area(out, poll);
        o.monitor.log_area_bytes = 64 * 1024;
        o.twin.nic_driver.promiscuous = true;
        o.replay = replay.get();
        MonitoredRun run(std::move(o));
        const MonitoredRunResult r = run.run();
        EXPECT_EQ(r.totals.matched, 3000u);
        EXPECT_EQ(r.totals.captured + r.totals.lost, r.totals.matched);
        lost.push_back(r.totals.lost);
    }
    for (std::size_t i = 1; i < lost.size(); ++i) EXPECT_LE(lost[i], lost[i - 1]);
    EXPECT_LT(lost.back(), lost.front());
    fs::remove(in);
    fs::remove(out);
}

TEST(MonitoredRun, EveryReadIsChargedToThePrecedingOs) {
    const fs::path out = temp("charged.pcap");
    auto busy_and_polls = [&](Ticks poll_cost) {
        MonitoredRunOptions o = roomy(out);
        o.machine.costs.monitor_poll = poll_cost;
        o.scenario.count = 3000;
        MonitoredRun run(std::move(o));
        const MonitoredRunResult r = run.run();
        // What ran by the end, and what the AP's last reads still have to do.
        const Ticks busy = run.twin().machine().halt().cpu.busy[index_of(OsId::Preceding)] +
                           run.twin().machine().cpu().interruptible_backlog(OsId::Preceding);
        return std::pair{busy, r.polls};
    };
    const auto [cheap, polls] = busy_and_polls(nanoseconds(2000));
    const auto [dear, polls_again] = busy_and_polls(nanoseconds(5000));
    ASSERT_EQ(polls, polls_again) << "the poll's cost must not change when it runs";
    ASSERT_GT(polls, 5u);
    EXPECT_EQ(dear - cheap, nanoseconds(3000) * static_cast<std::int64_t>(polls));
    fs::remove(out);
}

TEST(MonitoredRun, TheIdlePollShortcutAgreesWithThePlainPath) {
    // Frames 30 ms apart: most polls between them find nothing.
    const fs::path in = generated("sparse.pcap", 40, 200, milliseconds(30));
    struct Outcome {
        MonitoredRunResult result;
        std::string file;
        HaltSummary halt;
    };
    auto run_with = [&](bool shortcut) {
        const fs::path out = temp(shortcut ? "short.pcap" : "plain.pcap");
        auto replay = twinos::edge::PcapReplay::open(in.string());
        MonitoredRunOptions o = small_area(out, milliseconds(1));
        o.twin.nic_driver.promiscuous = true;
        o.replay = replay.get();
        o.skip_idle_polls = shortcut;
        MonitoredRun run(std::move(o));
        Outcome r{run.run(), "", run.twin().machine().halt()};
        r.file = bytes_of(out);
        fs::remove(out);
        return r;
    };
    const Outcome fast = run_with(true);
    const Outcome plain = run_with(false);
    EXPECT_EQ(plain.result.polls_skipped, 0u);
    ASSERT_GT(fast.result.polls_skipped, 100u);
    EXPECT_EQ(fast.file, plain.file);
    EXPECT_EQ(fast.result.totals.captured, 40u);
    EXPECT_EQ(fast.result.totals.captured, plain.result.totals.captured);
    // The plain path's extra polls each found nothing: they cost a wake-up
    // each, and that is all that differs. (Fewer than the grid points the
    // shortcut passed over: a late wake-up does not make up missed ones.)
    ASSERT_GT(plain.result.polls, fast.result.polls);
    EXPECT_LE(plain.result.polls - fast.result.polls, fast.result.polls_skipped);
    const auto P = index_of(OsId::Preceding);
    EXPECT_EQ(
        plain.halt.cpu.busy[P] - fast.halt.cpu.busy[P],
        costs::kMonitorPoll * static_cast<std::int64_t>(plain.result.polls - fast.result.polls));
    EXPECT_EQ(plain.halt.cpu.busy[1 - P], fast.halt.cpu.busy[1 - P]);
    EXPECT_EQ(plain.halt.cpu.switches, fast.halt.cpu.switches);
    EXPECT_EQ(plain.halt.irq[0].delivered, fast.halt.irq[0].delivered);
    EXPECT_EQ(plain.halt.irq[1].delivered, fast.halt.irq[1].delivered);
    fs::remove(in);
}

TEST(MonitoredRun, RulesChangeInThePrecedingOsAtTheirTime) {
    const fs::path out = temp("rules.pcap");
    MonitoredRunOptions o = roomy(out);
    o.scenario.count = 300;
    o.rule_changes.push_back({milliseconds(4), command_line_rules("ip[0] = 0", 0, 64)});
    std::vector<Ticks> changed;
    o.on_rules_changed = [&](Ticks at) { changed.push_back(at); };
    MonitoredRun run(std::move(o));
    const MonitoredRunResult r = run.run();
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_GE(changed[0], milliseconds(4));
    // Nothing matches `ip[0] = 0`: only what came before the change is logged.
    EXPECT_GT(r.totals.captured, 0u);
    EXPECT_LT(r.totals.matched, 300u);
    fs::remove(out);
}

TEST(MonitoredRun, AStopRequestEndsTheTrafficAndTheFileIsComplete) {
    const fs::path out = temp("stop.pcap");
    MonitoredRunOptions o = roomy(out);
    o.scenario.count = 100000;
    int asked = 0;
    o.stop_requested = [&] { return ++asked > 5; };
    MonitoredRun run(std::move(o));
    const MonitoredRunResult r = run.run();
    EXPECT_TRUE(r.stopped);
    EXPECT_FALSE(r.scenario_complete);
    EXPECT_EQ(r.totals.lost, 0u);
    EXPECT_GT(r.totals.captured, 0u);
    // Every record read is in the file: pcap header + (16 + bytes) per record.
    EXPECT_GT(fs::file_size(out), 24u + 16u * r.totals.captured);
    fs::remove(out);
}

}  // namespace
}  // namespace monitor
