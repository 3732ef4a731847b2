// SPDX-License-Identifier: MIT
// TextWriter: the monitor's log as text, one line per packet.
// Part of the monitor AP (preceding OS user space).
//
// The paper's log format was its own and meant for people. Ours:
//
//   1700000000.000020000 rx 64/64 rule 1 02:00:00:00:00:01 > 02:..., IPv4 10.0.0.1.7 > ...
//   # 3 records lost to overwrite
//   # captured 97, lost 3, matched 100
//
// time (seconds.nanoseconds), direction, captured/original length, the rule
// that matched, and a summary of the headers the slice holds.
//
// Chapter: chapters/06-monitor-ap.rst.
#pragma once

#include "monitor/file_sink.h"
#include "monitor/log_writer.h"

namespace monitor {

/// Writes the text log.
class TextWriter : public LogWriter {
public:
    /// Create `path`. @throws WriteError
    explicit TextWriter(const std::string& path) : file_(path) {}

    void write(const capture::RecordHeader& header, std::span<const std::byte> slice,
               std::uint64_t lost_before) override;
    void finish(const CaptureTotals& totals) override;

private:
    void line(const std::string& text);
    FileSink file_;
};

}  // namespace monitor
