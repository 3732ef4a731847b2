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
//   8  8  sequence number                             16 8  timestamp, ns simulated
//   24 4  original length                             28 4  captured length
//   32 4  slice offset                                36 4  reserved (0)
//   40 .. the slice bytes, then zeros to the next multiple of 8
//
// Paper: §3.2 problem 3. Chapter: chapters/05-packet-acquisition.rst.
#pragma once

#include <cstdint>

namespace capture {

// [capture:layout]
/// Management structure field offsets.
namespace control {
inline constexpr std::uint32_t kMagic = 0;
inline constexpr std::uint32_t kVersion = 4;
inline constexpr std::uint32_t kCapacity = 8;
inline constexpr std::uint32_t kWritePos = 16;
inline constexpr std::uint32_t kReadPos = 24;
inline constexpr std::uint32_t kNextSequence = 32;
inline constexpr std::uint32_t kRecordsWritten = 40;
inline constexpr std::uint32_t kRecordsOverwritten = 48;
inline constexpr std::uint32_t kPacketsMatched = 56;
inline constexpr std::uint32_t kTooBig = 64;
inline constexpr std::uint32_t kBytes = 72;
inline constexpr std::uint32_t kMagicValue = 0x474c5754;  // "TWLG" little-endian
inline constexpr std::uint32_t kVersionValue = 1;
}  // namespace control

/// Record field offsets.
namespace record {
inline constexpr std::uint32_t kLength = 0;
inline constexpr std::uint32_t kType = 4;
inline constexpr std::uint32_t kDirection = 6;
inline constexpr std::uint32_t kRuleId = 7;
inline constexpr std::uint32_t kSequence = 8;
inline constexpr std::uint32_t kTimestamp = 16;
inline constexpr std::uint32_t kOriginalLength = 24;
inline constexpr std::uint32_t kCapturedLength = 28;
inline constexpr std::uint32_t kSliceOffset = 32;
inline constexpr std::uint32_t kHeaderBytes = 40;
inline constexpr std::uint16_t kTypePacket = 1;
inline constexpr std::uint16_t kTypePadding = 2;
inline constexpr std::uint32_t kAlignment = 8;
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

/// Bytes a record with a `captured`-byte slice occupies in the ring.
constexpr std::uint64_t record_bytes(std::uint64_t captured) {
    return (record::kHeaderBytes + captured + record::kAlignment - 1) / record::kAlignment *
           record::kAlignment;
}

}  // namespace capture
