// SPDX-License-Identifier: MIT
// AddressSpace: a page table that maps 4 KiB virtual pages to physical frames.
// Part of the simulated machine; OS code and labs never edit this.
//
// Each kernel and each process has one. What makes it TwinOS's rather than a
// plain MMU is *confinement*: an address space is built with the list of
// partitions it may reach, and a mapping of any frame outside them is refused.
// That is how a second-stage page table (Intel EPT, AMD NPT) would keep the
// co-existing OS inside its half of memory, and it is the property that
// later lets the monitor's log live safely in the preceding OS.
//
// Interface:
//   - `map(page, frame, perms)`, `unmap(page)`, `translate(addr, access)`;
//   - `read(addr, out)`, `write(addr, in)`: byte copies through the table,
//     page by page, throwing `PageFault`;
//   - `copy_mappings(from, start, length)` and `restore(patch)`: the paper's
//     solution 2 (§3.2) -- graft another space's mappings in, and later put
//     back exactly what was there.
// Invariants: every present entry maps a frame inside a reachable partition;
// `restore` after `copy_mappings` gives back the identical table.
//
// Paper: §2.1, §3.2 (problem 2). Chapter: chapters/02-twinos.rst.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "twinos/machine/addresses.h"
#include "twinos/machine/partition.h"
#include "twinos/machine/physical_memory.h"

namespace twinos::machine {

/// Permission bits of one page-table entry.
enum class Perm : std::uint8_t {
    Read = 1,           ///< Loads allowed.
    ReadWrite = 1 | 2,  ///< Loads and stores allowed.
};

/// The kind of memory access being translated.
enum class Access : std::uint8_t { Read, Write };

/// Why a translation failed.
enum class Fault : std::uint8_t {
    None,        ///< No fault: the translation succeeded.
    NotMapped,   ///< No entry for the page.
    Protection,  ///< The entry does not allow this access (a store to a read-only page).
};

/// The outcome of `AddressSpace::map`.
enum class MapStatus : std::uint8_t {
    Ok,                ///< The page is now mapped.
    Misaligned,        ///< The page or the frame address is not 4 KiB aligned.
    OutsidePartition,  ///< The frame lies outside every partition this space may reach.
    AlreadyMapped,     ///< The page already has an entry; unmap it first.
    NotImplemented,    ///< Returned only by a lab starter that is not finished yet.
};

/// The name of a fault, for messages.
const char* to_string(Fault fault);
/// The name of a map status, for messages.
const char* to_string(MapStatus status);
/// Print a fault's or a map status's name (test failures say "already mapped", not "3").
std::ostream& operator<<(std::ostream& out, Fault fault);
/// See above.
std::ostream& operator<<(std::ostream& out, MapStatus status);

/// One present page-table entry.
struct PageEntry {
    PhysAddr frame;  ///< First byte of the physical frame.
    Perm perm;       ///< What accesses are allowed.
    /// Entries are equal when frame and permission are.
    friend bool operator==(const PageEntry&, const PageEntry&) = default;
};

/// The result of translating one virtual address.
struct Translation {
    Fault fault = Fault::NotMapped;  ///< `Fault::None` on success.
    PhysAddr addr;                   ///< The physical address, valid when `ok()`.
    /// True when the translation succeeded.
    bool ok() const { return fault == Fault::None; }
};

/// Thrown by `AddressSpace::read` and `write` when a page is missing or protected.
class PageFault : public std::runtime_error {
public:
    /// Describe a fault at `addr` in address space `space`.
    PageFault(const std::string& space, VirtAddr addr, Fault fault);
    /// The faulting virtual address.
    VirtAddr addr() const { return addr_; }
    /// Why it faulted.
    Fault fault() const { return fault_; }

private:
    VirtAddr addr_;
    Fault fault_;
};

/// What `copy_mappings` replaced, so that `restore` can put it back.
struct MappingPatch {
    VirtAddr start;  ///< First page of the copied range.
    /// For each page of the range, the entry that was there before (or none).
    std::vector<std::optional<PageEntry>> previous;
};

/// A page table confined to a set of physical partitions.
class AddressSpace {
public:
    /// Make an empty address space that may map frames only inside `reachable`.
    AddressSpace(std::string name, PhysicalMemory& memory, std::vector<Partition> reachable);

    // AddressSpace — public interface

    /// The name used in traces and faults, e.g. `coexisting:kernel`.
    const std::string& name() const { return name_; }

    // [twinos:address-space-interface]
    /// Map the page at `page` to the frame at `frame` with permissions `perm`.
    /// Refuses frames outside every reachable partition.
    /// @return `MapStatus::Ok`, or why nothing was changed.
    MapStatus map(VirtAddr page, PhysAddr frame, Perm perm);

    /// Remove the entry for `page`. @return false when there was none.
    bool unmap(VirtAddr page);

    /// Translate `addr` for an access of kind `access`.
    Translation translate(VirtAddr addr, Access access) const;

    // [/twinos:address-space-interface]

    /// Copy bytes from virtual memory, page by page. @throws PageFault on a missing or protected
    /// page.
    void read(VirtAddr addr, std::span<std::byte> out) const;
    /// Copy bytes into virtual memory, page by page. @throws PageFault on a missing or protected
    /// page.
    void write(VirtAddr addr, std::span<const std::byte> in);

    /// Copy `from`'s entries for [start, start + length) into this space,
    /// replacing what is here; pages `from` has not mapped become unmapped.
    /// All or nothing: refused, with nothing changed, when `from` maps any
    /// frame this space may not reach.
    /// @pre `start` and `length` are page aligned.
    /// @return the patch to hand to `restore`, or nothing when refused.
    std::optional<MappingPatch> copy_mappings(const AddressSpace& from, VirtAddr start,
                                              std::uint64_t length);

    /// Put back exactly the entries `patch` replaced.
    void restore(const MappingPatch& patch);

    /// The entry for `page`, if present (a debugging and testing view).
    std::optional<PageEntry> entry(VirtAddr page) const;
    /// Every present entry, ordered by page (for tests and `--trace=mem`).
    const std::map<std::uint64_t, PageEntry>& entries() const { return table_; }
    /// True when `frame` lies in a partition this space may reach.
    bool may_reach(PhysAddr frame) const;
    /// The partitions this space may reach.
    const std::vector<Partition>& reachable() const { return reachable_; }

private:
    // Call `step(physical address, offset into the range, chunk length)` for
    // each page-sized piece of [addr, addr + length), translated for `access`.
    template <typename Step>
    void walk(VirtAddr addr, std::size_t length, Access access, Step step) const;

    // AddressSpace — state
    std::string name_;
    PhysicalMemory& memory_;
    std::vector<Partition> reachable_;
    // Virtual page number -> entry. Ordered, so iteration is deterministic.
    std::map<std::uint64_t, PageEntry> table_;
};

}  // namespace twinos::machine
