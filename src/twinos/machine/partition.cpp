// SPDX-License-Identifier: MIT
// Partition: the two bounds checks everything else is built on.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/partition.h"

namespace twinos::machine {

// [twinos:partition-contains]
bool Partition::contains(PhysAddr addr) const {
    // Written as a difference so that base + size never has to be formed:
    // a partition ending exactly at 2^64 would overflow that sum.
    return addr >= base && addr.value() - base.value() < size_bytes;
}

bool Partition::contains_range(PhysAddr addr, std::uint64_t length) const {
    if (!contains(addr)) return false;
    // Room left in the partition from addr to its end; the range fits when
    // it is no longer than that. No addition, so no wrap-around.
    std::uint64_t room = size_bytes - (addr.value() - base.value());
    return length <= room;
}
// [/twinos:partition-contains]

}  // namespace twinos::machine
