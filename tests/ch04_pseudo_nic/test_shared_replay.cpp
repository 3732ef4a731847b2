// SPDX-License-Identifier: MIT
// Chapter 4 tests: every capture replays through the pseudo NIC exactly as
// through the original machine; determinism; no starvation under a flood.
#include <gtest/gtest.h>

#include <filesystem>

#include "pseudo_bench.h"
#include "twinos/edge/fig6_scenario.h"
#include "twinos/edge/pcap_replay.h"

namespace twinos::test {
namespace {

namespace fs = std::filesystem;

template <typename Bench>
std::vector<std::vector<std::byte>> replay(const fs::path& path) {
    auto source = edge::PcapReplay::open(path);
    os::DriverOptions options;
    options.rx_buffer_bytes = 8191;
    options.promiscuous = true;
    Bench b(options);
    b.machine().link().play(*source, b.machine().clock().now());
    while (b.machine().link().playing()) b.twin().run_until(b.machine().link().next_arrival());
    b.run_for(milliseconds(1));
    return std::move(b.received);
}

TEST(SharedReplay, EveryEthernetFileDeliversExactlyWhatTheOriginalMachineDelivers) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(fs::path(TWINOS_TEST_DATA) / "pcaps/ethernet")) {
        files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    ASSERT_EQ(files.size(), 44u);
    std::size_t frames = 0;
    for (const fs::path& file : files) {
        SCOPED_TRACE(file.filename().string());
        const auto original = replay<DriverBench>(file);
        const auto shared = replay<PseudoBench>(file);
        EXPECT_EQ(shared, original);
        frames += shared.size();
    }
    EXPECT_GT(frames, 2000u);
}

TEST(SharedReplay, TheFig6ScenarioRunsBehindThePseudoNic) {
    pseudonic::SharedNicSystem system(MachineConfig::shared_nic(32ull << 20));
    edge::Fig6Options options;
    options.count = 400;
    edge::Fig6Scenario scenario(system.twin(), options);
    ASSERT_TRUE(scenario.run());
    EXPECT_EQ(scenario.client()->stats().corrupt, 0u);
    EXPECT_EQ(system.pseudo_nic()->security().total(), 0u);
}

std::pair<std::uint64_t, std::string> traced_run(std::uint32_t count) {
    pseudonic::SharedNicSystem system(MachineConfig::shared_nic(32ull << 20));
    system.twin().machine().trace().set_mask(parse_trace_flags("all"));
    edge::Fig6Options options;
    options.count = count;
    edge::Fig6Scenario scenario(system.twin(), options);
    scenario.run();
    return {system.twin().machine().trace().hash(), system.twin().machine().halt().format()};
}

TEST(SharedReplay, RunsAreDeterministic) {
    const auto a = traced_run(300), b = traced_run(300);
    EXPECT_EQ(a.first, b.first);
    EXPECT_EQ(a.second, b.second);
    EXPECT_NE(traced_run(301).first, a.first);
}

TEST(SharedReplay, AFloodOfReceiveInterruptsDoesNotStarveTimeSharing) {
    PseudoBench b;
    // Minimum-size frames back to back at 100 Mbit/s for 100 ms: one every
    // 6.72 µs, faster than a 14 µs receive path can take them one by one.
    const Ticks gap = b.machine().link().wire_time(60);
    const int n = static_cast<int>(milliseconds(100).count() / gap.count());
    for (int i = 0; i < n; ++i)
        b.send_in(gap * (i + 1), test_frame(60, static_cast<std::uint8_t>(i), b.mac()));
    const std::uint64_t ticks_before = b.machine().time_sharing().ticks();
    const CpuStats before = b.machine().cpu().stats(b.machine().clock().now());
    b.run_for(milliseconds(100));
    const CpuStats after = b.machine().cpu().stats(b.machine().clock().now());
    // Ten quanta passed: ten timer switches still happened, and both OSes held the CPU.
    EXPECT_GE(b.machine().time_sharing().ticks() - ticks_before, 9u);
    EXPECT_GT(after.held[0] - before.held[0], milliseconds(10));
    EXPECT_GT(after.held[1] - before.held[1], milliseconds(10));
    // Interrupts carried several frames each, and frames were delivered throughout.
    EXPECT_LT(b.pseudo().counters().rx_interrupts, static_cast<std::uint64_t>(n));
    EXPECT_GT(b.received.size(), static_cast<std::size_t>(n) / 2);
}

}  // namespace
}  // namespace twinos::test
