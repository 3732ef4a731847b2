// SPDX-License-Identifier: MIT
// Chapter 7's read-ahead: a capture read on a second thread gives the machine
// exactly the frames, times and order of the capture itself.
#include <gtest/gtest.h>

#include <vector>

#include "twinos/edge/read_ahead_source.h"

namespace {

using twinos::edge::ReadAheadSource;
using twinos::machine::FrameSource;
using twinos::machine::WireFrame;

// Frame i: (i * 37) % 1600 + 1 bytes, byte j = i + j, time 1000 i; every
// 50th a jumbo frame of 70 000 bytes.
class CountingSource : public FrameSource {
public:
    explicit CountingSource(std::uint32_t frames) : frames_(frames) {}
    bool next(std::int64_t& ts, WireFrame& frame) override {
        if (at_ == frames_) return false;
        const std::uint32_t n = at_ % 50 == 49 ? 70000 : (at_ * 37) % 1600 + 1;
        frame.bytes.resize(n);
        for (std::uint32_t j = 0; j < n; ++j) frame.bytes[j] = std::byte(at_ + j);
        frame.original_length = n + at_ % 3;
        ts = 1000ll * at_;
        ++at_;
        return true;
    }
    std::uint32_t read() const { return at_; }

private:
    std::uint32_t frames_;
    std::uint32_t at_ = 0;
};

void expect_frame(std::uint32_t i, std::int64_t ts, const WireFrame& frame) {
    const std::uint32_t n = i % 50 == 49 ? 70000 : (i * 37) % 1600 + 1;
    ASSERT_EQ(frame.bytes.size(), n) << "frame " << i;
    EXPECT_EQ(frame.original_length, n + i % 3) << "frame " << i;
    EXPECT_EQ(ts, 1000ll * i) << "frame " << i;
    for (std::uint32_t j = 0; j < n; j += 97) ASSERT_EQ(frame.bytes[j], std::byte(i + j)) << i;
}

TEST(ReadAhead, GivesEveryFrameOfTheInnerSourceInOrderAcrossManyBatches) {
    for (const std::size_t batch : {1u, 3u, 256u}) {
        CountingSource inner(1000);
        ReadAheadSource ahead(inner, batch);
        std::int64_t ts = 0;
        WireFrame frame;
        for (std::uint32_t i = 0; i < 1000; ++i) {
            ASSERT_TRUE(ahead.next(ts, frame)) << "batch " << batch << ", frame " << i;
            expect_frame(i, ts, frame);
        }
        EXPECT_FALSE(ahead.next(ts, frame));
        EXPECT_FALSE(ahead.next(ts, frame)) << "the end stays the end";
    }
}

TEST(ReadAhead, FinishingEarlyStopsTheReaderAndEndsTheFrames) {
    CountingSource inner(100000);
    ReadAheadSource ahead(inner, 8);
    std::int64_t ts = 0;
    WireFrame frame;
    for (std::uint32_t i = 0; i < 20; ++i) {
        ASSERT_TRUE(ahead.next(ts, frame));
        expect_frame(i, ts, frame);
    }
    ahead.finish();
    const std::uint32_t read = inner.read();  // safe now: the reader has stopped
    EXPECT_LT(read, 100000u) << "the reader ran to the end instead of stopping";
    std::uint32_t i = 20;
    while (ahead.next(ts, frame)) expect_frame(i++, ts, frame);  // what was read ahead
    EXPECT_LE(i, read);
    EXPECT_EQ(inner.read(), read) << "nothing read after finish()";
}

// A frame's buffer is lent: the next call takes it back into its slot and
// gives the caller back the buffer it had given for it. So the reader never
// refills the buffer the machine has just read (chapter 7), and the
// caller's own buffer never reaches the reader: it is never handed out as
// a frame, and it is the caller's again when the frames end.
TEST(ReadAhead, AFramesBufferIsLentUntilTheNextCall) {
    CountingSource inner(1000);
    ReadAheadSource ahead(inner, 16);
    std::int64_t ts = 0;
    WireFrame frame;
    frame.bytes.reserve(123457);  // a buffer no frame of the source needs
    const std::byte* const own = frame.bytes.data();
    for (std::uint32_t i = 0; i < 1000; ++i) {
        ASSERT_TRUE(ahead.next(ts, frame)) << "frame " << i;
        ASSERT_NE(frame.bytes.data(), own) << "frame " << i << " came in the caller's own buffer";
        expect_frame(i, ts, frame);
    }
    EXPECT_FALSE(ahead.next(ts, frame));
    EXPECT_EQ(frame.bytes.data(), own) << "the caller's buffer is not back at the end";
}

// A caller may pass another frame each time: whatever it holds is its own,
// and every frame still arrives whole and in order.
TEST(ReadAhead, FramesTakenIntoDifferentObjectsStayWhole) {
    CountingSource inner(600);
    ReadAheadSource ahead(inner, 7);
    std::int64_t ts = 0;
    std::vector<WireFrame> frames(600);
    std::vector<std::int64_t> times(600);
    for (std::uint32_t i = 0; i < 600; ++i) ASSERT_TRUE(ahead.next(times[i], frames[i]));
    WireFrame end;
    EXPECT_FALSE(ahead.next(ts, end));
    // Each frame kept after later calls: no buffer was refilled under it.
    for (std::uint32_t i = 0; i < 600; ++i) expect_frame(i, times[i], frames[i]);
}

TEST(ReadAhead, AnEmptySourceEndsAtOnce) {
    CountingSource inner(0);
    ReadAheadSource ahead(inner);
    std::int64_t ts = 0;
    WireFrame frame;
    EXPECT_FALSE(ahead.next(ts, frame));
}

}  // namespace
