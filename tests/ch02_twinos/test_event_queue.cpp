// SPDX-License-Identifier: MIT
// Chapter 2 tests: the event queue orders by (tick, scheduling order).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_machine.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;

TEST(EventQueue, FiresEventsInTimeOrder) {
    Machine m(probe_config(), probe_factory());
    ProbeDevice& dev = probe(m, "probe_p");
    std::vector<std::int64_t> fired;
    for (std::int64_t t : {500, 100, 300, 200, 400}) {
        dev.at(Ticks{t}, [&, t] { fired.push_back(t); });
    }
    m.run_until(Ticks{1000});
    EXPECT_EQ(fired, (std::vector<std::int64_t>{100, 200, 300, 400, 500}));
}

TEST(EventQueue, EqualTimesFireInSchedulingOrder) {
    Machine m(probe_config(), probe_factory());
    ProbeDevice& dev = probe(m, "probe_p");
    std::string order;
    for (char c : std::string("abcdefgh")) dev.at(Ticks{42}, [&, c] { order += c; });
    m.run_until(Ticks{42});
    EXPECT_EQ(order, "abcdefgh");
}

TEST(EventQueue, ClockReadsTheEventTimeInsideTheAction) {
    Machine m(probe_config(), probe_factory());
    ProbeDevice& dev = probe(m, "probe_p");
    Ticks seen{-1};
    dev.at(Ticks{777}, [&] { seen = m.clock().now(); });
    m.run_until(Ticks{10'000});
    EXPECT_EQ(seen, Ticks{777});
    EXPECT_EQ(m.clock().now(), Ticks{10'000});
}

TEST(EventQueue, RunUntilLeavesLaterEventsPending) {
    Machine m(probe_config(), probe_factory());
    ProbeDevice& dev = probe(m, "probe_p");
    int fired = 0;
    dev.at(Ticks{100}, [&] { ++fired; });
    dev.at(Ticks{101}, [&] { ++fired; });
    m.run_until(Ticks{100});
    EXPECT_EQ(fired, 1);
    EXPECT_EQ(m.clock().pending(), 1u);
    m.run_until(Ticks{101});
    EXPECT_EQ(fired, 2);
}

TEST(EventQueue, EventScheduledForNowFromAnActionFiresAfterIt) {
    Machine m(probe_config(), probe_factory());
    ProbeDevice& dev = probe(m, "probe_p");
    std::string order;
    dev.at(Ticks{10}, [&] {
        order += "first";
        dev.at(Ticks{10}, [&] { order += ",nested"; });
    });
    dev.at(Ticks{10}, [&] { order += ",second"; });
    m.run_until(Ticks{10});
    EXPECT_EQ(order, "first,second,nested");
}

TEST(EventQueue, RefusesAnEventInThePast) {
    Machine m(probe_config(), probe_factory());
    ProbeDevice& dev = probe(m, "probe_p");
    m.run_until(Ticks{1000});
    EXPECT_THROW(dev.at(Ticks{999}, [] {}), std::logic_error);
    EXPECT_EQ(m.clock().pending(), 0u);
}

}  // namespace
}  // namespace twinos::test
