// SPDX-License-Identifier: MIT
// Benchmark (host time, not a test): the paper's Fig. 7 on this machine --
// the time to copy a slice into the log ring, by slice length, beside a raw
// memcpy of the same length in the same run -- plus BPF cost per packet and
// capture throughput. Printed, never asserted.
#include <benchmark/benchmark.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "../common/compile_filter.h"
#include "capture/bpf.h"
#include "capture/log_reader.h"
#include "capture/log_ring.h"
#include "twinos/eval/log_area_fixture.h"
#include "twinos/net/packet.h"

namespace {

using namespace twinos::machine;
constexpr int kBatch = 64;  // copies timed together (clock overhead)

// The same log area Fig. 7 in `twinos eval` times (16 MiB, pages touched).
using Ring = twinos::eval::LogAreaFixture;
constexpr std::uint64_t kArea = Ring::kArea;

template <typename F, typename G = void (*)()>
void timed(
    benchmark::State& state, F body, G between = [] {}) {
    double min = std::numeric_limits<double>::max(), max = 0, total = 0;
    std::uint64_t batches = 0;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < kBatch; ++i) body();
        const double ns =
            std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0)
                .count() /
            kBatch;
        state.PauseTiming();
        between();
        state.ResumeTiming();
        min = std::min(min, ns);
        max = std::max(max, ns);
        total += ns;
        ++batches;
    }
    state.counters["min_ns"] = min;
    state.counters["mean_ns"] = total / static_cast<double>(batches);
    state.counters["max_ns"] = max;
    state.SetItemsProcessed(static_cast<std::int64_t>(batches) * kBatch);
}

// Fig. 7: the copy itself, with the monitor AP reading between batches so
// that no record is overwritten (as in the paper's measurement). The
// overwrite path is measured by BM_RingCopyOverwriting.
void BM_RingCopy(benchmark::State& state) {
    Ring r;
    const std::vector<std::byte> slice(static_cast<std::size_t>(state.range(0)), std::byte{0x5a});
    capture::RecordHeader h;
    h.original_length = 1514;
    timed(
        state, [&] { benchmark::DoNotOptimize(r.ring->append(h, slice)); },
        [&] { r.reader->drain([](const capture::RecordHeader&, std::span<const std::byte>) {}); });
    state.SetBytesProcessed(state.items_processed() * state.range(0));
}

void BM_RingCopyOverwriting(benchmark::State& state) {
    Ring r;
    const std::vector<std::byte> slice(static_cast<std::size_t>(state.range(0)), std::byte{0x5a});
    capture::RecordHeader h;
    timed(state, [&] { benchmark::DoNotOptimize(r.ring->append(h, slice)); });
}
BENCHMARK(BM_RingCopyOverwriting)->Arg(53)->Arg(1536);

void BM_Memcpy(benchmark::State& state) {
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    std::vector<std::byte> from(n, std::byte{0x5a}), to(kArea);
    std::size_t at = 0;
    timed(state, [&] {
        if (at + n > to.size()) at = 0;
        std::memcpy(to.data() + at, from.data(), n);
        benchmark::ClobberMemory();
        at += (n + 47) & ~std::size_t{7};
    });
    state.SetBytesProcessed(state.items_processed() * state.range(0));
}

// The paper's lengths: 53 (headers only) to 1536 (the driver's whole buffer).
#define FIG7_SIZES ->Arg(53)->Arg(64)->Arg(128)->Arg(256)->Arg(512)->Arg(1024)->Arg(1514)->Arg(1536)
BENCHMARK(BM_RingCopy) FIG7_SIZES;
BENCHMARK(BM_Memcpy) FIG7_SIZES;

std::vector<std::byte> udp_frame() {
    std::vector<std::byte> f;
    twinos::net::build_udp_frame(f, {{2, 0, 0, 0, 0, 1}, 0x0a000001, 7},
                                 {{2, 0, 0, 0, 0, 2}, 0x0a000002, 80}, std::vector<std::byte>(64),
                                 1);
    return f;
}

void BM_BpfTcpPort80(benchmark::State& state) {
    const auto program = twinos::test::compile_filter("tcp port 80");
    const auto frame = udp_frame();
    std::uint64_t executed = 0;
    timed(state, [&] {
        executed +=
            capture::bpf::run(program, frame, static_cast<std::uint32_t>(frame.size())).executed;
    });
    state.counters["instructions"] = static_cast<double>(program.size());
}
BENCHMARK(BM_BpfTcpPort80);

void BM_Bpf20Instructions(benchmark::State& state) {
    // 19 ALU/load steps and a return: a straight-line 20-instruction program.
    using namespace capture::bpf;
    Program p;
    for (int i = 0; i < 19; ++i)
        p.push_back(i % 2 ? stmt(kAlu | kAdd | kK, 3) : stmt(kLd | kH | kAbs, 12));
    p.push_back(stmt(kRet | kRetA, 0));
    const auto frame = udp_frame();
    timed(state, [&] {
        benchmark::DoNotOptimize(run(p, frame, static_cast<std::uint32_t>(frame.size())));
    });
}
BENCHMARK(BM_Bpf20Instructions);

void BM_CaptureWithReaderKeepingUp(benchmark::State& state) {
    // Filter, append a 1514-byte slice, and drain every 64 records.
    Ring r;
    const auto frame = udp_frame();
    const std::vector<std::byte> slice(1514, std::byte{1});
    const auto program = twinos::test::compile_filter("udp");
    capture::RecordHeader h;
    std::uint64_t n = 0, drained = 0;
    timed(state, [&] {
        if (capture::bpf::run(program, frame, 1514).accept) r.ring->append(h, slice);
        if (++n % 64 == 0)
            drained +=
                r.reader->drain([](const capture::RecordHeader&, std::span<const std::byte>) {});
    });
    state.counters["lost"] = static_cast<double>(r.reader->lost());
    state.SetBytesProcessed(state.items_processed() * 1514);
}
BENCHMARK(BM_CaptureWithReaderKeepingUp);

}  // namespace

BENCHMARK_MAIN();
