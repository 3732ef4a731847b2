// SPDX-License-Identifier: MIT
// BackgroundWriter: a LogWriter that hands its records to a writer thread.
// Part of the monitor AP (preceding OS user space).
//
// Writing a record -- libpcap's `pcap_dump`, our pcapng blocks, a text
// line -- is about a tenth of a fast replay's work, and the machine does not
// wait for it: the paper's AP, too, wrote its log while the monitored OS
// went on. This wrapper collects records into a batch (copies of the header
// and the slice) and gives full batches to a thread that calls the real
// writer; the machine goes on filling the next batch meanwhile.
//
// The file is the same, byte for byte, as the real writer alone would make:
// one thread writes it, in order. A write error is raised on the AP's side
// at its next write (or at `finish`); records after the failing one are not
// written, and the real writer has already left a valid file up to the last
// whole packet. Memory: two batches.
//
// Chapter: chapters/07-evaluation.rst.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "monitor/log_writer.h"

namespace monitor {

/// `inner`, written on a thread of its own.
class BackgroundWriter : public LogWriter {
public:
    /// Records per batch (a batch also ends at `kBatchBytes` of slices).
    static constexpr std::size_t kBatchRecords = 4096;
    /// Slice bytes per batch.
    static constexpr std::size_t kBatchBytes = 1u << 20;
    /// Room a batch's slice buffer gets up front: a batch ends once past
    /// kBatchBytes, so the last slice rarely needs more.
    static constexpr std::size_t kBatchRoom = kBatchBytes + (kBatchBytes >> 2);

    /// Take over `inner` and start the writer thread.
    explicit BackgroundWriter(std::unique_ptr<LogWriter> inner);
    ~BackgroundWriter() override;
    BackgroundWriter(const BackgroundWriter&) = delete;
    BackgroundWriter& operator=(const BackgroundWriter&) = delete;

    /// Queue one packet. @throws WriteError when an earlier batch failed.
    void write(const capture::RecordHeader& header, std::span<const std::byte> slice,
               std::uint64_t lost_before) override;
    /// Write what is queued, stop the thread, finish the file.
    /// @throws WriteError from any write or from finishing.
    void finish(const CaptureTotals& totals) override;

private:
    // One queued packet. The header's fields are kept one by one, in an
    // order where no two that are neighbours in RecordHeader are neighbours
    // here: `write` then copies them with one load each. Copied as a block,
    // the header would be read in 16-byte moves just after the AP's reader
    // wrote it field by field, and such a load waits until those stores
    // have reached the cache -- on every packet (chapter 7).
    struct Record {
        std::uint64_t sequence;
        std::size_t offset;  // of its slice in Batch::bytes
        std::uint64_t timestamp_ns;
        std::size_t length;
        std::uint32_t original_length;
        std::uint32_t slice_offset;
        std::uint64_t lost_before;
        std::uint32_t captured_length;
        capture::Direction direction;
        std::uint8_t spare;  // keeps rule_id apart from direction
        std::uint8_t rule_id;
        capture::RecordHeader header() const {
            capture::RecordHeader h;
            h.sequence = sequence;
            h.timestamp_ns = timestamp_ns;
            h.original_length = original_length;
            h.captured_length = captured_length;
            h.slice_offset = slice_offset;
            h.direction = direction;
            h.rule_id = rule_id;
            return h;
        }
    };
    struct Batch {
        // kBatchRecords slots, all made up front: [0, count) are queued.
        // (Slots, not emplace_back: the hot path then has no growing to
        // make room for, chapter 7.)
        std::vector<Record> records;
        std::size_t count = 0;
        std::vector<std::byte> bytes;  // the slices in bytes[0, used); grows, never shrinks
        std::size_t used = 0;
        void clear() {
            count = 0;
            used = 0;
        }
        // A record's slice into bytes[at, at + size). (One memcpy: a
        // vector's insert costs more than a 54-byte copy.)
        void copy_slice(std::size_t at, std::span<const std::byte> slice) {
            if (!slice.empty()) std::memcpy(bytes.data() + at, slice.data(), slice.size());
        }
    };
    // The long ways out of `write`, out of line so that the common record
    // saves no registers for them: a slice with no room left in the batch
    // (the room grows, then the record is written), and the record that
    // fills the batch (copied, then the batch handed over).
    [[gnu::noinline]] void write_growing(const capture::RecordHeader& header,
                                         std::span<const std::byte> slice,
                                         std::uint64_t lost_before);
    [[gnu::noinline]] void copy_and_hand_over(std::size_t at, std::span<const std::byte> slice);
    void hand_over();      // give `filling_` to the thread (waits while it is busy)
    void write_batches();  // the writer thread
    void stop_thread();

    std::unique_ptr<LogWriter> inner_;
    Batch filling_;  // the AP's side
    Batch handed_;   // the thread's side
    std::mutex mutex_;
    std::condition_variable changed_;
    bool busy_ = false;  // handed_ holds a batch being written
    bool stop_ = false;
    std::exception_ptr error_;  // the thread's WriteError, raised on the AP's side
    std::thread thread_;
};

}  // namespace monitor
