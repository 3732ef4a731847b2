// SPDX-License-Identifier: MIT
// Chapter 3 tests: pacing a replay -- speed, back to back at line rate, and
// the wire held while the NIC cannot take a frame (802.3x PAUSE).
#include <gtest/gtest.h>

#include <vector>

#include "twinos/machine/event_queue.h"
#include "twinos/machine/link.h"
#include "twinos/machine/trace.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;

// Frames of the given sizes at the given source times (ns).
class ListSource : public FrameSource {
public:
    ListSource(std::vector<std::int64_t> times, std::vector<std::size_t> sizes)
        : times_(std::move(times)), sizes_(std::move(sizes)) {}
    bool next(std::int64_t& ts, WireFrame& frame) override {
        if (at_ == times_.size()) return false;
        ts = times_[at_];
        frame.bytes.assign(sizes_[at_], std::byte{static_cast<unsigned char>(at_)});
        frame.original_length = static_cast<std::uint32_t>(sizes_[at_]);
        ++at_;
        return true;
    }

private:
    std::vector<std::int64_t> times_;
    std::vector<std::size_t> sizes_;
    std::size_t at_ = 0;
};

// A NIC that records arrivals and can ask for a pause.
class Receiver : public LinkEndpoint {
public:
    explicit Receiver(const EventQueue& clock) : clock_(clock) {}
    void receive_from_wire(std::span<const std::byte> frame, std::int64_t wire_time_ns,
                           std::uint32_t) override {
        arrivals.push_back(clock_.now());
        stamps.push_back(wire_time_ns);
        sizes.push_back(frame.size());
    }
    bool needs_pause() const override { return paused; }
    bool paused = false;
    std::vector<Ticks> arrivals;
    std::vector<std::int64_t> stamps;
    std::vector<std::size_t> sizes;

private:
    const EventQueue& clock_;
};

struct Wire {
    EventQueue clock;
    Trace trace;
    Link link{clock, trace};
    Receiver nic{clock};
    Wire() { link.attach_nic(nic); }
    void run_until(Ticks t) {
        while (clock.fire_next_until(t)) {
        }
        clock.advance_to(t);
    }
};

const std::vector<std::int64_t> kTimes = {1'000'000'000, 1'000'100'000, 1'000'400'000,
                                          1'000'400'000, 1'001'000'000};
const std::vector<std::size_t> kSizes = {60, 1514, 200, 1514, 60};

TEST(ReplayPacing, SpeedTwoHalvesEveryGapAndKeepsTheCapturesTimestamps) {
    Wire w;
    ListSource source(kTimes, kSizes);
    w.link.set_replay_pace(ReplayPace::Recorded, 2.0);
    w.link.play(source, milliseconds(1));
    w.run_until(milliseconds(10));
    ASSERT_EQ(w.nic.arrivals.size(), kTimes.size());
    for (std::size_t i = 0; i < kTimes.size(); ++i) {
        EXPECT_EQ(w.nic.arrivals[i], milliseconds(1) + Ticks{(kTimes[i] - kTimes[0]) / 2}) << i;
        EXPECT_EQ(w.nic.stamps[i], kTimes[i]) << "the output keeps the capture's own time";
    }
}

