// SPDX-License-Identifier: MIT
// The Fig. 7 measurement on this host.
#include "twinos/eval/copy_sweep.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "twinos/eval/log_area_fixture.h"

namespace twinos::eval {

using namespace twinos::machine;
using Clock = std::chrono::steady_clock;

namespace {

// Accumulates samples, less the clock's cost, never below zero.
struct SpreadBuilder {
    double overhead;
    std::vector<double> samples;
    void add(Clock::duration d) {
        samples.push_back(
            std::max(0.0, std::chrono::duration<double, std::nano>(d).count() - overhead));
    }
    // The sample with `fraction` of the samples at or below it (nearest rank).
    double rank(double fraction) {
        const auto at = static_cast<std::size_t>(fraction * double(samples.size() - 1) + 0.5);
        std::nth_element(samples.begin(), samples.begin() + at, samples.end());
        return samples[at];
    }
    Spread done() {
        if (samples.empty()) return {};
        Spread s;
        s.min_ns = *std::min_element(samples.begin(), samples.end());
        s.max_ns = *std::max_element(samples.begin(), samples.end());
        double total = 0;
        for (double ns : samples) total += ns;
        s.mean_ns = total / double(samples.size());
        s.median_ns = rank(0.5);
        s.p99_ns = rank(0.99);
        return s;
    }
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
    std::vector<std::byte> destination(LogAreaFixture::kArea);
    std::vector<CopyRow> rows;
    for (const std::uint32_t length : lengths) {
        const std::vector<std::byte> slice(length, std::byte{0x5a});
        capture::RecordHeader header;
        header.original_length = std::max<std::uint32_t>(length, 60);
        header.captured_length = length;
        SpreadBuilder ring{overhead, {}}, copy{overhead, {}};
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
