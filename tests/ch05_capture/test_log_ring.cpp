// SPDX-License-Identifier: MIT
// Chapter 5 tests (graded by lab 4): the log ring -- every wrap and
// overwrite boundary, and a randomised comparison with a reference model.
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include "ring_fixture.h"

namespace twinos::test {
namespace {

using capture::record_bytes;
using capture::RecordHeader;
namespace control = capture::control;

std::vector<std::byte> slice_of(std::size_t n, std::uint8_t seed) {
    std::vector<std::byte> s(n);
    for (std::size_t i = 0; i < n; ++i) s[i] = std::byte(seed * 31 + i);
    return s;
}

struct Read {
    RecordHeader header;
    std::vector<std::byte> slice;
};

std::vector<Read> drain(capture::LogReader& r) {
    std::vector<Read> out;
    r.drain([&](const RecordHeader& h, std::span<const std::byte> s) {
        out.push_back({h, {s.begin(), s.end()}});
    });
    return out;
}

// `got` is `want` as appended, with its sequence number and slice length.
void expect_header(const RecordHeader& got, const RecordHeader& want, std::uint64_t sequence,
                   std::uint32_t captured) {
    EXPECT_EQ(got.sequence, sequence);
    EXPECT_EQ(got.timestamp_ns, want.timestamp_ns);
    EXPECT_EQ(got.original_length, want.original_length);
    EXPECT_EQ(got.captured_length, captured);
    EXPECT_EQ(got.slice_offset, want.slice_offset);
    EXPECT_EQ(got.direction, want.direction);
    EXPECT_EQ(got.rule_id, want.rule_id);
}

TEST(LogRing, RecordsComeBackWithTheirHeadersAndSlices) {
    RingFixture f(4096);
    RecordHeader h;
    h.timestamp_ns = 12345;
    h.original_length = 1514;
    h.slice_offset = 14;
    h.direction = capture::Direction::Tx;
    h.rule_id = 7;
    ASSERT_TRUE(f.ring->append(h, slice_of(100, 1)));
    ASSERT_TRUE(f.ring->append({}, slice_of(0, 2)));  // an empty slice is a record too
    const auto got = drain(*f.reader);
    ASSERT_EQ(got.size(), 2u);
    expect_header(got[0].header, h, 0, 100);
    EXPECT_EQ(got[0].slice, slice_of(100, 1));
    EXPECT_EQ(got[1].header.sequence, 1u);
    EXPECT_TRUE(got[1].slice.empty());
    EXPECT_EQ(f.ring->field(control::kWritePos), record_bytes(100) + record_bytes(0));
    EXPECT_EQ(f.ring->field(control::kReadPos), f.ring->field(control::kWritePos));
}

// The fixture's pages are scattered (reverse frame order), so a header that
// starts 8 bytes before a page boundary is written and read in two parts:
// the path beside the one-move header of a contiguous ring.
TEST(LogRing, AHeaderAcrossAPageBoundaryComesBackWhole) {
    RingFixture f(3 * 4096);
    // The first record ends 8 bytes before the first page's end.
    const std::size_t first = 4096 - 8 - capture::record::kHeaderBytes;
    ASSERT_EQ(record_bytes(first), 4088u);
    ASSERT_TRUE(f.ring->append({}, slice_of(first, 1)));
    RecordHeader h;
    h.timestamp_ns = 0x0123456789abcdefull;
    h.original_length = 0xfedcba98u;
    h.slice_offset = 0x01020304u;
    h.direction = capture::Direction::Tx;
    h.rule_id = 0xa5;
    ASSERT_TRUE(f.ring->append(h, slice_of(300, 2)));  // header at 4088: 8 + 32 bytes
    const auto got = drain(*f.reader);
    ASSERT_EQ(got.size(), 2u);
    expect_header(got[1].header, h, 1, 300);
    EXPECT_EQ(got[1].slice, slice_of(300, 2));
    // And byte for byte where the layout says (record_format.h), across the
    // boundary: length and type before it, the sequence number just after.
    EXPECT_EQ(f.area_region->load<std::uint32_t>(4088 + capture::record::kLength),
              record_bytes(300));
    EXPECT_EQ(f.area_region->load<std::uint16_t>(4088 + capture::record::kType),
              capture::record::kTypePacket);
    EXPECT_EQ(f.area_region->load<std::uint64_t>(4088 + capture::record::kSequence), 1u);
    EXPECT_EQ(f.area_region->load<std::uint64_t>(4088 + capture::record::kTimestamp),
              0x0123456789abcdefull);
    EXPECT_EQ(f.area_region->load<std::uint32_t>(4088 + capture::record::kSliceOffset + 4), 0u);
}

// A broken writer (a lab 4 append that publishes without writing) must make
// the reader stop with where and what -- not loop on a zero length forever.
TEST(LogReaderChecks, ARecordItCannotStepOverIsANamedErrorNotAnEndlessLoop) {
    struct Forged {
        std::uint32_t length;
        std::uint16_t type;
        std::uint32_t captured;
        const char* says;
    };
    for (const Forged& bad :
         {Forged{0, capture::record::kTypePacket, 0, "has length 0"},
          Forged{44, capture::record::kTypePacket, 4, "has length 44"},
          Forged{4096, capture::record::kTypePacket, 0, "only 48 bytes"},
          Forged{48, 7, 8, "has type 7"},
          Forged{48, capture::record::kTypePacket, 100, "captured length 100"},
          // Too short to hold the header the reader reads next (at the end
          // of an area, reading it would run past the area).
          Forged{8, capture::record::kTypePacket, 0, "shorter than its own 40-byte header"}}) {
        SCOPED_TRACE(bad.says);
        RingFixture f(1024);
        f.area_region->store<std::uint32_t>(capture::record::kLength, bad.length);
        f.area_region->store<std::uint16_t>(capture::record::kType, bad.type);
        f.area_region->store<std::uint32_t>(capture::record::kCapturedLength, bad.captured);
        f.control_region->store<std::uint64_t>(control::kWritePos, 48);
        try {
            drain(*f.reader);
            ADD_FAILURE() << "the reader accepted a record it cannot step over";
        } catch (const capture::LogCorrupt& e) {
            EXPECT_NE(std::string(e.what()).find(bad.says), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("position 0"), std::string::npos) << e.what();
        }
    }
}

// Nor may a record run past the end of the area: the writer pads up to the
// end instead, so one that straddles it is corrupt, and reading its slice
// would read past the AP's log area.
TEST(LogReaderChecks, ARecordRunningPastTheEndOfTheAreaIsANamedError) {
    RingFixture f(1024);
    const std::uint64_t at = 1024 - 48;
    f.area_region->store<std::uint32_t>(at + capture::record::kLength, 96);
    f.area_region->store<std::uint16_t>(at + capture::record::kType, capture::record::kTypePacket);
    f.area_region->store<std::uint32_t>(at + capture::record::kCapturedLength, 56);
    f.control_region->store<std::uint64_t>(control::kReadPos, at);
    f.control_region->store<std::uint64_t>(control::kWritePos, at + 96);
    try {
        drain(*f.reader);
        ADD_FAILURE() << "the reader accepted a record that straddles the end of the area";
    } catch (const capture::LogCorrupt& e) {
        EXPECT_NE(std::string(e.what()).find("runs past the end of the 1024-byte area"),
                  std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("position 976"), std::string::npos) << e.what();
    }
}

// A record's bytes after its slice are zeros, whatever the area held before:
// they go to the file as the packet's padding, so stale bytes of an older
// (overwritten) packet must never survive there.
TEST(LogRing, TheBytesAfterTheSliceUpToTheRecordsEndAreZero) {
    RingFixture f(1024);
    for (std::uint64_t at = 0; at < 1024; at += 8) f.area_region->store<std::uint64_t>(at, ~0ull);
    for (std::size_t n : {1u, 5u, 7u, 8u, 100u}) {
        SCOPED_TRACE("slice of " + std::to_string(n) + " bytes");
        const std::uint64_t start = f.ring->field(control::kWritePos);
        ASSERT_TRUE(f.ring->append({}, slice_of(n, 3)));
        for (std::uint64_t at = start + capture::record::kHeaderBytes + n;
             at < start + record_bytes(n); ++at) {
            EXPECT_EQ(f.area_region->load<std::uint8_t>(at), 0u) << "area offset " << at;
        }
    }
}

TEST(LogRing, ARecordEndingExactlyAtTheEndNeedsNoPadding) {
    RingFixture f(1024);
    // 4 records of 256 bytes fill the ring exactly.
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(f.ring->append({}, slice_of(256 - 40, i)));
    EXPECT_EQ(f.ring->field(control::kWritePos), 1024u);
    EXPECT_EQ(drain(*f.reader).size(), 4u);
    ASSERT_TRUE(f.ring->append({}, slice_of(8, 9)));  // starts again at offset 0
    EXPECT_EQ(f.ring->field(control::kWritePos), 1024u + 48u);
}

TEST(LogRing, ARecordThatDoesNotFitBeforeTheEndIsPrecededByPadding) {
    for (std::uint64_t tail : {8u, 48u, 200u}) {
        SCOPED_TRACE(tail);
        RingFixture f(1024);
        ASSERT_TRUE(f.ring->append({}, slice_of(1024 - tail - 40, 1)));  // leaves `tail` bytes
        EXPECT_EQ(drain(*f.reader).size(), 1u);
        ASSERT_TRUE(f.ring->append({}, slice_of(tail, 2)));  // needs tail + 40 bytes
        // Padding filled the tail; the record went to offset 0.
        EXPECT_EQ(f.ring->field(control::kWritePos), 1024u + record_bytes(tail));
        const auto got = drain(*f.reader);
        ASSERT_EQ(got.size(), 1u);
        EXPECT_EQ(got[0].slice, slice_of(tail, 2));
        EXPECT_EQ(f.reader->lost(), 0u);
    }
}

TEST(LogRing, WhenFullTheOldestWholeRecordsAreOverwrittenAndCounted) {
    RingFixture f(1024);
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(f.ring->append({}, slice_of(216, i)));  // full
    ASSERT_TRUE(f.ring->append({}, slice_of(216, 4)));  // overwrites record 0
    EXPECT_EQ(f.ring->field(control::kRecordsOverwritten), 1u);
    ASSERT_TRUE(f.ring->append({}, slice_of(600, 5)));  // 640 bytes: overwrites 1, 2, 3
    EXPECT_EQ(f.ring->field(control::kRecordsOverwritten), 4u);
    const auto got = drain(*f.reader);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].header.sequence, 4u);
    EXPECT_EQ(got[0].slice, slice_of(216, 4));
    EXPECT_EQ(got[1].header.sequence, 5u);
    EXPECT_EQ(f.reader->lost(), 4u);
    EXPECT_EQ(f.reader->read() + f.reader->lost(), f.ring->field(control::kRecordsWritten));
}

