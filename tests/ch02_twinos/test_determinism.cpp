// SPDX-License-Identifier: MIT
// Chapter 2 tests: the same configuration and inputs give the same trace.
#include <gtest/gtest.h>

#include <random>

#include "test_machine.h"
#include "twinos/twin_os.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;
using twinos::os::TwinOs;

struct RunResult {
    std::uint64_t hash;
    std::uint64_t lines;
    std::string summary;
};

// Boot, then let both probe devices interrupt at seeded random times, with
// handlers doing seeded amounts of work.
RunResult run_scenario(std::uint32_t seed, Ticks quantum) {
    MachineConfig config = probe_config();
    config.quantum = quantum;
    TwinOs twin(config, probe_factory());
    Machine& m = twin.machine();
    m.trace().set_mask(parse_trace_flags("all"));
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::int64_t> when(200'000, 20'000'000);
    std::uniform_int_distribution<std::int64_t> work(500, 20'000);
    for (OsId os : kBothOses) {
        const int irq = os == OsId::Preceding ? 10 : 11;
        const Ticks cost{work(rng)};
        twin.kernel(os).set_irq_handler(irq,
                                        [&twin, os, cost](int) { twin.kernel(os).charge(cost); });
        ProbeDevice& dev = probe(m, os == OsId::Preceding ? "probe_p" : "probe_c");
        for (int i = 0; i < 50; ++i) dev.raise_at(Ticks{when(rng)});
    }
    twin.boot();
    twin.run_until(milliseconds(25));
    return {m.trace().hash(), m.trace().count(), m.halt().format()};
}

TEST(Determinism, SameSeedGivesTheSameTraceAndSummary) {
    for (std::uint32_t seed = 1; seed <= 5; ++seed) {
        RunResult a = run_scenario(seed, milliseconds(1));
        RunResult b = run_scenario(seed, milliseconds(1));
        EXPECT_EQ(a.hash, b.hash) << "seed " << seed << " is not deterministic";
        EXPECT_EQ(a.summary, b.summary) << "seed " << seed;
        EXPECT_GT(a.lines, 100u);
    }
}

TEST(Determinism, DifferentInputsGiveDifferentTraces) {
    // The hash must actually depend on what happened.
    EXPECT_NE(run_scenario(1, milliseconds(1)).hash, run_scenario(2, milliseconds(1)).hash);
    EXPECT_NE(run_scenario(1, milliseconds(1)).hash, run_scenario(1, milliseconds(2)).hash);
}

}  // namespace
}  // namespace twinos::test
