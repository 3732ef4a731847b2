// SPDX-License-Identifier: MIT
// Partition: the contiguous slice of physical memory one OS owns.
// Part of the simulated machine; OS code and labs never edit this.
//
// TwinOS splits memory in two: the preceding OS gets the high-address half,
// the co-existing OS the low-address half (paper §2.1). A partition is a
// half-open range [base, base + size). Every check the machine makes about
// "may this OS touch this memory" reduces to the two questions below, so
// they are written once, carefully, with overflow in mind: a range whose
// end wraps past 2^64 must never look as if it were inside.
//
// Chapter: chapters/02-twinos.rst.
#pragma once

#include <cstdint>

#include "twinos/machine/addresses.h"
#include "twinos/machine/os_id.h"

namespace twinos::machine {

/// The physical memory one OS owns: [base, base + size_bytes).
struct Partition {
    OsId owner = OsId::Preceding;  ///< Which OS owns it.
    PhysAddr base;                 ///< First byte.
    std::uint64_t size_bytes = 0;  ///< Length in bytes; a partition is never empty.

    /// One past the last byte.
    PhysAddr end() const { return base + size_bytes; }
    /// The last byte (valid because partitions are never empty).
    PhysAddr last() const { return base + (size_bytes - 1); }

    /// True when `addr` lies inside the partition.
    bool contains(PhysAddr addr) const;

    /// True when all of [addr, addr + length) lies inside the partition.
    /// A zero-length range is inside when `addr` is. A range whose end
    /// overflows 64 bits is never inside.
    bool contains_range(PhysAddr addr, std::uint64_t length) const;
};

}  // namespace twinos::machine