TEST(LogRing, PaddingThatIsOverwrittenIsNotCountedAsALostRecord) {
    RingFixture f(1024);
    ASSERT_TRUE(f.ring->append({}, slice_of(1024 - 64 - 40, 1)));  // leaves 64
    ASSERT_TRUE(f.ring->append({}, slice_of(100, 2)));             // pads 64, overwrites record 0
    EXPECT_EQ(f.ring->field(control::kRecordsOverwritten), 1u);
    // 840 bytes fit after record 1 only once the 64 bytes of padding go:
    // the padding is overwritten, and no record is lost for it.
    ASSERT_TRUE(f.ring->append({}, slice_of(800, 3)));
    EXPECT_EQ(f.ring->field(control::kRecordsOverwritten), 1u);
    EXPECT_EQ(f.ring->field(control::kReadPos), 1024u);
    const auto got = drain(*f.reader);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].header.sequence, 1u);
    EXPECT_EQ(got[1].header.sequence, 2u);
    EXPECT_EQ(f.reader->lost(), 1u);
}

TEST(LogRing, ARecordBiggerThanTheWholeAreaIsRefusedAndCounted) {
    RingFixture f(1024);
    EXPECT_FALSE(f.ring->append({}, slice_of(1000, 1)));
    EXPECT_EQ(f.ring->field(control::kTooBig), 1u);
    EXPECT_EQ(f.ring->field(control::kWritePos), 0u);
    EXPECT_TRUE(f.ring->append({}, slice_of(1024 - 40, 2)));  // exactly the area: fits
}

