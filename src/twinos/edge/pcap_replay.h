// SPDX-License-Identifier: MIT
// PcapReplay: a pcap or pcapng file as a source of frames on the wire.
// An edge adapter: outside the machine, feeding it through the link.
//
// libpcap reads the file (both formats, either byte order, µs or ns
// timestamps); we ask for nanosecond precision so none is lost. Only
// Ethernet captures can be replayed into an Ethernet card: any other link
// type is refused at open with its name. A damaged file stops the replay at
// the damaged record: the frames before it have already been delivered,
// and `error()` says which record, at which byte offset, and what was wrong.
//
// Interface: `PcapReplay::open(path)`, `next(ts, frame)` (the FrameSource
// contract), `error()`, `stats()`.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "twinos/machine/link.h"

struct pcap;

namespace twinos::edge {

/// A capture file that cannot be replayed at all (unreadable, not Ethernet).
class ReplayError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// What was read from the file.
struct ReplayStats {
    std::uint64_t records = 0;               ///< Records delivered.
    std::uint64_t bytes = 0;                 ///< Their captured bytes.
    std::uint64_t truncated = 0;             ///< Records with captured length < original length.
    std::uint64_t longer_than_original = 0;  ///< Records claiming caplen > len (kept as captured).
};

/// A capture file replayed frame by frame.
class PcapReplay : public machine::FrameSource {
public:
    /// Open `path`. @throws ReplayError naming the file and the problem.
    static std::unique_ptr<PcapReplay> open(const std::string& path);
    ~PcapReplay() override;

    // PcapReplay — public interface

    bool next(std::int64_t& timestamp_ns, machine::WireFrame& frame) override;

    /// Why the replay stopped early, if it did: `file: record N (byte
    /// offset X): message`.
    const std::optional<std::string>& error() const { return error_; }
    /// What has been read.
    const ReplayStats& stats() const { return stats_; }
    /// The file's snapshot length.
    int snaplen() const;

private:
    PcapReplay(std::string path, pcap* handle, std::unique_ptr<char[]> read_buffer)
        : path_(std::move(path)), read_buffer_(std::move(read_buffer)), handle_(handle) {}
    static constexpr std::size_t kReadBufferBytes = 1 << 16;
    std::string path_;
    std::unique_ptr<char[]> read_buffer_;  // the stream's stdio buffer; outlives handle_
    pcap* handle_;
    // Where the next record starts, kept by arithmetic for classic pcap
    // (24-byte file header, 16-byte record headers); empty for pcapng and
    // the rarer pcap variants, which ask the file instead (ftell per record
    // is a sizeable share of a fast replay).
    std::optional<long> next_offset_;
    std::optional<std::string> error_;
    ReplayStats stats_;
};

}  // namespace twinos::edge
