// SPDX-License-Identifier: MIT
// Chapter 7: the sec. 4.4 formula, the load-curve summary, and the
// prediction checked against the load experiment (lab 7 is graded here).
#include <gtest/gtest.h>

#include <random>

#include "twinos/eval/load_experiment.h"
#include "twinos/eval/throughput_model.h"

namespace {

using namespace twinos::eval;
using twinos::machine::CostModel;
using twinos::machine::nanoseconds;

// Independent of the code under test: bits of one MTU over the steps' ns.
double by_hand(double a, double b, double c, double copy) {
    return 1500.0 * 8.0 / (a + b + c + copy) * 1000.0;
}

TEST(Formula, ThePapersModelGivesMtuOverTheSumOfABCAndTheCopy) {
    const CostModel paper;
    const double expected = by_hand(1990, 3990, 7320, 370);  // 53-byte copy
    EXPECT_NEAR(predicted_mbps(paper, 53), expected, 1e-9);
    // The paper printed 879 and 838; its own Table 1 gives 877.8 and 838.6.
    EXPECT_NEAR(predicted_mbps(paper, 53), 877.8, 0.05);
    EXPECT_NEAR(predicted_mbps(paper, 1536), 838.6, 0.05);
}

TEST(Formula, LeavesOutTheReturnAndGivesZeroForAPathThatTakesNoTime) {
    CostModel slow_return;
    slow_return.return_to_interrupted = nanoseconds(50000);
    EXPECT_DOUBLE_EQ(predicted_mbps(slow_return, 53), predicted_mbps(CostModel{}, 53));
    EXPECT_EQ(throughput_mbps(StepTimes{}), 0.0);
    EXPECT_EQ(throughput_mbps(StepTimes{0, 0, 0, 0, 5000}), 0.0) << "(D) alone is no path";
    EXPECT_NEAR(throughput_mbps(StepTimes{0, 0, 0, 8000}, 1000), 1000.0, 1e-9);  // 8000 bits / 8 us
    EXPECT_NEAR(throughput_mbps(StepTimes{0, 0, 0, 8000, 8000}, 1000), 1000.0, 1e-9);
}

TEST(Formula, FollowsEveryStepOfAnyModel) {
    std::mt19937 random(7);
    std::uniform_int_distribution<int> ns(100, 20000);
    for (int i = 0; i < 200; ++i) {
        const StepTimes s{double(ns(random)), double(ns(random)), double(ns(random)),
                          double(ns(random)), double(ns(random))};
        EXPECT_NEAR(throughput_mbps(s), by_hand(s.a_ns, s.b_ns, s.c_ns, s.copy_ns), 1e-6) << i;
    }
}

LoadPoint point(double offered, double delivered, std::uint64_t lost, double per_interrupt) {
    LoadPoint p;
    p.offered_mbps = offered;
    p.delivered_mbps = delivered;
    p.lost = lost;
    p.packets_per_interrupt = per_interrupt;
    return p;
}

TEST(LoadSummary, FindsTheKneesAndTheSaturationInAnyOrder) {
    // Offered out of order on purpose; 500 batches, 700 loses, 800 loses less.
    const std::vector<LoadPoint> curve = {point(700, 650, 30, 3.0), point(100, 100, 0, 1.0),
                                          point(500, 500, 0, 1.2),  point(300, 300, 0, 1.0),
                                          point(800, 640, 10, 4.0), point(600, 600, 0, 2.0)};
    const LoadSummary s = summarize_load_curve(curve);
    EXPECT_DOUBLE_EQ(s.saturation_mbps, 650);
    EXPECT_DOUBLE_EQ(s.lossless_up_to_mbps, 600);
    EXPECT_DOUBLE_EQ(s.first_loss_at_mbps, 700);
    EXPECT_DOUBLE_EQ(s.one_interrupt_per_packet_up_to_mbps, 300);
    EXPECT_DOUBLE_EQ(s.delivered_at_max_offered_mbps, 640);
}

TEST(LoadSummary, ALosslessPointAfterTheFirstLossDoesNotMoveTheKnee) {
    const std::vector<LoadPoint> curve = {point(100, 100, 0, 1.0), point(200, 190, 5, 1.0),
                                          point(300, 300, 0, 1.005), point(400, 380, 9, 1.5)};
    const LoadSummary s = summarize_load_curve(curve);
    EXPECT_DOUBLE_EQ(s.lossless_up_to_mbps, 100);
    EXPECT_DOUBLE_EQ(s.first_loss_at_mbps, 200);
    EXPECT_DOUBLE_EQ(s.one_interrupt_per_packet_up_to_mbps, 300);  // 1.005 counts as one
    EXPECT_DOUBLE_EQ(s.saturation_mbps, 380);
}

TEST(LoadSummary, AnEmptyCurveOrOneThatAlwaysLosesGivesZeros) {
    const LoadSummary empty = summarize_load_curve({});
    EXPECT_EQ(empty.saturation_mbps, 0);
    EXPECT_EQ(empty.delivered_at_max_offered_mbps, 0);
    const LoadSummary lossy = summarize_load_curve({point(100, 90, 1, 2.0)});
    EXPECT_EQ(lossy.lossless_up_to_mbps, 0);
    EXPECT_EQ(lossy.one_interrupt_per_packet_up_to_mbps, 0);
    EXPECT_EQ(lossy.first_loss_at_mbps, 100);
    EXPECT_EQ(lossy.saturation_mbps, 90);
}

TEST(LoadSummary, ABatchedLowLoadEndsTheOneInterruptRegimeThere) {
    // 200 batched; 300 does not, but the regime ended at 200 ("at it and
    // every lower load").
    const std::vector<LoadPoint> curve = {point(300, 300, 0, 1.0), point(100, 100, 0, 1.0),
                                          point(200, 200, 0, 1.5), point(400, 400, 0, 2.0)};
    EXPECT_DOUBLE_EQ(summarize_load_curve(curve).one_interrupt_per_packet_up_to_mbps, 100);
    // Batched from the lowest load on: no one-interrupt regime at all.
    EXPECT_EQ(summarize_load_curve({point(100, 100, 0, 1.2), point(200, 200, 0, 1.0)})
                  .one_interrupt_per_packet_up_to_mbps,
              0);
}

// Where the simulated machine stops giving every packet its own interrupt:
// load points from 70% to 140% of `around`, 2.5% apart, two quanta or more each.
double measured_knee(const CostModel& model, double around) {
    LoadOptions o;
    o.costs = model;
    o.frames_per_point = 2500;
    o.offered_mbps.clear();
    for (int step = 28; step <= 56; ++step) o.offered_mbps.push_back(around * step / 40.0);
    return summarize_load_curve(run_load_curve(o)).one_interrupt_per_packet_up_to_mbps;
}

// The formula leaves out a switch and the return, so the knee the machine
// measures is never above what it predicts.
TEST(Prediction, TheFormulaIsAnUpperBoundOnTheKnee) {
    CostModel halved;
    halved.os_switch = nanoseconds(CostModel{}.os_switch.count() / 2);
    ASSERT_GT(predicted_mbps(halved, 53), predicted_mbps(CostModel{}, 53))
        << "a cheaper switch must predict more";
    for (const CostModel& m : {CostModel{}, halved}) {
        const double formula = predicted_mbps(m, 53);
        const double knee = measured_knee(m, formula * 0.85);
        EXPECT_GT(knee, 0) << "the curve must start below the knee";
        EXPECT_LE(knee, formula);
    }
}

// Lab 7's experiment: predict the knee for a cost model, then find it. Three
// models: the paper's, the OS switch halved, and a return dearer than the
// switch (so that a different path sets the knee). Each knee must lie within
// 10% of the prediction.
TEST(Prediction, YourKneeIsWhereTheMachineStopsGivingEachPacketItsOwnInterrupt) {
    CostModel halved;
    halved.os_switch = nanoseconds(CostModel{}.os_switch.count() / 2);
    CostModel slow_return;
    slow_return.return_to_interrupted = nanoseconds(8000);
    for (const auto& [name, m] :
         {std::pair{"paper", CostModel{}}, std::pair{"halved switch", halved},
          std::pair{"slow return", slow_return}}) {
        const double predicted = knee_mbps(m, 53);
        ASSERT_GT(predicted, 0) << name;
        const double knee = measured_knee(m, predicted);
        EXPECT_NEAR(knee, predicted, predicted * 0.10) << name;
    }
    CostModel free;
    for (const std::string& cost : twinos::machine::cost_names())
        twinos::machine::set_cost(free, cost, nanoseconds(0));
    EXPECT_EQ(knee_mbps(free, 53), 0.0) << "a path that takes no time";
}

}  // namespace