// The reference model: records as (sequence, start, length) in a deque,
// positions as plain integers, the same rules written the obvious way.
class ModelRing {
public:
    explicit ModelRing(std::uint64_t capacity) : capacity_(capacity) {}
    void append(std::uint64_t seq, std::uint64_t length) {
        if (length > capacity_) return;
        const std::uint64_t tail = capacity_ - write_ % capacity_;
        if (length > tail) {
            free_up(tail);
            live_.push_back({~0ull, write_, tail});  // padding
            write_ += tail;
        }
        free_up(length);
        live_.push_back({seq, write_, length});
        write_ += length;
    }
    std::vector<std::uint64_t> drain() {
        std::vector<std::uint64_t> seqs;
        for (const auto& r : live_) {
            if (r.seq != ~0ull) seqs.push_back(r.seq);
        }
        live_.clear();
        return seqs;
    }
    std::uint64_t overwritten = 0;

private:
    struct R {
        std::uint64_t seq, start, length;
    };
    void free_up(std::uint64_t n) {
        while (capacity_ - (write_ - (live_.empty() ? write_ : live_.front().start)) < n) {
            if (live_.front().seq != ~0ull) ++overwritten;
            live_.pop_front();
        }
    }
    std::uint64_t capacity_;
    std::uint64_t write_ = 0;
    std::deque<R> live_;
};

