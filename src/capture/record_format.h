// SPDX-License-Identifier: MIT
// The log area's layout: its management structure and its records, byte by byte.
// Part of the packet acquisition part; shared with the monitor AP, which reads it.
//
// Both sides of the paper's log -- the acquisition part writing in step (A),
// the monitor AP reading -- agree on these bytes and on nothing else, as a
// kernel and a program agree on an mmap'ed ring. Everything is little-endian.
//
// The management structure (solution 3) is one page at its own address:
//
//   off  size  field
//   0    4     magic "TWLG"        4   4  version (1)
//   8    8     capacity            16  8  write position (monotonic bytes)
//   24   8     read position       32  8  next sequence number
//   40   8     records written     48  8  records overwritten
//   56   8     packets matched     64  8  records too big for the ring
//
// Positions only ever grow; the offset in the ring is position % capacity,
// and write - read is the number of bytes waiting. A record never straddles
// the end of the ring: the space left before the end is filled with a
// padding record and the record starts again at offset 0.
//
// A record (8-byte aligned):
//
//   0  4  record length (header + slice + padding)   4  2  type (1 packet, 2 padding)
//   6  1  direction (0 rx, 1 tx)                      7  1  rule id
//   8  8  sequence number                             16 8  arrival time, ns since the epoch
//   24 4  original length                             28 4  captured length
//   32 4  slice offset                                36 4  reserved (0)
//   40 .. the slice bytes, then zeros to the next multiple of 8
//
// Paper: §3.2 problem 3. Chapter: chapters/05-packet-acquisition.rst.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace capture {

// [capture:layout]
/// Management structure field offsets.
namespace control {
inline constexpr std::uint32_t kMagic = 0;                ///< "TWLG", to recognise the structure.
inline constexpr std::uint32_t kVersion = 4;              ///< Layout version.
inline constexpr std::uint32_t kCapacity = 8;             ///< Bytes in the log area.
inline constexpr std::uint32_t kWritePos = 16;            ///< Monotonic write position.
inline constexpr std::uint32_t kReadPos = 24;             ///< Monotonic read position.
inline constexpr std::uint32_t kNextSequence = 32;        ///< Sequence number of the next record.
inline constexpr std::uint32_t kRecordsWritten = 40;      ///< Records ever written.
inline constexpr std::uint32_t kRecordsOverwritten = 48;  ///< Records overwritten unread.
inline constexpr std::uint32_t kPacketsMatched = 56;      ///< Packets a rule accepted.
inline constexpr std::uint32_t kTooBig = 64;              ///< Records too big for the whole area.
inline constexpr std::uint32_t kBytes = 72;               ///< Size of the structure.
inline constexpr std::uint32_t kMagicValue =
    0x474c5754;  ///< The magic, as a little-endian word.  // "TWLG" little-endian
inline constexpr std::uint32_t kVersionValue = 1;  ///< This layout.
}  // namespace control

/// Record field offsets.
namespace record {
inline constexpr std::uint32_t kLength = 0;      ///< Record length, header and padding included.
inline constexpr std::uint32_t kType = 4;        ///< kTypePacket or kTypePadding.
inline constexpr std::uint32_t kDirection = 6;   ///< 0 received, 1 transmitted.
inline constexpr std::uint32_t kRuleId = 7;      ///< The rule that matched.
inline constexpr std::uint32_t kSequence = 8;    ///< Sequence number.
inline constexpr std::uint32_t kTimestamp = 16;  ///< Wire time, ns since the epoch.
inline constexpr std::uint32_t kOriginalLength = 24;  ///< The packet's length.
inline constexpr std::uint32_t kCapturedLength = 28;  ///< The slice's length.
inline constexpr std::uint32_t kSliceOffset = 32;     ///< Where the slice starts in the packet.
inline constexpr std::uint32_t kHeaderBytes = 40;     ///< Header size; the slice follows.
inline constexpr std::uint16_t kTypePacket = 1;       ///< A packet record.
inline constexpr std::uint16_t kTypePadding = 2;      ///< Padding up to the end of the area.
inline constexpr std::uint32_t kAlignment = 8;        ///< Records start on multiples of this.
}  // namespace record
// [/capture:layout]

/// Which way a packet went, seen from the co-existing OS.
enum class Direction : std::uint8_t {
    Rx = 0,  ///< Received.
    Tx = 1,  ///< Transmitted.
};

