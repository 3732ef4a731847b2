// SPDX-License-Identifier: MIT
// PhysicalMemory: lazily zeroed host backing store and checked access.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/physical_memory.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "twinos/machine/trace.h"

namespace twinos::machine {

void PhysicalMemory::FreeDeleter::operator()(std::byte* p) const { std::free(p); }

PhysicalMemory::PhysicalMemory(std::uint64_t size_bytes)
    : size_(size_bytes), word_starts_(size_bytes >= 4 ? size_bytes - 3 : 0) {
    // calloc of a large block maps fresh zero pages from the host kernel, so
    // untouched simulated RAM costs no host memory. A vector would write
    // every byte up front.
    auto* raw = static_cast<std::byte*>(std::calloc(size_bytes == 0 ? 1 : size_bytes, 1));
    if (raw == nullptr) throw std::bad_alloc();
    bytes_.reset(raw);
}

void PhysicalMemory::refuse(PhysAddr addr, std::uint64_t length) const {
    throw BusError("physical access " + hex(addr.value(), 8) + "+" + std::to_string(length) +
                   " runs past the end of memory (" + hex(size_, 8) + ")");
}

void PhysicalMemory::read(PhysAddr addr, std::span<std::byte> out) const {
    auto src = const_cast<PhysicalMemory*>(this)->span(addr, out.size());
    std::memcpy(out.data(), src.data(), out.size());
}

}  // namespace twinos::machine
