// SPDX-License-Identifier: MIT
// BackgroundWriter: batches for a writer thread, errors back to the AP.
#include "monitor/background_writer.h"

#include <utility>

namespace monitor {

BackgroundWriter::BackgroundWriter(std::unique_ptr<LogWriter> inner) : inner_(std::move(inner)) {
    // Both batches get their room now, as they circulate between the AP and the thread.
    for (Batch* batch : {&filling_, &handed_}) {
        batch->records.resize(kBatchRecords);
        batch->bytes.resize(kBatchRoom);
    }
    thread_ = std::thread([this] { write_batches(); });
}

BackgroundWriter::~BackgroundWriter() { stop_thread(); }

void BackgroundWriter::stop_thread() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
}

// [monitor:background-write]
void BackgroundWriter::write(const capture::RecordHeader& header, std::span<const std::byte> slice,
                             std::uint64_t lost_before) {
    Batch& batch = filling_;
    const std::size_t at = batch.used;
    if (at + slice.size() > batch.bytes.size()) [[unlikely]] {
        return write_growing(header, slice, lost_before);
    }
    Record& r = batch.records[batch.count++];
    r.sequence = header.sequence;
    r.timestamp_ns = header.timestamp_ns;
    r.original_length = header.original_length;
    r.captured_length = header.captured_length;
    r.slice_offset = header.slice_offset;
    r.direction = header.direction;
    r.rule_id = header.rule_id;
    r.offset = at;
    r.length = slice.size();
    r.lost_before = lost_before;
    batch.used = at + slice.size();
    if (batch.count == kBatchRecords || batch.used >= kBatchBytes) [[unlikely]] {
        return copy_and_hand_over(at, slice);
    }
    batch.copy_slice(at, slice);
}

void BackgroundWriter::write_growing(const capture::RecordHeader& header,
                                     std::span<const std::byte> slice, std::uint64_t lost_before) {
    filling_.bytes.resize(std::max(filling_.used + slice.size(), kBatchRoom));
    write(header, slice, lost_before);
}

void BackgroundWriter::copy_and_hand_over(std::size_t at, std::span<const std::byte> slice) {
    filling_.copy_slice(at, slice);
    hand_over();
}

void BackgroundWriter::hand_over() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !busy_; });  // the thread took the last one
    if (error_) std::rethrow_exception(error_);
    std::swap(filling_, handed_);  // buffers circulate: no allocation per batch
    busy_ = true;
    // Wake the writer after letting go of the lock, so that it does not
    // wake only to wait for it (chapter 7: every wake-up is a system call).
    lock.unlock();
    changed_.notify_all();
    filling_.clear();  // the machine's own batch: no lock needed
}

void BackgroundWriter::write_batches() {
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [&] { return busy_ || stop_; });
        if (!busy_) return;  // stopped with nothing left to write
        lock.unlock();
        // The real writer, outside the lock: this is what runs beside the machine.
        std::exception_ptr failed;
        try {
            for (std::size_t i = 0; i < handed_.count; ++i) {
                const Record& r = handed_.records[i];
                inner_->write(r.header(),
                              std::span<const std::byte>(handed_.bytes).subspan(r.offset, r.length),
                              r.lost_before);
            }
        } catch (const WriteError&) {
            failed = std::current_exception();
        }
        lock.lock();
        if (failed) error_ = failed;
        busy_ = false;
        const bool failed_for_good = error_ != nullptr;
        lock.unlock();  // (wake the machine without the lock, as in hand_over)
        changed_.notify_all();
        if (failed_for_good) return;  // nothing more goes to a file that failed
        lock.lock();
    }
}

void BackgroundWriter::finish(const CaptureTotals& totals) {
    if (filling_.count != 0) hand_over();
    {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !busy_; });
    }
    stop_thread();
    if (error_) std::rethrow_exception(error_);
    inner_->finish(totals);  // the thread is gone: the file is ours again
}
// [/monitor:background-write]

}  // namespace monitor
