// SPDX-License-Identifier: MIT
// LogRing::append: the copy into the ring, with wrap and overwrite.
// LAB 4 STARTER -- this file stands in for src/capture/log_ring_append.cpp
// when the build is configured with -DTWINOS_LAB=lab04.
//
// You implement: `LogRing::append(header, slice)`.
// Provided (do not change): the rest of LogRing (log_ring.h, log_ring.cpp)
// and the record layout (record_format.h). You may use:
//   - `area_` and `control_` (MappedRegion): `write(at, bytes)`,
//     `store<T>(at, value)`, `load<T>(at)`; `area_.size()` is the capacity;
//   - `field(offset)` / `bump(offset)` for management-structure fields
//     (control::kWritePos, kNextSequence, kRecordsWritten, kTooBig, ...);
//   - `make_room(bytes)`: overwrites the oldest whole records until `bytes`
//     are free, counting them, and moves the read position;
//   - `record_bytes(captured)`: a record's size, header and alignment included.
//
// Paper: §3.2 problem 3. Chapter: chapters/05-packet-acquisition.rst.
// Lab: labs/lab04-log-ring/README.rst.
#include <array>

#include "capture/log_ring.h"

namespace capture {

// LAB 4 — your code here.
//
// Append one packet record; never wait for the reader.
//   1. length = record_bytes(slice.size()). If it is more than the capacity,
//      count it (bump(control::kTooBig)) and return false.
//   2. If the record does not fit in the space left before the end of the
//      area (the tail: capacity - write position % capacity), make room for
//      the tail, write a padding record there (its length = the tail, its
//      type = record::kTypePadding) and move the write position past it.
//   3. make_room(length), then write the record at write position % capacity:
//      the 40-byte header (see record_format.h; the sequence number is the
//      control field kNextSequence, the captured length is slice.size()),
//      the slice, and zeros up to `length`.
//   4. Publish: next sequence + 1, records written + 1, and the write
//      position + length -- the write position last, so that a reader never
//      sees a half-written record.
//   Return: true.
bool LogRing::append(const RecordHeader& header, std::span<const std::byte> slice) {
    (void)header;
    (void)slice;
    return false;
}

}  // namespace capture
