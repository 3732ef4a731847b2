// SPDX-License-Identifier: MIT
// Chapter 2 tests: each kernel uses only what it owns.
#include <gtest/gtest.h>

#include <array>

#include "test_machine.h"
#include "twinos/machine/costs.h"
#include "twinos/machine/uart.h"
#include "twinos/twin_os.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;
using twinos::os::TwinOs;

class KernelTest : public ::testing::Test {
protected:
    TwinOs twin{probe_config(), probe_factory()};
    os::Kernel& preceding = twin.kernel(OsId::Preceding);
    os::Kernel& coexisting = twin.kernel(OsId::Coexisting);
    const Uart& com1 = *dynamic_cast<Uart*>(twin.machine().device("com1"));
    const Uart& com2 = *dynamic_cast<Uart*>(twin.machine().device("com2"));
};

TEST_F(KernelTest, EachKernelIsGivenOnlyItsOwnDevicesAndPartition) {
    ASSERT_EQ(coexisting.devices().size(), 2u);
    EXPECT_EQ(coexisting.devices()[0].name, "com2");
    EXPECT_EQ(coexisting.devices()[1].name, "probe_c");
    for (const auto& d : preceding.devices()) EXPECT_EQ(d.owner, OsId::Preceding);
    EXPECT_EQ(coexisting.partition().base, PhysAddr{0});
    EXPECT_EQ(preceding.partition().base, twin.machine().config().preceding.base);
}

TEST_F(KernelTest, BootPrintsEachBannerOnItsOwnConsoleThroughDirectIo) {
    twin.boot();
    twin.run_until(milliseconds(1));
    ASSERT_FALSE(com1.lines().empty());
    ASSERT_FALSE(com2.lines().empty());
    EXPECT_EQ(com1.lines()[0].rfind("twinos preceding kernel: memory 0x02000000-0x03ffffff", 0),
              0u);
    EXPECT_EQ(com2.lines()[0].rfind("twinos coexisting kernel: memory 0x00000000-0x01ffffff", 0),
              0u);
    const auto& bus = twin.machine().ports();
    EXPECT_GT(bus.counters(OsId::Preceding).direct, 0u);
    EXPECT_GT(bus.counters(OsId::Coexisting).direct, 0u);
    EXPECT_EQ(bus.counters(OsId::Preceding).faults + bus.counters(OsId::Coexisting).faults, 0u);
}

TEST_F(KernelTest, TouchingTheOtherOsDeviceIsAnIoFault) {
    PortIo coexisting_io(twin.machine().ports(), OsId::Coexisting);
    EXPECT_THROW(coexisting_io.out8(Port{0x3f8}, 'x'), IoFault);  // COM1
    EXPECT_TRUE(com1.lines().empty());
    EXPECT_EQ(twin.machine().ports().counters(OsId::Coexisting).faults, 1u);
}

TEST_F(KernelTest, IrqHandlersOnlyForOwnedLines) {
    EXPECT_NO_THROW(coexisting.set_irq_handler(11, [](int) {}));
    EXPECT_THROW(coexisting.set_irq_handler(10, [](int) {}), std::logic_error);
    EXPECT_THROW(preceding.set_irq_handler(3, [](int) {}), std::logic_error);  // com2's line
}

TEST_F(KernelTest, SystemCallsDispatchByNumberAndChargeTheirCost) {
    os::Process& proc = preceding.spawn("monitor");
    preceding.register_syscall(400, "add", [](os::Process& p, std::span<const std::uint64_t> a) {
        return static_cast<std::int64_t>(a[0] + a[1] + static_cast<std::uint64_t>(p.pid));
    });
    const std::array<std::uint64_t, 2> args{40, 1};
    const Ticks busy_before = twin.machine().cpu().stats(Ticks{0}).busy[0];
    EXPECT_EQ(preceding.syscall(proc, 400, args), 42);
    EXPECT_EQ(preceding.syscall(proc, 401, args), os::kNoSuchSyscall);
    EXPECT_EQ(preceding.syscalls_made(), 2u);
    EXPECT_EQ(twin.machine().cpu().stats(Ticks{0}).busy[0] - busy_before, costs::kSystemCall * 2);
    EXPECT_THROW(preceding.register_syscall(400, "again", nullptr), std::logic_error);
}

TEST_F(KernelTest, ChargingTheOsThatIsNotRunningIsABug) {
    // Before boot the CPU is in the preceding OS.
    EXPECT_THROW(coexisting.charge(Ticks{10}), std::logic_error);
}

TEST_F(KernelTest, ProcessesHaveSeparateAddressSpacesInsideTheirPartition) {
    os::Process& a = coexisting.spawn("client");
    os::Process& b = coexisting.spawn("other");
    EXPECT_NE(a.pid, b.pid);
    ASSERT_TRUE(coexisting.map_new_pages(a.space, VirtAddr{0x400000}, 3, Perm::ReadWrite));
    EXPECT_EQ(a.space.entries().size(), 3u);
    EXPECT_TRUE(b.space.entries().empty());
    for (const auto& [vpn, e] : a.space.entries()) {
        EXPECT_TRUE(coexisting.partition().contains_range(e.frame, kPageSize)) << vpn;
    }
    const std::array<std::byte, 2> hi{std::byte{'h'}, std::byte{'i'}};
    a.space.write(VirtAddr{0x402ffe}, hi);
    EXPECT_THROW(b.space.write(VirtAddr{0x402ffe}, hi), PageFault);
}

TEST_F(KernelTest, MapNewPagesIsAllOrNothingWhenFramesRunOut) {
    os::Process& p = coexisting.spawn("hog");
    const std::uint64_t free_before = coexisting.frames().free_frames();
    EXPECT_FALSE(coexisting.map_new_pages(p.space, VirtAddr{0}, free_before + 1, Perm::Read));
    EXPECT_TRUE(p.space.entries().empty());
    EXPECT_EQ(coexisting.frames().free_frames(), free_before);
    EXPECT_TRUE(coexisting.map_new_pages(p.space, VirtAddr{0}, 2, Perm::Read));
    EXPECT_EQ(coexisting.frames().free_frames(), free_before - 2);
}

}  // namespace
}  // namespace twinos::test
