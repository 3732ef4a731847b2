// SPDX-License-Identifier: MIT
// PhysicalMemory: the machine's RAM, a flat array of bytes.
// Part of the simulated machine; OS code and labs never edit this.
//
// RAM knows nothing of partitions or owners: like a real memory controller it
// serves any physical address below its size. Confinement is the business of
// the address spaces (for the CPU) and, from chapter 4, of the pseudo NIC (for
// DMA). The backing store is allocated zeroed by the host lazily, so a
// 256 MiB machine costs only the pages actually touched.
//
// Interface:
//   - `size_bytes()`; `read(addr, bytes)`, `write(addr, bytes)`;
//   - `span(addr, length)` for devices that DMA in place.
// Invariant: every access is bounds-checked against the size, without overflow.
//
// Chapter: chapters/02-twinos.rst.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>

#include "twinos/machine/addresses.h"
#include "twinos/machine/little_endian.h"

namespace twinos::machine {

/// Thrown when an access runs past the end of physical memory.
class BusError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The machine's physical memory.
class PhysicalMemory {
public:
    /// Allocate `size_bytes` of zeroed memory.
    explicit PhysicalMemory(std::uint64_t size_bytes);

    // PhysicalMemory — public interface

    /// Total bytes of RAM.
    std::uint64_t size_bytes() const { return size_; }

    /// True when all of [addr, addr + length) exists.
    bool valid_range(PhysAddr addr, std::uint64_t length) const {
        return addr.value() <= size_ && length <= size_ - addr.value();
    }

    /// Copy `out.size()` bytes starting at `addr` into `out`.
    /// @throws BusError when the range runs past the end of memory.
    void read(PhysAddr addr, std::span<std::byte> out) const;

    /// Copy `in` into memory starting at `addr`.
    /// @throws BusError when the range runs past the end of memory.
    void write(PhysAddr addr, std::span<const std::byte> in) {
        // Inline: the card's DMA of every frame. Checked as span() checks.
        const auto dst = span(addr, in.size());
        std::memcpy(dst.data(), in.data(), in.size());
    }

    /// Read the little-endian 32-bit word at `addr` (descriptor fields).
    /// @throws BusError when the word runs past the end of memory.
    std::uint32_t read32(PhysAddr addr) const {
        // Inline, like span(): the card and the drivers read descriptors a
        // word at a time. The same bounds, in one comparison; one 4-byte load.
        if (!valid_word(addr)) [[unlikely]] {
            refuse(addr, 4);
        }
        return load_le32(bytes_.get() + addr.value());
    }
    /// Write `value` as a little-endian 32-bit word at `addr`.
    /// @throws BusError when the word runs past the end of memory.
    void write32(PhysAddr addr, std::uint32_t value) {
        if (!valid_word(addr)) [[unlikely]] {
            refuse(addr, 4);
        }
        store_le32(bytes_.get() + addr.value(), value);
    }

    /// Direct view of [addr, addr + length), for DMA engines.
    /// @throws BusError when the range runs past the end of memory.
    std::span<std::byte> span(PhysAddr addr, std::uint64_t length) {
        // Inline: every descriptor word and DMA burst comes through here.
        if (!valid_range(addr, length)) [[unlikely]] {
            refuse(addr, length);
        }
        return {bytes_.get() + addr.value(), static_cast<std::size_t>(length)};
    }

private:
    // valid_range(addr, 4), as one comparison: a word fits when it starts
    // before word_starts_ (size - 3; 0, so never, in a memory under 4 bytes).
    bool valid_word(PhysAddr addr) const { return addr.value() < word_starts_; }
    // Throw the BusError for an access past the end of memory.
    [[noreturn]] void refuse(PhysAddr addr, std::uint64_t length) const;

    // PhysicalMemory — state
    struct FreeDeleter {
        void operator()(std::byte* p) const;
    };
    std::uint64_t size_;
    std::uint64_t word_starts_;  // see valid_word
    std::unique_ptr<std::byte[], FreeDeleter> bytes_;
};

}  // namespace twinos::machine
