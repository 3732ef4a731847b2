// SPDX-License-Identifier: MIT
// Chapter 2 tests: the event queue orders by (tick, scheduling order).
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <set>
#include <string>
#include <utility>
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

TEST(EventQueue, NextDueIsTheEarliestWaitingEvent) {
    // What the live wire sleeps until (chapter 3).
    Machine m(probe_config(), probe_factory());
    ProbeDevice& dev = probe(m, "probe_p");
    m.run_until(Ticks{10});
    const Ticks idle = m.clock().next_due();  // the machine's own events, if any
    dev.at(Ticks{50}, [] {});
    dev.at(Ticks{20}, [] {});
    EXPECT_EQ(m.clock().next_due(), std::min(idle, Ticks{20}));
    m.run_until(Ticks{20});
    EXPECT_EQ(m.clock().next_due(), std::min(idle, Ticks{50}));
    m.run_until(Ticks{50});
    EXPECT_TRUE(m.clock().pending() > 0 || m.clock().next_due() == Ticks::max());
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

// The queue keeps its next 16 events in a vector sorted latest first and the
// rest in a heap behind it. The order must be exactly the plain
// definition's: at every firing, the earliest (time, scheduling order) of
// everything pending. Events schedule more events from inside their
// handlers, through both kinds of handler, with many equal times, and the
// queue grows far past the first tier and shrinks again.
TEST(EventQueue, FiringOrderMatchesTheDefinitionUnderRandomLoad) {
    Machine m(probe_config(), probe_factory());
    ProbeDevice& dev = probe(m, "probe_p");
    std::mt19937_64 random(20261201);
    std::set<std::pair<std::int64_t, std::uint64_t>> expected;  // (time, scheduling order)
    std::uint64_t scheduled = 0;
    std::uint64_t fired = 0;
    std::size_t longest = 0;
    std::function<void(int)> schedule_some;
    auto fire = [&](std::int64_t at, std::uint64_t order, int depth) {
        ASSERT_FALSE(expected.empty());
        EXPECT_EQ(*expected.begin(), std::make_pair(at, order)) << "firing " << fired;
        EXPECT_EQ(m.clock().now().count(), at);
        expected.erase(expected.begin());
        ++fired;
        if (depth < 3) schedule_some(depth + 1);
    };
    std::vector<std::pair<std::int64_t, int>> bound_events;  // by word: time and depth
    dev.on_word = [&](std::uint64_t word) {
        fire(bound_events[word].first, word, bound_events[word].second);
    };
    schedule_some = [&](int depth) {
        const int count = static_cast<int>(random() % (depth == 0 ? 60 : 4));
        for (int i = 0; i < count; ++i) {
            // Few distinct times, so equal times are common.
            const std::int64_t at =
                m.clock().now().count() + static_cast<std::int64_t>(random() % 8) * 10;
            const std::uint64_t order = scheduled++;
            expected.insert({at, order});
            if (random() % 2) {
                if (bound_events.size() <= order) bound_events.resize(order + 1);
                bound_events[order] = {at, depth};
                dev.at_bound(Ticks{at}, order);
            } else {
                dev.at(Ticks{at}, [&fire, at, order, depth] { fire(at, order, depth); });
            }
        }
        longest = std::max(longest, m.clock().pending());
    };
    for (int round = 0; round < 200; ++round) {
        schedule_some(0);
        m.run_until(m.clock().now() + Ticks{static_cast<std::int64_t>(random() % 60)});
    }
    m.run_until(m.clock().now() + Ticks{1000});
    EXPECT_TRUE(expected.empty());
    EXPECT_EQ(fired, scheduled);
    EXPECT_GT(longest, 64u) << "the queue never grew past its first tier";
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
