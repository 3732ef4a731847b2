// SPDX-License-Identifier: MIT
// DescriptorWords: the 32-bit words of one DMA descriptor, bounds-checked once.
// Part of the simulated machine; OS code and labs never edit this.
//
// A bus master reads a descriptor word by word, and a word outside memory
// is a master abort at that word (PhysicalMemory::read32 throws BusError).
// The card's upload engine reads and writes up to ten words of each UPD per
// frame; checking each against the size of memory costs more than the
// access. So the words are reached through this view: when the whole
// descriptor (`bytes` from `at`) lies in memory -- always, for a descriptor
// the host built sensibly -- one check at construction covers every word
// inside it, and each access is a plain load or store. A word past `bytes`,
// or any word of a descriptor that does not lie wholly in memory, goes
// through PhysicalMemory's own checked access, so a descriptor at the end
// of memory faults at exactly the word it would fault at without the view
// (the card model's fault test covers that).
//
// Chapter: chapters/03-nic.rst (the upload engine), chapter 7 (why).
#pragma once

#include <cstdint>

#include "twinos/machine/little_endian.h"
#include "twinos/machine/physical_memory.h"

namespace twinos::machine {

/// The words of the descriptor at `at`: direct when it all lies in memory.
class DescriptorWords {
public:
    /// A view of [at, at + bytes) of `memory`.
    DescriptorWords(PhysicalMemory& memory, PhysAddr at, std::uint32_t bytes)
        : memory_(memory),
          at_(at),
          direct_(memory.valid_range(at, bytes) ? memory.span(at, bytes).data() : nullptr),
          direct_bytes_(direct_ != nullptr ? bytes : 0) {}

    /// The word at byte `offset` of the descriptor. @throws BusError when it
    /// lies outside memory.
    std::uint32_t read32(std::uint32_t offset) const {
        if (offset + 4 <= direct_bytes_) [[likely]]
            return load_le32(direct_ + offset);
        return memory_.read32(at_ + offset);
    }
    /// Store `value` at byte `offset`. @throws BusError when it lies outside memory.
    void write32(std::uint32_t offset, std::uint32_t value) {
        if (offset + 4 <= direct_bytes_) [[likely]] {
            store_le32(direct_ + offset, value);
            return;
        }
        memory_.write32(at_ + offset, value);
    }

private:
    PhysicalMemory& memory_;
    PhysAddr at_;
    std::byte* direct_;           // the descriptor's first byte, when it all lies in memory
    std::uint32_t direct_bytes_;  // how many bytes `direct_` covers (0: none)
};

}  // namespace twinos::machine
