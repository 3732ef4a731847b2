// SPDX-License-Identifier: MIT
// ReadAheadSource: two batches, one reader thread, swap when empty.
#include "twinos/edge/read_ahead_source.h"

#include <utility>

namespace twinos::edge {

namespace {
constexpr std::size_t kKeepCapacity = 64 * 1024;  // a frame buffer kept for reuse
constexpr std::size_t kCacheLine = 64;            // what one prefetch asks for
}  // namespace

ReadAheadSource::ReadAheadSource(machine::FrameSource& inner, std::size_t batch_frames)
    : inner_(inner), batch_frames_(batch_frames == 0 ? 1 : batch_frames) {
    for (Batch* b : {&reading_, &filled_}) {
        b->times.resize(batch_frames_);
        b->frames.resize(batch_frames_);
    }
    reader_ = std::thread([this] { read_batches(); });
}

ReadAheadSource::~ReadAheadSource() { finish(); }

void ReadAheadSource::finish() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    changed_.notify_all();
    if (reader_.joinable()) reader_.join();
}

// [twinos:read-ahead]
void ReadAheadSource::read_batches() {
    Batch local;
    local.times.resize(batch_frames_);
    local.frames.resize(batch_frames_);
    for (;;) {
        // Fill a batch without holding the lock: this is the part that
        // runs beside the machine.
        local.count = 0;
        local.last = false;
        std::size_t bytes = 0;
        while (local.count < batch_frames_ && bytes < kBatchBytes) {
            machine::WireFrame& slot = local.frames[local.count];
            // A slot that once held a jumbo frame gives its memory back.
            if (slot.bytes.capacity() > kKeepCapacity) std::vector<std::byte>().swap(slot.bytes);
            if (!inner_.next(local.times[local.count], slot)) {
                local.last = true;
                break;
            }
            bytes += slot.bytes.size();
            ++local.count;
        }
        // Hand it over once the consumer has taken the previous one.
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !filled_ready_ || stop_; });
        if (stop_) return;
        std::swap(local, filled_);  // buffers circulate; none are freed
        filled_ready_ = true;
        const bool last = filled_.last;
        // Wake the machine after letting go of the lock, so that it does
        // not wake only to wait for the lock (chapter 7: each wake-up is a
        // system call, and a frame's whole simulation costs less).
        lock.unlock();
        changed_.notify_all();
        if (last) return;
    }
}

bool ReadAheadSource::next(std::int64_t& timestamp_ns, machine::WireFrame& frame) {
    // The buffer lent out with the frame before goes back to its own slot,
    // and the caller's frame gets back the buffer it gave for it. Each slot
    // so keeps its own buffer, which the reader fills again only a batch or
    // two later, when the machine's core has long moved on from those lines.
    // (Handing the reader the buffer the machine had just read instead made
    // it write every line of every frame into lines still in the other
    // core's cache: filling a batch took twice as long -- chapter 7.)
    if (lent_ != nullptr) {
        std::swap(frame.bytes, *lent_);
        lent_ = nullptr;
    }
    // Taking the next batch (a lock, perhaps a wait) is once in thousands of
    // frames and out of line, so a frame taken from the batch in hand saves
    // no registers for it (chapter 7).
    if (at_ == reading_.count && !take_next_batch()) return false;
    timestamp_ns = reading_.times[at_];
    // Swap, not move: both vectors keep their capacity for the next frame.
    machine::WireFrame& slot = reading_.frames[at_];
    std::swap(frame.bytes, slot.bytes);
    lent_ = &slot.bytes;
    frame.original_length = slot.original_length;
    ++at_;
    // The reader thread wrote these bytes on the other core. The machine
    // reads them only when the frame arrives, after the current frame's whole
    // path: ask for every line of them now, so the card's DMA does not wait
    // line by line for the transfer between the cores (chapter 7). The
    // first and the last line first: a small frame has no others. Hints;
    // they change nothing else.
    if (!frame.bytes.empty()) {
        const std::byte* const first = frame.bytes.data();
        const std::byte* const last = first + frame.bytes.size() - 1;
        __builtin_prefetch(first);
        __builtin_prefetch(last);
        for (const std::byte* line = first + kCacheLine; line < last; line += kCacheLine) {
            __builtin_prefetch(line);
        }
    }
    if (at_ < reading_.count) __builtin_prefetch(&reading_.frames[at_]);
    return true;
}

bool ReadAheadSource::take_next_batch() {
    if (reading_.last || done_) return false;
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return filled_ready_ || stop_; });
    if (!filled_ready_) {
        done_ = true;  // stopped before the reader delivered more
        return false;
    }
    std::swap(reading_, filled_);
    filled_ready_ = false;
    at_ = 0;
    lock.unlock();  // (as in read_batches: wake the reader without the lock)
    changed_.notify_all();
    return reading_.count != 0;
}
// [/twinos:read-ahead]

}  // namespace twinos::edge
