// SPDX-License-Identifier: MIT
// Little-endian 32-bit words in memory, whatever the host's byte order.
// Part of the simulated machine.
//
// Everything on the PCI bus -- the 3c905's descriptors, its DMA -- is
// little-endian. Both ends (the card model, reading through physical memory,
// and the drivers, reading their own DMA buffers) use these two functions:
// one 4-byte move and, on a big-endian host only, a byte swap.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace twinos::machine {

/// The little-endian 32-bit word at `bytes`.
inline std::uint32_t load_le32(const std::byte* bytes) {
    std::uint32_t word;
    std::memcpy(&word, bytes, sizeof word);
    if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap32(word);
    return word;
}

/// Store `value` as a little-endian 32-bit word at `bytes`.
inline void store_le32(std::byte* bytes, std::uint32_t value) {
    if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap32(value);
    std::memcpy(bytes, &value, sizeof value);
}

}  // namespace twinos::machine