TEST(ReplayPacing, MaxSendsBackToBackNeverCloserThanEachFramesWireTime) {
    Wire w;
    ListSource source(kTimes, kSizes);
    w.link.set_replay_pace(ReplayPace::Recorded, kReplaySpeedMax);
    w.link.play(source, milliseconds(1));
    w.run_until(milliseconds(10));
    ASSERT_EQ(w.nic.arrivals.size(), kTimes.size());
    for (std::size_t i = 1; i < kTimes.size(); ++i) {
        EXPECT_EQ(w.nic.arrivals[i] - w.nic.arrivals[i - 1], w.link.wire_time(kSizes[i])) << i;
        EXPECT_EQ(w.nic.stamps[i], kTimes[i]);
    }
    // 1514 bytes at 100 Mbit/s: (8 + 1514 + 4 + 12) * 8 bits = 123.04 us.
    EXPECT_EQ(w.link.wire_time(1514), nanoseconds(123'040));
}

TEST(ReplayPacing, AHeldWireWaitsForTheNicAndLosesNothing) {
    Wire w;
    ListSource source(kTimes, kSizes);
    w.link.set_replay_pace(ReplayPace::Hold, 1.0);
    w.link.play(source, milliseconds(1));
    w.run_until(milliseconds(1));  // the first frame arrives
    ASSERT_EQ(w.nic.arrivals.size(), 1u);
    w.nic.paused = true;  // no free descriptor
    w.run_until(milliseconds(5));
    EXPECT_TRUE(w.link.held());
    EXPECT_EQ(w.nic.arrivals.size(), 1u) << "nothing arrives while the wire is held";
    w.nic.paused = false;
    w.link.resume();
    w.run_until(milliseconds(10));
    ASSERT_EQ(w.nic.arrivals.size(), kTimes.size()) << "every frame arrives after the pause";
    EXPECT_EQ(w.nic.arrivals[1], milliseconds(5));  // held from 1.1 ms to 5 ms
    EXPECT_EQ(w.link.counters().holds, 1u);
    EXPECT_EQ(w.link.counters().held, milliseconds(5) - microseconds(1100));
    EXPECT_EQ(w.link.counters().non_monotonic, 0u) << "a held frame is late, not out of order";
    for (std::size_t i = 0; i < kTimes.size(); ++i) EXPECT_EQ(w.nic.stamps[i], kTimes[i]);
}

// The link offers a held wire's frame in one call (offer_from_wire) while
// the trace is off, and asks and delivers apart while it shows the arrival:
// both ways the same frames arrive at the same times, and are counted alike.
TEST(ReplayPacing, AHeldWireIsTheSameTracedOrNot) {
    struct Outcome {
        std::vector<Ticks> arrivals;
        std::vector<std::int64_t> stamps;
        std::uint64_t to_nic, to_nic_bytes, holds;
        Ticks held;
        std::size_t arrival_lines = 0;
    };
    auto run = [](std::uint32_t mask) {
        Wire w;
        w.trace.set_mask(mask);
        w.trace.keep_lines(true);
        ListSource source(kTimes, kSizes);
        w.link.set_replay_pace(ReplayPace::Hold, 1.0);
        w.link.play(source, milliseconds(1));
        w.run_until(milliseconds(1));
        w.nic.paused = true;
        w.run_until(milliseconds(5));
        w.nic.paused = false;
        w.link.resume();
        w.run_until(milliseconds(10));
        Outcome o{w.nic.arrivals,           w.nic.stamps,
                  w.link.counters().to_nic, w.link.counters().to_nic_bytes,
                  w.link.counters().holds,  w.link.counters().held};
        for (const auto& line : w.trace.lines()) {
            if (line.find("link: frame of") != std::string::npos) ++o.arrival_lines;
        }
        return o;
    };
    const Outcome quiet = run(0);
    const Outcome traced = run(static_cast<std::uint32_t>(TraceFlag::Nic));
    ASSERT_EQ(quiet.arrivals.size(), kTimes.size());
    EXPECT_EQ(traced.arrivals, quiet.arrivals);
    EXPECT_EQ(traced.stamps, quiet.stamps);
    EXPECT_EQ(traced.to_nic, quiet.to_nic);
    EXPECT_EQ(quiet.to_nic, kTimes.size()) << "each frame counted once, when the NIC took it";
    EXPECT_EQ(traced.to_nic_bytes, quiet.to_nic_bytes);
    EXPECT_EQ(traced.holds, 1u);
    EXPECT_EQ(quiet.holds, 1u);
    EXPECT_EQ(traced.held, quiet.held);
    EXPECT_EQ(quiet.arrival_lines, 0u);
    EXPECT_EQ(traced.arrival_lines, kTimes.size()) << "one arrival line per frame taken";
}

TEST(ReplayPacing, TheRecordedPaceIgnoresAPauseAndTheNicDropsWhatItCannotTake) {
    Wire w;
    ListSource source(kTimes, kSizes);
    w.link.set_replay_pace(ReplayPace::Recorded, 1.0);
    w.nic.paused = true;
    w.link.play(source, milliseconds(1));
    w.run_until(milliseconds(10));
    EXPECT_EQ(w.nic.arrivals.size(), kTimes.size()) << "offered at the recorded times anyway";
    EXPECT_EQ(w.link.counters().holds, 0u);
}

}  // namespace
}  // namespace twinos::test
