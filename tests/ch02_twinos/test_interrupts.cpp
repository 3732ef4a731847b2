// SPDX-License-Identifier: MIT
// Chapter 2 tests: IRQ lines are owned, and an IRQ to a non-running owner
// costs exactly one switch there and one return.
#include <gtest/gtest.h>

#include "test_machine.h"
#include "twinos/machine/costs.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;

// A machine with no time sharing running: the CPU stays in the preceding OS
// unless an interrupt moves it.
class InterruptTest : public ::testing::Test {
protected:
    Machine m{probe_config(), probe_factory()};
    InterruptController& irqs = m.irqs();
    ProbeDevice& dev_p = probe(m, "probe_p");
    ProbeDevice& dev_c = probe(m, "probe_c");
};

TEST_F(InterruptTest, IrqForTheRunningOwnerRunsWithoutASwitch) {
    OsId ran_in = OsId::Coexisting;
    irqs.set_handler(OsId::Preceding, 10, [&](int) { ran_in = m.cpu().running(); });
    dev_p.raise_at(Ticks{1000});
    m.run_until(Ticks{2000});
    EXPECT_EQ(ran_in, OsId::Preceding);
    EXPECT_EQ(m.cpu().stats(m.clock().now()).total_switches(), 0u);
    EXPECT_EQ(irqs.counters(OsId::Preceding).delivered, 1u);
    EXPECT_EQ(irqs.counters(OsId::Preceding).while_running, 1u);
}

TEST_F(InterruptTest, TheHandlerAndTheTraceSeeTheLinesOwnNumber) {
    m.trace().set_mask(static_cast<std::uint32_t>(TraceFlag::Irq));
    m.trace().keep_lines(true);
    int seen = -1;
    irqs.set_handler(OsId::Coexisting, 11, [&](int irq) { seen = irq; });
    dev_c.raise_at(Ticks{1000});
    m.run_until(Ticks{50'000});
    EXPECT_EQ(seen, 11);
    ASSERT_FALSE(m.trace().lines().empty());
    EXPECT_NE(m.trace().lines()[0].find("irq 11 raised by probe_c"), std::string::npos)
        << m.trace().lines()[0];
}

TEST_F(InterruptTest, IrqForTheNonRunningOwnerCausesExactlyOneSwitchAndOneReturn) {
    OsId ran_in = OsId::Preceding;
    Ticks handler_started{-1};
    irqs.set_handler(OsId::Coexisting, 11, [&](int) {
        ran_in = m.cpu().running();
        handler_started = m.cpu().free_at();
        m.cpu().charge(OsId::Coexisting, Ticks{4130});  // the driver's work
    });
    dev_c.raise_at(Ticks{1000});
    m.run_until(Ticks{100'000});

    EXPECT_EQ(ran_in, OsId::Coexisting);
    CpuStats s = m.cpu().stats(m.clock().now());
    EXPECT_EQ(s.switches[static_cast<int>(SwitchReason::Irq)], 1u);
    EXPECT_EQ(s.switches[static_cast<int>(SwitchReason::Return)], 1u);
    EXPECT_EQ(s.total_switches(), 2u);
    EXPECT_EQ(m.cpu().running(), OsId::Preceding);  // (D) returned
    // (B) then the handler then (D): 3.99 µs + 4.13 µs + 0.75 µs.
    EXPECT_EQ(handler_started, Ticks{1000} + costs::kOsSwitch);
    EXPECT_EQ(m.cpu().free_at(),
              Ticks{1000} + costs::kOsSwitch + Ticks{4130} + costs::kReturnToInterruptedOs);
    EXPECT_EQ(s.switching, costs::kOsSwitch + costs::kReturnToInterruptedOs);
    EXPECT_EQ(irqs.counters(OsId::Coexisting).with_switch, 1u);
}

TEST_F(InterruptTest, AnOsCannotInstallAHandlerOnTheOtherOsLine) {
    EXPECT_THROW(irqs.set_handler(OsId::Coexisting, 10, [](int) {}), std::logic_error);
    EXPECT_THROW(irqs.set_handler(OsId::Preceding, 11, [](int) {}), std::logic_error);
    EXPECT_THROW(irqs.set_handler(OsId::Preceding, 9, [](int) {}), std::logic_error);  // unassigned
}

TEST_F(InterruptTest, RaiseWhilePendingIsCoalescedIntoOneDelivery) {
    int runs = 0;
    irqs.set_handler(OsId::Coexisting, 11, [&](int) { ++runs; });
    dev_c.at(Ticks{500}, [&] {
        dev_c.raise_now();
        dev_c.raise_now();
        dev_c.raise_now();
    });
    m.run_until(Ticks{100'000});
    EXPECT_EQ(runs, 1);
    EXPECT_EQ(irqs.counters(OsId::Coexisting).coalesced, 2u);
}

TEST_F(InterruptTest, IrqWithNoHandlerIsCountedSpuriousAndCausesNoSwitch) {
    dev_c.raise_at(Ticks{500});
    m.run_until(Ticks{100'000});
    EXPECT_EQ(irqs.counters(OsId::Coexisting).spurious, 1u);
    EXPECT_EQ(irqs.counters(OsId::Coexisting).delivered, 0u);
    EXPECT_EQ(m.cpu().stats(m.clock().now()).total_switches(), 0u);
}

TEST_F(InterruptTest, DeliveryWaitsUntilTheCpuFinishesMaskedWork) {
    std::vector<Ticks> delivered_at;
    irqs.set_handler(OsId::Preceding, 10, [&](int) {
        delivered_at.push_back(m.clock().now());
        m.cpu().charge(OsId::Preceding, Ticks{10'000});
    });
    dev_p.raise_at(Ticks{1000});
    dev_p.raise_at(Ticks{2000});  // arrives while the first handler still runs
    m.run_until(Ticks{100'000});
    ASSERT_EQ(delivered_at.size(), 2u);
    EXPECT_EQ(delivered_at[0], Ticks{1000});
    EXPECT_EQ(delivered_at[1], Ticks{11'000});
}

TEST_F(InterruptTest, RaisingAnUnassignedLineIsABug) {
    EXPECT_THROW(irqs.raise(7), std::logic_error);
}

}  // namespace
}  // namespace twinos::test
