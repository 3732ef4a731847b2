// SPDX-License-Identifier: MIT
// PcapWriter: pcap_dump with nanosecond timestamps, and its errors.
#include "monitor/pcap_writer.h"

#include <pcap/pcap.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <stdio_ext.h>
#include <sys/stat.h>
#include <unistd.h>

namespace monitor {

namespace {
constexpr std::uint64_t kFileHeaderBytes = 24;    // pcap's global header
constexpr std::uint64_t kRecordHeaderBytes = 16;  // and each record's
}  // namespace

PcapWriter::PcapWriter(const std::string& path, std::uint32_t snaplen)
    : path_(path == "-" ? "stdout" : path) {
    dead_ = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, static_cast<int>(snaplen),
                                                 PCAP_TSTAMP_PRECISION_NANO);
    // `-` is standard output, on a stream of its own.
    std::FILE* file = path == "-" ? fdopen(::dup(1), "wb") : std::fopen(path.c_str(), "wb");
    if (file != nullptr) {
        buffer_.resize(256 * 1024);
        std::setvbuf(file, buffer_.data(), _IOFBF, buffer_.size());
        // One thread at a time writes the stream (the writer thread, then
        // finish() after it is joined): pcap_dump's two fwrites a record
        // need not take and release its lock, an atomic instruction each.
        __fsetlocking(file, FSETLOCKING_BYCALLER);
        dumper_ = pcap_dump_fopen(dead_, file);
        if (dumper_ == nullptr) std::fclose(file);
    }
    record_ends_.push_back(kFileHeaderBytes);  // pcap_dump_fopen buffered the header
    if (dumper_ == nullptr) {
        const std::string why = file == nullptr ? std::strerror(errno) : pcap_geterr(dead_);
        pcap_close(dead_);
        dead_ = nullptr;
        throw WriteError(path + ": cannot create: " + why);
    }
}

PcapWriter::~PcapWriter() {
    if (dumper_ != nullptr) pcap_dump_close(dumper_);
    if (dead_ != nullptr) pcap_close(dead_);
}

void PcapWriter::write(const capture::RecordHeader& h, std::span<const std::byte> slice,
                       std::uint64_t) {
    const auto time_ns = static_cast<std::int64_t>(h.timestamp_ns);
    pcap_pkthdr header{};
    // Floor division: a time before the epoch (libpcap reads the largest
    // 32-bit second of a file as -1) keeps a non-negative fraction.
    std::int64_t seconds = time_ns / 1'000'000'000;
    if (time_ns % 1'000'000'000 < 0) --seconds;
    header.ts.tv_sec = seconds;
    header.ts.tv_usec = time_ns - seconds * 1'000'000'000;  // nanoseconds in a nanosecond file
    header.caplen = static_cast<bpf_u_int32>(slice.size());
    header.len = h.original_length;
    // Flush before the record rather than let stdio flush in its middle.
    const std::uint64_t bytes = kRecordHeaderBytes + slice.size();
    if (buffered_end() - on_disk_ + bytes > buffer_.size()) flush();
    pcap_dump(reinterpret_cast<u_char*>(dumper_), &header,
              reinterpret_cast<const u_char*>(slice.data()));
    record_ends_.push_back(buffered_end() + bytes);
    // Only this thread writes the file: the unlocked check is enough, and
    // the locked one is a measurable share of a million small records.
    if (ferror_unlocked(pcap_dump_file(dumper_))) {
        const int error = errno;
        cut_back_to_whole_records();
        throw WriteError(path_ + ": write failed: " + std::strerror(error));
    }
}

void PcapWriter::flush() {
    if (pcap_dump_flush(dumper_) != 0) {
        const int error = errno;
        cut_back_to_whole_records();
        throw WriteError(path_ + ": write failed: " + std::strerror(error) +
                         " (the file ends with its last whole record)");
    }
    on_disk_ = buffered_end();
    record_ends_.clear();
}

void PcapWriter::cut_back_to_whole_records() {
    std::FILE* file = pcap_dump_file(dumper_);
    __fpurge(file);  // what the failed write left in the buffer never goes out
    const int fd = fileno(file);
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        // The largest record end the file reaches: every byte before it is
        // whole records; a pipe cannot be cut, and is left as it is.
        std::uint64_t keep = on_disk_;
        for (std::uint64_t end : record_ends_) {
            if (end <= static_cast<std::uint64_t>(st.st_size)) keep = end;
        }
        if (::ftruncate(fd, static_cast<off_t>(keep)) != 0) {
            // Nothing more to do: the error being reported already names the file.
        }
        on_disk_ = keep;
    }
    record_ends_.clear();
}

void PcapWriter::finish(const CaptureTotals&) {
    // pcap has nowhere to put the loss count: the summary reports it.
    flush();
    const bool ok = std::fclose(pcap_dump_file(dumper_)) == 0;
    dumper_ = nullptr;
    if (!ok) throw WriteError(path_ + ": write failed: " + std::strerror(errno));
}

}  // namespace monitor
