// SPDX-License-Identifier: MIT
// The Fig. 7 measurement on this host.
#include "twinos/eval/copy_sweep.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>

#include "capture/log_reader.h"
#include "capture/log_ring.h"
#include "capture/mapped_region.h"
#include "twinos/machine/address_space.h"
#include "twinos/machine/physical_memory.h"

namespace twinos::eval {

using namespace twinos::machine;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint64_t kArea = 16ull << 20;  // the monitor's default log area
constexpr std::uint64_t kBase = 0x100000;     // physical home of control page + area
constexpr std::uint64_t kVa = 0x1000000;

// A log ring and its reader over a preceding-OS address space, exactly as
// the monitor AP maps them, without the rest of the machine.
struct LogAreaFixture {
    PhysicalMemory memory{kBase + kArea + 2 * kPageSize};
    AddressSpace space{
        "eval", memory, {Partition{OsId::Preceding, PhysAddr{0}, kBase + kArea + 2 * kPageSize}}};
    std::unique_ptr<capture::LogRing> ring;
    std::unique_ptr<capture::LogReader> reader;

    LogAreaFixture() {
        for (std::uint64_t i = 0; i <= kArea / kPageSize; ++i) {
            space.map(VirtAddr{kVa + i * kPageSize}, PhysAddr{kBase + i * kPageSize},
                      Perm::ReadWrite);
        }
        auto control = capture::MappedRegion::map(space, memory, VirtAddr{kVa}, kPageSize);
        auto area = capture::MappedRegion::map(space, memory, VirtAddr{kVa + kPageSize}, kArea);
        if (!control || !area) throw std::logic_error("eval: log area mapping failed");
        // Touch every page first, as the kernel hands out zeroed memory: the
        // memcpy it is compared with writes to touched memory too.
        auto all = memory.span(PhysAddr{kBase}, kArea + kPageSize);
        std::fill(all.begin(), all.end(), std::byte{0});
        ring = std::make_unique<capture::LogRing>(*control, *area);
        reader = std::make_unique<capture::LogReader>(*control, *area);
        ring->initialise();
    }
};

// Accumulates samples, less the clock's cost, never below zero.
struct SpreadBuilder {
    double overhead;
    double min = std::numeric_limits<double>::max(), max = 0, total = 0;
    std::uint64_t n = 0;
    void add(Clock::duration d) {
        const double ns =
            std::max(0.0, std::chrono::duration<double, std::nano>(d).count() - overhead);
        min = std::min(min, ns);
        max = std::max(max, ns);
        total += ns;
        ++n;
    }
    Spread done() const { return n ? Spread{min, total / double(n), max} : Spread{}; }
};

}  // namespace

std::vector<std::uint32_t> fig7_lengths() {
    return {53, 64, 128, 256, 384, 512, 768, 1024, 1280, 1514, 1536};
}

double clock_overhead_ns() {
    // The median of many back-to-back readings: what a sample pays for the
    // clock itself, without the noise of the odd long one.
    std::vector<double> pairs(20001);
    for (double& p : pairs) {
        const auto t0 = Clock::now();
        const auto t1 = Clock::now();
        p = std::chrono::duration<double, std::nano>(t1 - t0).count();
    }
    std::nth_element(pairs.begin(), pairs.begin() + pairs.size() / 2, pairs.end());
    return pairs[pairs.size() / 2];
}

// [eval:copy-sweep]
std::vector<CopyRow> copy_sweep(const std::vector<std::uint32_t>& lengths, std::uint32_t samples,
                                double overhead) {
    LogAreaFixture fixture;
    std::vector<std::byte> destination(kArea);
    std::vector<CopyRow> rows;
    for (const std::uint32_t length : lengths) {
        const std::vector<std::byte> slice(length, std::byte{0x5a});
        capture::RecordHeader header;
        header.original_length = std::max<std::uint32_t>(length, 60);
        header.captured_length = length;
        SpreadBuilder ring{overhead}, copy{overhead};
        std::size_t at = 0;
        for (std::uint32_t i = 0; i < samples; ++i) {
            // The monitor AP keeps up: read what is there, untimed.
            if (i % 64 == 0) fixture.reader->drain([](auto&, auto) {});
            auto t0 = Clock::now();
            const bool logged = fixture.ring->append(header, slice);
            ring.add(Clock::now() - t0);
            if (!logged) throw std::logic_error("eval: the log ring refused a record");

            if (at + length > destination.size()) at = 0;
            t0 = Clock::now();
            std::memcpy(destination.data() + at, slice.data(), length);
            asm volatile("" : : "r"(destination.data()) : "memory");  // keep the copy
            copy.add(Clock::now() - t0);
            at += (length + 47) & ~std::size_t{7};  // as far on as a record would go
        }
        rows.push_back(CopyRow{length, ring.done(), copy.done()});
    }
    return rows;
}
// [/eval:copy-sweep]

}  // namespace twinos::eval
