// SPDX-License-Identifier: MIT
// CountedSource: the first N frames of another source (tcpdump's `-c`).
// An edge adapter: it sits between a capture and the link.
//
// Counting at the source, not at arrival, means frames past the count are
// never pulled onto the wire at all, so draining the machine adds none, and
// a reader ahead of it (ReadAheadSource) stops reading the file there too.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>

#include "twinos/machine/link.h"

namespace twinos::edge {

/// Stops a source after a number of frames; -1: no limit.
class CountedSource : public machine::FrameSource {
public:
    /// The first `limit` frames of `inner` (all of them when `limit` is -1).
    CountedSource(machine::FrameSource& inner, std::int64_t limit) : inner_(inner), left_(limit) {}
    /// The inner source's next frame, while the count lasts.
    bool next(std::int64_t& ts, machine::WireFrame& frame) override {
        if (left_ == 0) return false;
        if (left_ > 0) --left_;
        return inner_.next(ts, frame);
    }

private:
    machine::FrameSource& inner_;
    std::int64_t left_;
};

}  // namespace twinos::edge
