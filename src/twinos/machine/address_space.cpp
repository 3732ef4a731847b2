// SPDX-License-Identifier: MIT
// AddressSpace: byte copies through the table, mapping copy and restore.
// Part of the simulated machine; OS code and labs never edit this.
//
// `map` and `translate` live in page_walk.cpp, the file lab 1 hands out.
#include "twinos/machine/address_space.h"

#include <ostream>

#include <algorithm>

#include "twinos/machine/trace.h"

namespace twinos::machine {

const char* to_string(Fault fault) {
    switch (fault) {
        case Fault::None: return "none";
        case Fault::NotMapped: return "not mapped";
        case Fault::Protection: return "protection";
    }
    return "?";
}

const char* to_string(MapStatus status) {
    switch (status) {
        case MapStatus::Ok: return "ok";
        case MapStatus::Misaligned: return "misaligned";
        case MapStatus::OutsidePartition: return "frame outside partition";
        case MapStatus::AlreadyMapped: return "already mapped";
        case MapStatus::NotImplemented: return "not implemented";
    }
    return "?";
}

std::ostream& operator<<(std::ostream& out, Fault fault) { return out << to_string(fault); }
std::ostream& operator<<(std::ostream& out, MapStatus status) { return out << to_string(status); }

PageFault::PageFault(const std::string& space, VirtAddr addr, Fault fault)
    : std::runtime_error("page fault in " + space + " at " + hex(addr.value(), 8) + ": " +
                         to_string(fault)),
      addr_(addr),
      fault_(fault) {}

AddressSpace::AddressSpace(std::string name, PhysicalMemory& memory,
                           std::vector<Partition> reachable)
    : name_(std::move(name)), memory_(memory), reachable_(std::move(reachable)) {}

bool AddressSpace::may_reach(PhysAddr frame) const {
    // A whole frame must fit: a frame that starts inside but ends outside a
    // partition would leak the first page of the neighbour.
    return std::any_of(reachable_.begin(), reachable_.end(),
                       [&](const Partition& p) { return p.contains_range(frame, kPageSize); });
}

bool AddressSpace::unmap(VirtAddr page) { return table_.erase(page.value() / kPageSize) > 0; }

std::optional<PageEntry> AddressSpace::entry(VirtAddr page) const {
    auto it = table_.find(page.value() / kPageSize);
    if (it == table_.end()) return std::nullopt;
    return it->second;
}

template <typename Step>
void AddressSpace::walk(VirtAddr addr, std::size_t length, Access access, Step step) const {
    // Page by page: consecutive virtual pages need not be consecutive frames.
    std::size_t done = 0;
    while (done < length) {
        const VirtAddr at = addr + done;
        const Translation t = translate(at, access);
        if (!t.ok()) throw PageFault(name_, at, t.fault);
        const std::size_t chunk =
            std::min<std::size_t>(length - done, kPageSize - at.page_offset());
        step(t.addr, done, chunk);
        done += chunk;
    }
}

void AddressSpace::read(VirtAddr addr, std::span<std::byte> out) const {
    walk(addr, out.size(), Access::Read, [&](PhysAddr pa, std::size_t done, std::size_t chunk) {
        memory_.read(pa, out.subspan(done, chunk));
    });
}

void AddressSpace::write(VirtAddr addr, std::span<const std::byte> in) {
    walk(addr, in.size(), Access::Write, [&](PhysAddr pa, std::size_t done, std::size_t chunk) {
        memory_.write(pa, in.subspan(done, chunk));
    });
}

// [twinos:copy-mappings]
std::optional<MappingPatch> AddressSpace::copy_mappings(const AddressSpace& from, VirtAddr start,
                                                        std::uint64_t length) {
    const std::uint64_t first = start.value() / kPageSize;
    const std::uint64_t pages = length / kPageSize;
    // Check everything before changing anything: a refused copy must leave
    // this space exactly as it was (nothing half-applied).
    for (std::uint64_t vpn = first; vpn < first + pages; ++vpn) {
        auto it = from.table_.find(vpn);
        if (it != from.table_.end() && !may_reach(it->second.frame)) return std::nullopt;
    }
    MappingPatch patch{start, {}};
    patch.previous.reserve(pages);
    for (std::uint64_t vpn = first; vpn < first + pages; ++vpn) {
        auto mine = table_.find(vpn);
        patch.previous.push_back(mine == table_.end() ? std::nullopt
                                                      : std::optional<PageEntry>(mine->second));
        auto theirs = from.table_.find(vpn);
        if (theirs != from.table_.end()) {
            table_[vpn] = theirs->second;
        } else {
            table_.erase(vpn);
        }
    }
    return patch;
}

void AddressSpace::restore(const MappingPatch& patch) {
    std::uint64_t vpn = patch.start.value() / kPageSize;
    for (const std::optional<PageEntry>& before : patch.previous) {
        if (before) {
            table_[vpn] = *before;
        } else {
            table_.erase(vpn);
        }
        ++vpn;
    }
}
// [/twinos:copy-mappings]

}  // namespace twinos::machine
