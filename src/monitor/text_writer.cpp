// SPDX-License-Identifier: MIT
// TextWriter: formatting one packet per line.
#include "monitor/text_writer.h"

#include <cstdio>

#include "monitor/packet_summary.h"

namespace monitor {

void TextWriter::line(const std::string& text) {
    const std::string with_newline = text + "\n";
    file_.write_block(
        {reinterpret_cast<const std::byte*>(with_newline.data()), with_newline.size()});
}

void TextWriter::write(const capture::RecordHeader& h, std::span<const std::byte> slice,
                       std::uint64_t lost_before) {
    const auto time_ns = static_cast<std::int64_t>(h.timestamp_ns);
    if (lost_before != 0) line("# " + std::to_string(lost_before) + " records lost to overwrite");
    char head[96];
    std::snprintf(head, sizeof head, "%lld.%09lld %s %zu/%u rule %u ",
                  static_cast<long long>(time_ns / 1'000'000'000),
                  static_cast<long long>(time_ns % 1'000'000'000),
                  h.direction == capture::Direction::Rx ? "rx" : "tx", slice.size(),
                  h.original_length, h.rule_id);
    line(head + summarize(slice, h.slice_offset));
}

void TextWriter::finish(const CaptureTotals& t) {
    line("# captured " + std::to_string(t.captured) + ", lost " + std::to_string(t.lost) +
         ", matched " + std::to_string(t.matched));
    file_.close();
}

}  // namespace monitor
