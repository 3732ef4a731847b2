// SPDX-License-Identifier: MIT
// PcapReplay: libpcap's offline reader, with errors that say where.
#include "twinos/edge/pcap_replay.h"

#include <pcap/pcap.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include <stdio_ext.h>
#include <unistd.h>

namespace twinos::edge {

// [twinos:pcap-open]
std::unique_ptr<PcapReplay> PcapReplay::open(const std::string& path) {
    // We open the file ourselves so that it is read in 64 KiB pieces: libpcap
    // would read it through stdio's default 4 KiB buffer, one system call
    // per 4 KiB -- 146 000 of them for a 600 MB capture. (Much larger pieces
    // gain nothing: they no longer fit the core's cache.)
    // `-` is standard input (a pipe: it cannot be rewound), on a stream of
    // its own so that closing the capture leaves stdin alone.
    const bool from_stdin = path == "-";
    std::FILE* file = from_stdin ? fdopen(::dup(0), "rb") : std::fopen(path.c_str(), "rb");
    const std::string shown = from_stdin ? "stdin" : path;
    if (file == nullptr) throw ReplayError(shown + ": " + std::strerror(errno));
    auto buffer = std::make_unique<char[]>(kReadBufferBytes);
    std::setvbuf(file, buffer.get(), _IOFBF, kReadBufferBytes);
    // One thread at a time reads the stream (the read-ahead thread, once
    // it is started), so stdio need not lock it: libpcap's two freads a
    // record each took and released the stream's lock, an atomic
    // instruction that was most of the reader thread's time (chapter 7).
    __fsetlocking(file, FSETLOCKING_BYCALLER);
    // Classic pcap (micro- or nanosecond, either byte order) keeps record
    // offsets by arithmetic; pcapng asks the file where it is. A pipe cannot
    // be looked at twice: its offsets are not known.
    std::uint32_t magic = 0;
    if (!from_stdin) {
        if (std::fread(&magic, 4, 1, file) != 1) magic = 0;
        std::rewind(file);
    }
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t* handle =
        pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (handle == nullptr) {
        std::fclose(file);  // on failure the stream is still ours
        // Header problems (bad magic, unsupported version, cut short) land
        // here; they are all in the file header at byte 0.
        throw ReplayError(shown + ": byte offset 0 (file header): " + errbuf);
    }
    // From here pcap_close() closes the stream; the buffer outlives it.
    auto replay = std::unique_ptr<PcapReplay>(new PcapReplay(shown, handle, std::move(buffer)));
    const int linktype = pcap_datalink(handle);
    if (linktype != DLT_EN10MB) {
        const char* name = pcap_datalink_val_to_name(linktype);
        const char* what = pcap_datalink_val_to_description(linktype);
        throw ReplayError(shown + ": link type " + std::to_string(linktype) + " (" +
                          (name ? name : "unknown") + (what ? std::string(": ") + what : "") +
                          ") is not Ethernet; the 3c905 can only receive Ethernet (EN10MB) frames");
    }
    for (const std::uint32_t classic : {0xa1b2c3d4u, 0xd4c3b2a1u, 0xa1b23c4du, 0x4d3cb2a1u}) {
        if (magic == classic) replay->next_offset_ = 24;
    }
    return replay;
}
// [/twinos:pcap-open]

PcapReplay::~PcapReplay() { pcap_close(handle_); }

int PcapReplay::snaplen() const { return pcap_snapshot(handle_); }

// [twinos:pcap-next]
bool PcapReplay::next(std::int64_t& timestamp_ns, machine::WireFrame& frame) {
    if (error_) return false;
    // Where the next record starts, for an error message that points at it.
    const long offset = next_offset_ ? *next_offset_ : std::ftell(pcap_file(handle_));
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    const int result = pcap_next_ex(handle_, &header, &data);
    if (result == PCAP_ERROR_BREAK) return false;  // clean end of file
    // `file: record N (byte offset X): why`, and the replay ends there.
    auto stop = [&](const std::string& why) {
        error_ = path_ + ": record " + std::to_string(stats_.records + 1) + " (byte offset " +
                 (offset >= 0 ? std::to_string(offset) : std::string("unknown: a pipe")) +
                 "): " + why;
        return false;
    };
    if (result != 1) return stop(pcap_geterr(handle_));
    // With nanosecond precision libpcap puts nanoseconds in tv_usec. The
    // machine's clock is a signed 64-bit count of nanoseconds: a pcapng
    // timestamp past 2262-04-11 (or before 1677-09-21) does not fit, and is
    // refused by name rather than wrapped.
    const auto seconds = static_cast<std::int64_t>(header->ts.tv_sec);
    const auto fraction = static_cast<std::int64_t>(header->ts.tv_usec);
    if (__builtin_mul_overflow(seconds, std::int64_t{1'000'000'000}, &timestamp_ns) ||
        __builtin_add_overflow(timestamp_ns, fraction, &timestamp_ns)) {
        return stop("timestamp " + std::to_string(seconds) + "." + std::to_string(fraction) +
                    " s does not fit a 64-bit count of nanoseconds (1677-09-21 to 2262-04-11)");
    }
    const auto* bytes = reinterpret_cast<const std::byte*>(data);
    frame.bytes.assign(bytes, bytes + header->caplen);  // never more than was captured
    frame.original_length = header->len;
    if (next_offset_) *next_offset_ += 16 + static_cast<long>(header->caplen);
    ++stats_.records;
    stats_.bytes += header->caplen;
    if (header->caplen < header->len) ++stats_.truncated;
    if (header->caplen > header->len) ++stats_.longer_than_original;
    return true;
}
// [/twinos:pcap-next]

}  // namespace twinos::edge
