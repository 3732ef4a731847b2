// SPDX-License-Identifier: MIT
// Chapter 2 tests: boot order, time sharing every quantum, fairness, accounting;
// work run in one OS's own time, and interruptible process work.
#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

#include "test_machine.h"
#include "twinos/machine/costs.h"
#include "twinos/twin_os.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;
using twinos::os::TwinOs;

TEST(TimeSharing, PrecedingOsBootsFirstThenHandsOverToTheCoexistingOs) {
    TwinOs twin(probe_config(), probe_factory());
    twin.machine().trace().set_mask(static_cast<std::uint32_t>(TraceFlag::Boot) |
                                    static_cast<std::uint32_t>(TraceFlag::Sched));
    twin.machine().trace().keep_lines(true);
    twin.boot();
    twin.run_until(microseconds(500));
    const auto& lines = twin.machine().trace().lines();
    auto find = [&](const std::string& text) {
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (lines[i].find(text) != std::string::npos) return static_cast<int>(i);
        }
        return -1;
    };
    const int p = find("preceding kernel booted");
    const int sw = find("switch preceding -> coexisting (boot");
    const int c = find("coexisting kernel booted");
    ASSERT_GE(p, 0);
    ASSERT_GE(sw, 0);
    ASSERT_GE(c, 0);
    EXPECT_LT(p, sw);
    EXPECT_LT(sw, c);
}

TEST(TimeSharing, SwitchesEveryQuantumAndChargesTheSwitchCost) {
    MachineConfig config = probe_config();
    config.quantum = milliseconds(1);
    TwinOs twin(config, probe_factory());
    twin.boot();
    twin.run_until(milliseconds(20) + microseconds(500));
    const CpuStats s = twin.machine().cpu().stats(twin.machine().clock().now());
    const auto timer = s.switches[static_cast<int>(SwitchReason::Timer)];
    // Boot ends a little after 100 µs; the first tick is one quantum later,
    // then one per quantum: ticks at about 1.1, 2.1, ..., 20.1 ms.
    EXPECT_EQ(timer, 20u);
    EXPECT_EQ(twin.machine().time_sharing().ticks(), timer);
    EXPECT_EQ(s.switching, costs::kOsSwitch * static_cast<std::int64_t>(s.total_switches()));
}

TEST(TimeSharing, EveryTickIsAccountedFor) {
    TwinOs twin(probe_config(), probe_factory());
    twin.boot();
    twin.run_until(milliseconds(95));
    const CpuStats s = twin.machine().cpu().stats(twin.machine().clock().now());
    EXPECT_EQ(s.total, milliseconds(95));
    EXPECT_EQ(s.held[0] + s.held[1] + s.switching, s.total);
    EXPECT_EQ(s.busy[0] + s.busy[1] + s.switching + s.idle, s.total);
    EXPECT_GT(s.busy[0], Ticks{0});  // both kernels did their boot work
    EXPECT_GT(s.busy[1], Ticks{0});
}

TEST(TimeSharing, BothOsesGetTheSameShareOverManyQuanta) {
    MachineConfig config = probe_config();
    config.quantum = microseconds(100);
    TwinOs twin(config, probe_factory());
    twin.boot();
    twin.run_until(milliseconds(200));  // about 2000 quanta
    const CpuStats s = twin.machine().cpu().stats(twin.machine().clock().now());
    EXPECT_GE(twin.machine().time_sharing().ticks(), 1990u);
    const std::int64_t difference = std::llabs(s.held[0].count() - s.held[1].count());
    // Within one quantum, however many quanta have passed.
    EXPECT_LE(difference, config.quantum.count());
}