TEST(LogRing, MatchesTheReferenceModelForRandomSizesAndReaderSpeeds) {
    for (std::uint32_t seed = 1; seed <= 25; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed) + " (replay: --gtest_filter=LogRing.Matches*)");
        std::mt19937 rng(seed);
        const std::uint64_t capacity = 1024 * (2 + rng() % 6);
        RingFixture f(capacity);
        ModelRing model(capacity);
        std::uniform_int_distribution<std::size_t> size(0, 700);
        std::uniform_int_distribution<int> reader_every(1, 12);
        const int every = reader_every(rng);
        std::uint64_t written = 0, read = 0;
        for (int i = 0; i < 600; ++i) {
            const std::size_t n = size(rng);
            ASSERT_TRUE(f.ring->append({}, slice_of(n, static_cast<std::uint8_t>(i))));
            ASSERT_TRUE(f.ring->writer_copy_agrees()) << "after record " << i;
            model.append(written++, record_bytes(n));
            if (i % every == every - 1) {
                const auto got = drain(*f.reader);
                const auto want = model.drain();
                ASSERT_EQ(got.size(), want.size()) << "record " << i;
                for (std::size_t k = 0; k < got.size(); ++k) {
                    ASSERT_EQ(got[k].header.sequence, want[k]);
                    ASSERT_EQ(got[k].slice,
                              slice_of(got[k].slice.size(), static_cast<std::uint8_t>(want[k])));
                }
                read += got.size();
                ASSERT_TRUE(f.ring->writer_copy_agrees()) << "after a read at " << i;
            }
        }
        read += drain(*f.reader).size();
        model.drain();
        EXPECT_EQ(f.ring->field(control::kRecordsOverwritten), model.overwritten);
        EXPECT_EQ(f.reader->lost(), model.overwritten);
        EXPECT_EQ(read + f.reader->lost(), written);
    }
}

}  // namespace
}  // namespace twinos::test
