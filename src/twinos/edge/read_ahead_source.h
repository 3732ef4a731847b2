// SPDX-License-Identifier: MIT
// ReadAheadSource: a FrameSource that reads its frames on a second thread.
// An edge adapter: it wraps another source (a capture file) and nothing in
// the machine knows it is there.
//
// Reading a capture -- libpcap's record parsing and the copy into a frame --
// is a tenth of a replay's work, and none of it needs the machine. This
// wrapper lets a second core do it: a reader thread fills one batch of
// frames while the machine takes frames from the other, and they swap.
// The frames, their order and their times are exactly the inner source's,
// so the simulation stays deterministic; only host time changes. Memory is
// three batches (the reader's, the one handed over, the machine's),
// whatever the capture's length, and frame buffers are reused: each slot
// lends its buffer with its frame until the next call (swapped, never
// freed), so a steady replay allocates nothing.
//
// The inner source must not be touched by anyone else until `finish()` (or
// the destructor) has stopped the reader -- then, e.g., its `error()` may
// be read.
//
// Chapter: chapters/07-evaluation.rst.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "twinos/machine/link.h"

namespace twinos::edge {

/// Frames of `inner`, read ahead on a thread of their own.
class ReadAheadSource : public machine::FrameSource {
public:
    /// Start reading `inner` in batches of up to `batch_frames` frames (and
    /// at most about `kBatchBytes` of them).
    explicit ReadAheadSource(machine::FrameSource& inner, std::size_t batch_frames = 4096);
    /// A batch ends once its frames hold this many bytes: three batches of
    /// jumbo frames stay a few megabytes.
    static constexpr std::size_t kBatchBytes = 2u << 20;
    ~ReadAheadSource() override;
    ReadAheadSource(const ReadAheadSource&) = delete;
    ReadAheadSource& operator=(const ReadAheadSource&) = delete;

    bool next(std::int64_t& timestamp_ns, machine::WireFrame& frame) override;

    /// Stop the reader thread (idempotent). Afterwards the inner source is
    /// the caller's again; `next` returns what was already read, then false.
    void finish();

private:
    struct Batch {
        std::vector<std::int64_t> times;
        std::vector<machine::WireFrame> frames;
        std::size_t count = 0;  // frames filled
        bool last = false;      // the inner source had no more after these
    };
    void read_batches();  // the reader thread
    // Swap in the batch the reader filled, waiting for it if need be.
    // @return false at the end of the frames.
    [[gnu::noinline]] bool take_next_batch();

    machine::FrameSource& inner_;
    std::size_t batch_frames_;
    Batch reading_;  // the consumer's batch
    std::size_t at_ = 0;
    // The slot of reading_ whose buffer the caller's frame holds until the
    // next call (it holds the caller's buffer meanwhile); null if none.
    std::vector<std::byte>* lent_ = nullptr;
    Batch filled_;  // handed over by the reader
    std::mutex mutex_;
    std::condition_variable changed_;
    bool filled_ready_ = false;  // filled_ holds a batch not yet taken
    bool stop_ = false;
    bool done_ = false;  // the reader has delivered its last batch
    std::thread reader_;
};

}  // namespace twinos::edge
