// SPDX-License-Identifier: MIT
// LogAreaFixture: a log ring and its reader, mapped as the monitor AP maps
// them, without the rest of the machine.
//
// Fig. 7 (`copy_sweep`) and the capture benchmark time the ring copy on its
// own; both need the same 16 MiB area, mapped page by page into a
// preceding-OS address space, with every page touched first (as the kernel
// hands out zeroed memory -- the memcpy the copy is compared with writes to
// touched memory too).
//
// Chapter: chapters/07-evaluation.rst.
#pragma once

#include <cstdint>
#include <memory>

#include "capture/log_reader.h"
#include "capture/log_ring.h"
#include "twinos/machine/address_space.h"
#include "twinos/machine/physical_memory.h"

namespace twinos::eval {

/// A ring over the monitor's default 16 MiB log area, and its reader.
struct LogAreaFixture {
    /// The log area's size: the monitor AP's default.
    static constexpr std::uint64_t kArea = 16ull << 20;
    /// Where the control page and the area lie, physically and virtually.
    static constexpr std::uint64_t kBase = 0x100000;
    static constexpr std::uint64_t kVa = 0x1000000;  ///< See `kBase`.

    machine::PhysicalMemory memory;              ///< Control page, area and a spare page.
    machine::AddressSpace space;                 ///< The preceding-OS view that maps them.
    std::unique_ptr<capture::LogRing> ring;      ///< The writer's side.
    std::unique_ptr<capture::LogReader> reader;  ///< The monitor AP's side.

    /// Map, touch and initialise. @throws std::logic_error if mapping fails.
    LogAreaFixture();
};

}  // namespace twinos::eval
