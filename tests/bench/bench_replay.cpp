// SPDX-License-Identifier: MIT
// Benchmark (host time, not a test): frames per second of capture replay
// through the original machine -- NIC DMA, interrupts, the driver's trapped-
// free I/O, network input -- for the test corpus and a generated
// 1,000,000-frame capture. Printed, never asserted.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "twinos/edge/capture_generator.h"
#include "twinos/edge/pcap_replay.h"
#include "twinos/twin_os.h"

namespace {

using namespace twinos;
using namespace twinos::machine;
namespace fs = std::filesystem;

// Replay one file; return the frames that reached the co-existing OS's stack.
std::uint64_t replay(const std::string& path) {
    auto source = edge::PcapReplay::open(path);
    os::TwinOsOptions options;
    options.nic_driver.rx_buffer_bytes = 8191;
    options.nic_driver.promiscuous = true;
    os::TwinOs twin(MachineConfig::original(), options);
    twin.boot();
    twin.run_until(milliseconds(1));
    twin.machine().link().play(*source, twin.machine().clock().now());
    while (twin.machine().link().playing()) twin.run_until(twin.machine().link().next_arrival());
    twin.run_until(twin.machine().clock().now() + milliseconds(1));
    return twin.kernel(OsId::Coexisting).net().stats().rx_frames;
}

void BM_ReplayCorpus(benchmark::State& state) {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(fs::path(TWINOS_TEST_DATA) / "pcaps/ethernet")) {
        files.push_back(e.path().string());
    }
    std::uint64_t frames = 0;
    for (auto _ : state) {
        for (const std::string& f : files) frames += replay(f);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(frames));
    state.counters["files"] = static_cast<double>(files.size());
}
BENCHMARK(BM_ReplayCorpus)->Unit(benchmark::kMillisecond);

void BM_ReplayGenerated(benchmark::State& state, std::vector<std::uint32_t> sizes) {
    const std::string path =
        (fs::temp_directory_path() / ("twinos-bench-" + std::to_string(sizes.size()) + ".pcap"))
            .string();
    edge::write_generated_capture(path, {1'000'000, sizes, microseconds(20)});
    std::uint64_t frames = 0;
    for (auto _ : state) frames += replay(path);
    state.SetItemsProcessed(static_cast<std::int64_t>(frames));
    fs::remove(path);
}
BENCHMARK_CAPTURE(BM_ReplayGenerated, udp64_1M, std::vector<std::uint32_t>{64})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_ReplayGenerated, mixed_1M, edge::kMixedFrameSizes)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