TEST(TimeSharing, ATickDuringMaskedWorkWaitsButTheGridDoesNotDrift) {
    MachineConfig config = probe_config();
    config.quantum = milliseconds(1);
    TwinOs twin(config, probe_factory());
    Machine& m = twin.machine();
    ProbeDevice& dev_p = probe(m, "probe_p");
    twin.boot();
    twin.run_until(microseconds(1500));  // first tick (≈1.1 ms) has passed
    const std::uint64_t before = m.time_sharing().ticks();
    // Long masked work in whichever OS runs, spanning the next nominal tick.
    dev_p.at(microseconds(2000), [&] { m.cpu().charge(m.cpu().running(), microseconds(300)); });
    twin.run_until(milliseconds(10) + microseconds(500));
    EXPECT_EQ(m.time_sharing().deferred(), 1u);
    // Still one tick per quantum: the late tick did not push the rest back.
    EXPECT_EQ(m.time_sharing().ticks() - before, 9u);
}

}  // namespace
}  // namespace twinos::test

namespace twinos::test {
namespace {

using namespace twinos::machine;
using twinos::os::TwinOs;

TEST(TimeSharing, IdleStretchesTakenAtOnceAccountExactlyLikeTickByTick) {
    // One machine is left alone, so its timer takes idle stretches in bulk;
    // the other gets a do-nothing event every 3 ms, so the timer has to take
    // most of its ticks one at a time. Where the CPU's time went must not differ.
    MachineConfig config = probe_config();
    config.quantum = milliseconds(1);
    TwinOs bulk(config, probe_factory());
    TwinOs stepped(config, probe_factory());
    ProbeDevice& dev = probe(stepped.machine(), "probe_p");
    for (int i = 1; i < 100; ++i) dev.at(milliseconds(3 * i), [] {});
    bulk.boot();
    stepped.boot();
    bulk.run_until(milliseconds(300) + microseconds(7));
    stepped.run_until(milliseconds(300) + microseconds(7));
    const CpuStats a = bulk.machine().cpu().stats(bulk.machine().clock().now());
    const CpuStats b = stepped.machine().cpu().stats(stepped.machine().clock().now());
    EXPECT_EQ(a.held, b.held);
    EXPECT_EQ(a.switching, b.switching);
    EXPECT_EQ(a.switches, b.switches);
    EXPECT_EQ(bulk.machine().cpu().running(), stepped.machine().cpu().running());
    EXPECT_EQ(bulk.machine().time_sharing().ticks(), 299u);  // at 1.1, 2.1, ..., 299.1 ms
    // ...and the bulk machine really did skip: far fewer events.
    EXPECT_LT(bulk.machine().clock().fired() * 10, stepped.machine().clock().fired());
}

// Work woken in one OS's own time (OsTimer), and a process's interruptible
// work on the shared CPU.

TEST(OsTimer, RunsAtItsTimeWhenItsOsHoldsTheCpu) {
    TwinOs twin(probe_config(), probe_factory());
    twin.boot();
    // The preceding OS gets its first timer slice one quantum after boot.
    const Ticks quantum = twin.machine().time_sharing().quantum();
    twin.run_until(quantum + microseconds(500));
    ASSERT_EQ(twin.machine().cpu().running(), OsId::Preceding);
    Ticks ran_at{-1};
    const Ticks at = twin.machine().clock().now() + microseconds(100);
    twin.run_in(OsId::Preceding, at, "test", [&] {
        ran_at = twin.machine().clock().now();
        EXPECT_EQ(twin.machine().cpu().running(), OsId::Preceding);
    });
    twin.run_until(at + microseconds(1));
    EXPECT_EQ(ran_at, at);
    EXPECT_EQ(twin.machine().os_timer().waited(), 0u);
}

TEST(OsTimer, WaitsForTheStartOfItsOsNextSlice) {
    TwinOs twin(probe_config(), probe_factory());
    twin.boot();
    twin.run_until(microseconds(500));
    ASSERT_EQ(twin.machine().cpu().running(), OsId::Coexisting);
    const Ticks tick = twin.machine().time_sharing().next_tick();
    Ticks ran_at{-1};
    Ticks charged_until{0};
    twin.run_in(OsId::Preceding, twin.machine().clock().now(), "test", [&] {
        ran_at = twin.machine().clock().now();
        EXPECT_EQ(twin.machine().cpu().running(), OsId::Preceding);
        charged_until = twin.machine().cpu().charge(OsId::Preceding, microseconds(5));
    });
    twin.run_until(tick - Ticks{1});
    EXPECT_EQ(ran_at, Ticks{-1}) << "ran while the co-existing OS held the CPU";
    twin.run_until(tick + milliseconds(1));
    // The tick switches to it; what the work charges starts after the
    // switch's cost (B).
    EXPECT_EQ(ran_at, tick);
    EXPECT_EQ(charged_until, tick + costs::kOsSwitch + microseconds(5));
    EXPECT_EQ(twin.machine().os_timer().waited(), 1u);
}

TEST(OsTimer, RefusesWhatCouldNeverRun) {
    TwinOs twin(probe_config(), probe_factory());
    // Before boot nothing will ever give the co-existing OS the CPU.
    try {
        twin.run_in(OsId::Coexisting, Ticks{0}, "early", [] {});
        FAIL() << "accepted work before boot";
    } catch (const std::logic_error& e) {
        EXPECT_NE(std::string(e.what()).find("has not booted"), std::string::npos) << e.what();
    }
    twin.boot();
    twin.run_until(milliseconds(2));
    EXPECT_THROW(twin.run_in(OsId::Preceding, milliseconds(1), "late", [] {}), std::logic_error);
}

// Boot and run into the preceding OS's first time slice, CPU idle.
void run_into_preceding_slice(TwinOs& twin) {
    twin.boot();
    twin.run_until(microseconds(500));  // the co-existing OS's first slice
    twin.run_until(twin.machine().time_sharing().next_tick() + microseconds(100));
}

TEST(Cpu, InterruptibleWorkNeverDelaysMaskedWorkAndIsAccountedOnce) {
    TwinOs twin(probe_config(), probe_factory());
    run_into_preceding_slice(twin);
    Cpu& cpu = twin.machine().cpu();
    ASSERT_EQ(cpu.running(), OsId::Preceding);
    const Ticks busy_before = cpu.stats(twin.machine().clock().now()).busy[0];
    const Ticks now = twin.machine().clock().now();
    cpu.charge_interruptible(OsId::Preceding, microseconds(300));
    // Masked work charged now starts now: the process is preempted.
    EXPECT_EQ(cpu.charge(OsId::Preceding, microseconds(10)), now + microseconds(10));
    EXPECT_EQ(cpu.free_at(), now + microseconds(10));
    // 100 µs later the process has run 90 µs of its 300 (after the masked 10).
    const CpuStats mid = cpu.stats(now + microseconds(100));
    EXPECT_EQ(mid.busy[0] - busy_before, microseconds(10) + microseconds(90));
    twin.run_until(now + milliseconds(1));
    const CpuStats end = cpu.stats(twin.machine().clock().now());
    EXPECT_EQ(end.busy[0] - busy_before, microseconds(310));
    EXPECT_EQ(cpu.interruptible_backlog(OsId::Preceding), Ticks{0});
    EXPECT_EQ(end.idle + end.busy[0] + end.busy[1] + end.switching, end.total);
}

TEST(Cpu, InterruptibleWorkLeftAtASwitchWaitsForItsOsNextSlice) {
    TwinOs twin(probe_config(), probe_factory());
    run_into_preceding_slice(twin);
    const Ticks quantum = twin.machine().time_sharing().quantum();
    Cpu& cpu = twin.machine().cpu();
    ASSERT_EQ(cpu.running(), OsId::Preceding);
    // More work than the slice has left: the rest runs a slice later.
    const Ticks tick = twin.machine().time_sharing().next_tick();
    const Ticks left = tick - twin.machine().clock().now();
    cpu.charge_interruptible(OsId::Preceding, left + microseconds(50));
    twin.run_until(tick + Ticks{quantum.count() / 2});
    EXPECT_EQ(cpu.running(), OsId::Coexisting);
    EXPECT_EQ(cpu.interruptible_backlog(OsId::Preceding), microseconds(50));
    twin.run_until(tick + quantum * 2);
    EXPECT_EQ(cpu.interruptible_backlog(OsId::Preceding), Ticks{0});
}

}  // namespace
}  // namespace twinos::test
