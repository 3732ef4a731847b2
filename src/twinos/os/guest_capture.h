// SPDX-License-Identifier: MIT
// GuestCapture: the co-existing OS's own capture, as tcpdump inside it would take.
// OS code: a user program of the co-existing OS, on its kernel's packet taps.
//
// What an administrator of the watched OS has: a packet capture taken inside
// it, seeing both directions through the stack's taps. It is the record an
// intruder who owns the OS can falsify -- by hooking the taps so its frames
// never reach them, and by rewriting the capture afterwards (chapter 8).
// The monitor's capture, taken outside the OS, is the one to compare it with.
//
// Chapter: chapters/08-intruder.rst.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "twinos/os/kernel.h"

namespace twinos::os {

/// One frame as the guest's capture recorded it.
struct GuestRecord {
    machine::Ticks at;             ///< When the tap saw it.
    bool outbound = false;         ///< Sent by this OS (else received).
    std::vector<std::byte> bytes;  ///< The whole frame.
};

/// A capture inside the co-existing OS.
class GuestCapture {
public:
    /// Start capturing on `kernel`'s taps, both directions.
    explicit GuestCapture(Kernel& kernel);

    /// The capture "file", as it stands.
    const std::vector<GuestRecord>& records() const { return records_; }
    /// Rewrite the file: drop every record `evidence` picks (what an
    /// intruder with root does to a file it can write). @return how many.
    std::size_t erase_if(const std::function<bool(const GuestRecord&)>& evidence);

private:
    Kernel& kernel_;
    std::vector<GuestRecord> records_;
};

}  // namespace twinos::os
