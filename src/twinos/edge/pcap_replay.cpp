// SPDX-License-Identifier: MIT
// PcapReplay: libpcap's offline reader, with errors that say where.
#include "twinos/edge/pcap_replay.h"

#include <pcap/pcap.h>

#include <cstdint>
#include <cstdio>

namespace twinos::edge {

// [twinos:pcap-open]
std::unique_ptr<PcapReplay> PcapReplay::open(const std::string& path) {
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t* handle =
        pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (handle == nullptr) {
        // Header problems (bad magic, unsupported version, cut short) land
        // here; they are all in the file header at byte 0.
        throw ReplayError(path + ": byte offset 0 (file header): " + errbuf);
    }
    const int linktype = pcap_datalink(handle);
    if (linktype != DLT_EN10MB) {
        const char* name = pcap_datalink_val_to_name(linktype);
        const char* what = pcap_datalink_val_to_description(linktype);
        pcap_close(handle);
        throw ReplayError(path + ": link type " + std::to_string(linktype) + " (" +
                          (name ? name : "unknown") + (what ? std::string(": ") + what : "") +
                          ") is not Ethernet; the 3c905 can only receive Ethernet (EN10MB) frames");
    }
    auto replay = std::unique_ptr<PcapReplay>(new PcapReplay(path, handle));
    // Classic pcap, micro- or nanosecond, either byte order: offsets by arithmetic.
    std::uint32_t magic = 0;
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
        if (std::fread(&magic, 4, 1, f) != 1) magic = 0;
        std::fclose(f);
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
    if (result != 1) {
        error_ = path_ + ": record " + std::to_string(stats_.records + 1) + " (byte offset " +
                 std::to_string(offset) + "): " + pcap_geterr(handle_);
        return false;
    }
    // With nanosecond precision libpcap puts nanoseconds in tv_usec.
    timestamp_ns = static_cast<std::int64_t>(header->ts.tv_sec) * 1'000'000'000 +
                   static_cast<std::int64_t>(header->ts.tv_usec);
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
