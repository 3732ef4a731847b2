// SPDX-License-Identifier: MIT
// Page walk: creating a confined mapping and translating through it.
// Part of the simulated machine; lab 1 hands this file out
// (labs/lab01-address-spaces/starter/page_walk.cpp is its starter twin).
//
// These two functions are where the partition of memory becomes real for the
// CPU. `map` is the only way an entry enters the table, so checking the frame
// against the reachable partitions here is enough to keep every entry inside
// them. `translate` is what every load and store goes through.
//
// Paper: §2.1 (memory is split and owned). Chapter: chapters/02-twinos.rst.
#include "twinos/machine/address_space.h"

namespace twinos::machine {

MapStatus AddressSpace::map(VirtAddr page, PhysAddr frame, Perm perm) {
    if (!page.page_aligned() || !frame.page_aligned()) return MapStatus::Misaligned;
    // The confinement check: the whole frame must lie in a partition this
    // space may reach. Without it the co-existing OS could map the
    // preceding OS's memory -- and with it, the monitor's log.
    if (!may_reach(frame)) return MapStatus::OutsidePartition;
    auto [it, inserted] = table_.try_emplace(page.value() / kPageSize, PageEntry{frame, perm});
    if (!inserted) return MapStatus::AlreadyMapped;
    return MapStatus::Ok;
}

Translation AddressSpace::translate(VirtAddr addr, Access access) const {
    auto it = table_.find(addr.value() / kPageSize);
    if (it == table_.end()) return {Fault::NotMapped, PhysAddr{}};
    const PageEntry& e = it->second;
    if (access == Access::Write && e.perm != Perm::ReadWrite)
        return {Fault::Protection, PhysAddr{}};
    // Same offset inside the frame as inside the page.
    return {Fault::None, e.frame + addr.page_offset()};
}

}  // namespace twinos::machine
