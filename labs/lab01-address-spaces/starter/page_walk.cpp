// SPDX-License-Identifier: MIT
// Page walk: creating a confined mapping and translating through it.
// LAB 1 STARTER -- this file stands in for src/twinos/machine/page_walk.cpp
// when the build is configured with -DTWINOS_LAB=lab01.
//
// You implement: `AddressSpace::map` and `AddressSpace::translate`.
// Provided (do not change): everything else in address_space.h/.cpp, in
// particular `may_reach(frame)`, the partition check, and the page table
// `table_`, a std::map from virtual page number (address / kPageSize) to
// `PageEntry{frame, perm}`.
//
// Paper: §2.1 (memory is split and owned). Chapter: chapters/02-twinos.rst.
// Lab: labs/lab01-address-spaces/README.rst.
#include "twinos/machine/address_space.h"

namespace twinos::machine {

// LAB 1 — your code here.
//
// Map the 4 KiB page starting at `page` to the frame starting at `frame`.
//   Inputs:  `page` and `frame` must both be page aligned (4 KiB).
//   Effects: adds one entry {frame, perm} to `table_` under page's number.
//   Return:  MapStatus::Ok when the entry was added; otherwise nothing
//            changes and the return says why:
//              Misaligned        -- page or frame not 4 KiB aligned;
//              OutsidePartition  -- the frame is not wholly inside a
//                                   partition this space may reach
//                                   (use `may_reach`);
//              AlreadyMapped     -- the page already has an entry.
//            Check in that order.
//   Paper:   this check is what keeps the co-existing OS in its half (§2.1).
MapStatus AddressSpace::map(VirtAddr page, PhysAddr frame, Perm perm) {
    (void)page;
    (void)frame;
    (void)perm;
    return MapStatus::NotImplemented;
}

// LAB 1 — your code here.
//
// Translate the virtual address `addr` for an access of kind `access`.
//   Return: {Fault::None, physical address} on success, where the physical
//           address has the same offset inside the frame as `addr` has
//           inside its page;
//           {Fault::NotMapped, any} when the page has no entry;
//           {Fault::Protection, any} when `access` is Access::Write and the
//           entry's permission is not Perm::ReadWrite.
Translation AddressSpace::translate(VirtAddr addr, Access access) const {
    (void)addr;
    (void)access;
    return {Fault::NotMapped, PhysAddr{}};
}

}  // namespace twinos::machine
