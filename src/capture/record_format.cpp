// SPDX-License-Identifier: MIT
// Record headers: packing the fields into the ring's little-endian layout.
#include "capture/record_format.h"

namespace capture {

std::array<std::byte, record::kHeaderBytes> encode_header(const RecordHeader& h,
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

}  // namespace capture
