// SPDX-License-Identifier: MIT
// Chapter 7: the cost model -- the paper's constants by default, changeable
// per machine, and what the machine charges follows it.
#include <gtest/gtest.h>

#include <stdexcept>

#include "twinos/machine/config_error.h"
#include "twinos/machine/cost_model.h"
#include "twinos/machine/machine_config.h"
#include "twinos/twin_os.h"

namespace {

using namespace twinos::machine;

TEST(CostModel, ItsTable1IsTheCostConstants) {
    const CostModel m;
    EXPECT_EQ(m.step_a(), costs::kPseudoNicInterruptEntry + costs::kPseudoNicPerPacket);
    EXPECT_EQ(m.step_b(), costs::kOsSwitch);
    EXPECT_EQ(m.step_c_original(), costs::kDriverInterruptEntry + costs::kDriverPerPacket);
    EXPECT_EQ(m.step_c(), m.step_c_original() + costs::kTrappedIo * 5);
    EXPECT_EQ(m.step_d(), costs::kReturnToInterruptedOs);
    for (std::uint64_t bytes : {0ull, 53ull, 200ull, 1514ull, 1536ull, 9000ull})
        EXPECT_EQ(m.copy(bytes), costs::copy_cost(bytes)) << bytes;
    // The paper's printed figures, to the 10 ns the paper gives.
    EXPECT_EQ(m.step_a(), nanoseconds(1990));
    EXPECT_EQ(m.step_b(), nanoseconds(3990));
    EXPECT_EQ(m.step_c_original(), nanoseconds(4130));
    EXPECT_EQ(m.step_d(), nanoseconds(750));
}

TEST(CostModel, EveryNamedCostCanBeSetAndReadBack) {
    CostModel m;
    std::int64_t value = 1;
    for (const std::string& name : cost_names()) {
        set_cost(m, name, Ticks{value});
        EXPECT_EQ(get_cost(m, name), Ticks{value}) << name;
        ++value;
    }
    // Each name reached a field of its own: they all still differ.
    value = 1;
    for (const std::string& name : cost_names()) EXPECT_EQ(get_cost(m, name), Ticks{value++});
}

TEST(CostModel, AnUnknownNameOrANegativeCostIsRefusedByName) {
    CostModel m;
    try {
        set_cost(m, "os-swich", nanoseconds(1));
        FAIL() << "no error";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("os-swich"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("os-switch"), std::string::npos) << e.what();
    }
    EXPECT_THROW(set_cost(m, "trapped-io", nanoseconds(-1)), std::invalid_argument);
    EXPECT_EQ(m.trapped_io, costs::kTrappedIo) << "nothing half-applied";

    MachineConfig config = MachineConfig::shared_nic();
    config.costs.return_to_interrupted = nanoseconds(-5);
    try {
        validate(config);
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("costs.return"), std::string::npos) << e.what();
    }
}

TEST(CostModel, TheMachineChargesTheModelItWasGiven) {
    // Boot only: the preceding OS hands over to the co-existing OS once (a
    // Boot switch) and each kernel charges its boot work.
    auto boot_time = [](const CostModel& model) {
        MachineConfig config = MachineConfig::standard();
        config.costs = model;
        twinos::os::TwinOs twin(config);
        twin.boot();
        twin.run_until(milliseconds(1));
        const CpuStats s = twin.machine().cpu().stats(twin.machine().cpu().free_at());
        return std::pair{s.switching, s.busy[0] + s.busy[1]};
    };
    CostModel changed;
    changed.os_switch = nanoseconds(1000);
    changed.kernel_boot = microseconds(80);
    const auto [paper_switching, paper_busy] = boot_time(CostModel{});
    const auto [changed_switching, changed_busy] = boot_time(changed);
    ASSERT_GT(paper_switching, Ticks{0});
    EXPECT_EQ(paper_switching.count() % costs::kOsSwitch.count(), 0);
    EXPECT_EQ(changed_switching.count(), paper_switching.count() / costs::kOsSwitch.count() * 1000);
    EXPECT_EQ(changed_busy - paper_busy, (microseconds(80) - costs::kKernelBoot) * 2);
}

}  // namespace