/// One record's header, unpacked.
struct RecordHeader {
    std::uint64_t sequence = 0;           ///< Counts every record ever written, from 0.
    std::uint64_t timestamp_ns = 0;       ///< When (simulated nanoseconds).
    std::uint32_t original_length = 0;    ///< The packet's length.
    std::uint32_t captured_length = 0;    ///< The slice's length.
    std::uint32_t slice_offset = 0;       ///< Where in the packet the slice starts.
    Direction direction = Direction::Rx;  ///< Received or transmitted.
    std::uint8_t rule_id = 0;             ///< The rule that matched.
};

/// A record header exactly as it lies in the ring (little-endian hosts copy
/// it in one go; see `encode_header`).
struct RawRecordHeader {
    std::uint32_t length;           ///< Record length.
    std::uint16_t type;             ///< Record type.
    std::uint8_t direction;         ///< Direction.
    std::uint8_t rule_id;           ///< Rule id.
    std::uint64_t sequence;         ///< Sequence number.
    std::uint64_t timestamp_ns;     ///< Timestamp (ns).
    std::uint32_t original_length;  ///< Original length.
    std::uint32_t captured_length;  ///< Captured length.
    std::uint32_t slice_offset;     ///< Slice offset.
    std::uint32_t reserved;         ///< Zero.
};
static_assert(sizeof(RawRecordHeader) == record::kHeaderBytes, "the layout has no holes");

/// The 40 header bytes of a packet record, little-endian. Inline: the
/// acquisition part writes one per packet, and a little-endian host copies
/// the struct as it is.
inline std::array<std::byte, record::kHeaderBytes> encode_header(const RecordHeader& h,
                                                                 std::uint32_t length,
                                                                 std::uint64_t sequence,
                                                                 std::uint32_t captured) {
    const RawRecordHeader raw{length,
                              record::kTypePacket,
                              static_cast<std::uint8_t>(h.direction),
                              h.rule_id,
                              sequence,
                              h.timestamp_ns,
                              h.original_length,
                              captured,
                              h.slice_offset,
                              0};
    std::array<std::byte, record::kHeaderBytes> out;
    if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(out.data(), &raw, sizeof raw);  // already the ring's byte order
    } else {
        auto put = [&](std::uint32_t off, std::uint64_t v, int bytes) {
            for (int i = 0; i < bytes; ++i) out[off + i] = std::byte(v >> (8 * i));
        };
        put(record::kLength, raw.length, 4);
        put(record::kType, raw.type, 2);
        put(record::kDirection, raw.direction, 1);
        put(record::kRuleId, raw.rule_id, 1);
        put(record::kSequence, raw.sequence, 8);
        put(record::kTimestamp, raw.timestamp_ns, 8);
        put(record::kOriginalLength, raw.original_length, 4);
        put(record::kCapturedLength, raw.captured_length, 4);
        put(record::kSliceOffset, raw.slice_offset, 4);
        put(36, 0, 4);
    }
    return out;
}

/// The fields of the 40 header bytes at `bytes`: what `encode_header` laid
/// down, read back in one go on a little-endian host.
inline RawRecordHeader decode_header(const std::byte* bytes) {
    RawRecordHeader raw;
    if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(&raw, bytes, sizeof raw);
    } else {
        auto get = [&](std::uint32_t off, int n) {
            std::uint64_t v = 0;
            for (int i = n; i-- > 0;) v = v << 8 | std::to_integer<std::uint64_t>(bytes[off + i]);
            return v;
        };
        raw.length = static_cast<std::uint32_t>(get(record::kLength, 4));
        raw.type = static_cast<std::uint16_t>(get(record::kType, 2));
        raw.direction = static_cast<std::uint8_t>(get(record::kDirection, 1));
        raw.rule_id = static_cast<std::uint8_t>(get(record::kRuleId, 1));
        raw.sequence = get(record::kSequence, 8);
        raw.timestamp_ns = get(record::kTimestamp, 8);
        raw.original_length = static_cast<std::uint32_t>(get(record::kOriginalLength, 4));
        raw.captured_length = static_cast<std::uint32_t>(get(record::kCapturedLength, 4));
        raw.slice_offset = static_cast<std::uint32_t>(get(record::kSliceOffset, 4));
        raw.reserved = static_cast<std::uint32_t>(get(36, 4));
    }
    return raw;
}

/// Bytes a record with a `captured`-byte slice occupies in the ring.
constexpr std::uint64_t record_bytes(std::uint64_t captured) {
    return (record::kHeaderBytes + captured + record::kAlignment - 1) / record::kAlignment *
           record::kAlignment;
}

}  // namespace capture
