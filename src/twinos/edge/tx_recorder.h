// SPDX-License-Identifier: MIT
// TxRecorder: a sink on the wire that records what the machine transmits.
// An edge adapter: outside the machine, attached to its link.
//
// Counts every frame the NIC puts on the wire and, up to a limit, keeps a
// copy with its time -- for tests, and for `twinos run` to report what the
// co-existing OS sent.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>
#include <vector>

#include "twinos/machine/link.h"

namespace twinos::edge {

/// Records transmitted frames.
class TxRecorder : public machine::FrameSink {
public:
    /// Keep copies of at most `keep` frames (counting goes on past it).
    explicit TxRecorder(std::size_t keep = 1024) : keep_(keep) {}

    void on_transmit(machine::Ticks at, std::span<const std::byte> frame) override {
        ++frames_;
        bytes_ += frame.size();
        if (kept_.size() < keep_) kept_.push_back({at, {frame.begin(), frame.end()}});
    }

    /// One kept frame.
    struct Sent {
        machine::Ticks at;             ///< When it left the NIC.
        std::vector<std::byte> bytes;  ///< Its bytes.
    };
    /// Frames transmitted.
    std::uint64_t frames() const { return frames_; }
    /// Their bytes.
    std::uint64_t bytes() const { return bytes_; }
    /// The first frames, up to the limit.
    const std::vector<Sent>& kept() const { return kept_; }

private:
    std::size_t keep_;
    std::uint64_t frames_ = 0;
    std::uint64_t bytes_ = 0;
    std::vector<Sent> kept_;
};

}  // namespace twinos::edge
