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

#include "twinos/machine/little_endian.h"

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

/// Lay the 40 header bytes of a packet record down at `out`, little-endian
/// (twinos/machine/little_endian.h, as on the PCI bus). Inline: the
/// acquisition part writes one per packet. Field by field, straight to
/// where they go: a header built in a struct first and then copied is read
/// back in wider moves than it was written in, and that stalls the CPU on
/// every packet (chapter 7).
inline void encode_header_at(std::byte* out, const RecordHeader& h, std::uint32_t length,
                             std::uint64_t sequence, std::uint32_t captured) {
    using twinos::machine::store_le;
    store_le<std::uint32_t>(out + record::kLength, length);
    store_le<std::uint16_t>(out + record::kType, record::kTypePacket);
    out[record::kDirection] = std::byte{static_cast<std::uint8_t>(h.direction)};
    out[record::kRuleId] = std::byte{h.rule_id};
    store_le<std::uint64_t>(out + record::kSequence, sequence);
    store_le<std::uint64_t>(out + record::kTimestamp, h.timestamp_ns);
    store_le<std::uint32_t>(out + record::kOriginalLength, h.original_length);
    store_le<std::uint32_t>(out + record::kCapturedLength, captured);
    store_le<std::uint32_t>(out + record::kSliceOffset, h.slice_offset);
    store_le<std::uint32_t>(out + record::kSliceOffset + 4, 0);  // reserved
}

/// The 40 header bytes of a packet record, as a block (for a ring whose
/// pages are scattered, where the header may cross a page).
inline std::array<std::byte, record::kHeaderBytes> encode_header(const RecordHeader& h,
                                                                 std::uint32_t length,
                                                                 std::uint64_t sequence,
                                                                 std::uint32_t captured) {
    std::array<std::byte, record::kHeaderBytes> out;
    encode_header_at(out.data(), h, length, sequence, captured);
    return out;
}

/// The header fields of the packet record whose 40 header bytes are at
/// `bytes` (its length and type are the caller's: it read them first).
/// Each field is read from where it lies, for the reason `encode_header_at`
/// writes each where it goes.
inline RecordHeader decode_header(const std::byte* bytes) {
    using twinos::machine::load_le;
    RecordHeader h;
    h.sequence = load_le<std::uint64_t>(bytes + record::kSequence);
    h.timestamp_ns = load_le<std::uint64_t>(bytes + record::kTimestamp);
    h.original_length = load_le<std::uint32_t>(bytes + record::kOriginalLength);
    h.captured_length = load_le<std::uint32_t>(bytes + record::kCapturedLength);
    h.slice_offset = load_le<std::uint32_t>(bytes + record::kSliceOffset);
    h.direction = static_cast<Direction>(std::to_integer<std::uint8_t>(bytes[record::kDirection]));
    h.rule_id = std::to_integer<std::uint8_t>(bytes[record::kRuleId]);
    return h;
}

/// Bytes a record with a `captured`-byte slice occupies in the ring.
constexpr std::uint64_t record_bytes(std::uint64_t captured) {
    return (record::kHeaderBytes + captured + record::kAlignment - 1) / record::kAlignment *
           record::kAlignment;
}

}  // namespace capture
