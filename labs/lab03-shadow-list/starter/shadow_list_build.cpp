// SPDX-License-Identifier: MIT
// The UpListPtr trap's list walk: shadowing the driver's UPD list, confined.
// LAB 3 STARTER -- this file stands in for src/pseudonic/shadow_list_build.cpp
// when the build is configured with -DTWINOS_LAB=lab03.
//
// You implement: `ShadowUploadList::build(driver_head)`.
// Provided (do not change): the rest of ShadowUploadList (shadow_upload_list.h
// and .cpp) and the PseudoNic that calls it. You may use:
//   - `check(address, length, what)`: the confinement check, returning a
//     ready Refusal (cause, field name, address, length) when the range is
//     not wholly inside the co-existing OS's partition;
//   - `copy_fragments(upd, shadow)`: checks every fragment of the driver's
//     UPD at `upd` and, if all pass, writes them into the shadow at `shadow`;
//   - `shadow_address(i)`: where shadow i lives (preceding OS memory);
//   - `memory_.read32(PhysAddr)`, `memory_.write32(PhysAddr, value)`;
//   - `entries_` (one Entry{driver_upd, state} per shadow), `kMaxEntries`,
//     and the cursors `publish_cursor_`, `rearm_cursor_`.
//
// Paper: §2.3.1 (Fig. 4). Chapter: chapters/04-pseudo-nic.rst.
// Lab: labs/lab03-shadow-list/README.rst.
#include <algorithm>

#include "pseudonic/shadow_upload_list.h"
#include "twinos/machine/el3_registers.h"

namespace pseudonic {

using namespace twinos::machine;
using namespace twinos::machine::el3;

// LAB 3 — your code here.
//
// The driver wrote `driver_head` to UpListPtr. Replace the shadow list with
// one built from the driver's UPD list, or refuse it -- all or nothing.
//   1. Start empty: clear `entries_`, reset both cursors to 0. A head of 0
//      means "no list": return nothing (success).
//   2. Walk the driver's list from the head, following each UPD's next
//      pointer (kUpdNext) until it is 0 (a linear list) or comes back to the
//      head (a ring, as Linux builds it). Nothing is written yet. For each
//      UPD address, check in this order and refuse with the first that fails
//      (a Refusal is {cause, what, address, length}):
//        a. already visited (and not the head):
//           {ChainLoops, "UPD next pointer", upd, kUpdBytes};
//        b. it would be number kMaxEntries + 1 (the shadows' storage holds
//           kMaxEntries): {ChainTooLong, "UPD list", driver_head, 0};
//        c. not wholly inside the partition: check(upd, kUpdBytes, what),
//           what = "UpListPtr" for the head, "UPD next pointer" after it;
//        d. not 8-byte aligned: {Misaligned, "UPD", upd, kUpdBytes}.
//   3. Then for each UPD i, in order: copy_fragments(upd, shadow_address(i))
//      -- if it refuses, clear `entries_` (no half list) and return its
//      Refusal; set the shadow's next pointer to shadow i+1, or for the last
//      to shadow 0 (ring) or 0 (linear); set the shadow's status to 0 -- or
//      to kUpdComplete if the driver's UPD is still complete (the driver
//      holds it), in which case the entry starts Published rather than
//      Armed; append Entry{upd, state} to `entries_`.
//   Return: nothing on success, else the first refusal, with `entries_`
//   empty.
std::optional<Refusal> ShadowUploadList::build(std::uint32_t driver_head) {
    entries_.clear();
    return Refusal{SecurityCause::ChainTooLong, "lab 3: build() not written yet", driver_head, 0};
}

}  // namespace pseudonic
