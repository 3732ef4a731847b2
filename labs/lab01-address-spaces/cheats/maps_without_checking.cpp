// SPDX-License-Identifier: MIT
// Lab 1 cheat: a `map` that enters whatever it is given, with a correct
// `translate`. It looks like working memory management, and it is the hole
// the lab exists to close: the co-existing OS could map the preceding OS's
// memory. The self-test proves it earns only the translation checks.
#include "twinos/machine/address_space.h"

namespace twinos::machine {

MapStatus AddressSpace::map(VirtAddr page, PhysAddr frame, Perm perm) {
    table_[page.value() / kPageSize] = PageEntry{frame, perm};
    return MapStatus::Ok;
}

Translation AddressSpace::translate(VirtAddr addr, Access access) const {
    auto it = table_.find(addr.value() / kPageSize);
    if (it == table_.end()) return {Fault::NotMapped, PhysAddr{}};
    if (access == Access::Write && it->second.perm != Perm::ReadWrite)
        return {Fault::Protection, PhysAddr{}};
    return {Fault::None, it->second.frame + addr.page_offset()};
}

}  // namespace twinos::machine
