// SPDX-License-Identifier: MIT
// Chapter 2 tests: work woken in one OS's own time (OsTimer), and a process's
// interruptible work on the shared CPU.
#include <gtest/gtest.h>

#include <stdexcept>

#include "test_machine.h"
#include "twinos/machine/costs.h"
#include "twinos/twin_os.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;
using twinos::os::TwinOs;

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
    twin.run_in(OsId::Preceding, twin.machine().clock().now(), "test", [&] {
        ran_at = twin.machine().clock().now();
        EXPECT_EQ(twin.machine().cpu().running(), OsId::Preceding);
        EXPECT_FALSE(twin.machine().cpu().busy());
    });
    twin.run_until(tick - Ticks{1});
    EXPECT_EQ(ran_at, Ticks{-1}) << "ran while the co-existing OS held the CPU";
    twin.run_until(tick + milliseconds(1));
    // The tick switches, the switch costs (B), then the work runs.
    EXPECT_EQ(ran_at, tick + costs::kOsSwitch);
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
