// SPDX-License-Identifier: MIT
// Strong address types: physical addresses, virtual addresses, I/O ports.
// Part of the simulated machine; OS code and labs never edit this.
//
// The monitor's whole safety argument is about *which* memory an address may
// reach, so the machine never lets a physical address, a virtual address and
// a port number be mixed up by accident. Each is a distinct type with only
// the operations that make sense for it:
//   - `PhysAddr`, `VirtAddr`: 64-bit, offset by a byte count, compared, page math;
//   - `Port`: a 16-bit x86 I/O port number;
//   - `kPageSize`: the 4 KiB page of the IA-32 MMU the paper's Linux 2.4 used.
//
// Chapter: chapters/02-twinos.rst.
#pragma once

#include <compare>
#include <cstdint>
#include <iosfwd>

namespace twinos::machine {

/// The size of one page and one physical frame: 4 KiB, as on IA-32.
inline constexpr std::uint64_t kPageSize = 4096;

/// An address in the machine's physical memory.
class PhysAddr {
public:
    constexpr PhysAddr() = default;
    /// Wrap a raw physical address.
    constexpr explicit PhysAddr(std::uint64_t value) : value_(value) {}
    /// The raw address.
    constexpr std::uint64_t value() const { return value_; }
    /// The address `bytes` further on.
    constexpr PhysAddr operator+(std::uint64_t bytes) const { return PhysAddr{value_ + bytes}; }
    /// True when the address is the first byte of a frame.
    constexpr bool page_aligned() const { return value_ % kPageSize == 0; }
    /// The first byte of the frame holding this address.
    constexpr PhysAddr frame_base() const { return PhysAddr{value_ - value_ % kPageSize}; }
    /// Compare by raw value.
    friend constexpr auto operator<=>(PhysAddr, PhysAddr) = default;

private:
    std::uint64_t value_ = 0;
};

/// An address in one address space (a kernel's or a process's).
class VirtAddr {
public:
    constexpr VirtAddr() = default;
    /// Wrap a raw virtual address.
    constexpr explicit VirtAddr(std::uint64_t value) : value_(value) {}
    /// The raw address.
    constexpr std::uint64_t value() const { return value_; }
    /// The address `bytes` further on.
    constexpr VirtAddr operator+(std::uint64_t bytes) const { return VirtAddr{value_ + bytes}; }
    /// True when the address is the first byte of a page.
    constexpr bool page_aligned() const { return value_ % kPageSize == 0; }
    /// The first byte of the page holding this address.
    constexpr VirtAddr page_base() const { return VirtAddr{value_ - value_ % kPageSize}; }
    /// The byte offset of this address inside its page.
    constexpr std::uint64_t page_offset() const { return value_ % kPageSize; }
    /// Compare by raw value.
    friend constexpr auto operator<=>(VirtAddr, VirtAddr) = default;

private:
    std::uint64_t value_ = 0;
};

/// An x86 I/O port number (the `in`/`out` instructions' 16-bit space).
class Port {
public:
    constexpr Port() = default;
    /// Wrap a raw port number.
    constexpr explicit Port(std::uint16_t value) : value_(value) {}
    /// The raw port number.
    constexpr std::uint16_t value() const { return value_; }
    /// Compare by raw value.
    friend constexpr auto operator<=>(Port, Port) = default;

private:
    std::uint16_t value_ = 0;
};

/// Print as `PhysAddr 0x7000` (test failures and messages; GoogleTest
/// uses these instead of dumping the object's bytes).
std::ostream& operator<<(std::ostream& out, PhysAddr a);
/// Print as `VirtAddr 0x40000000`.
std::ostream& operator<<(std::ostream& out, VirtAddr a);
/// Print as `Port 0xe00e`.
std::ostream& operator<<(std::ostream& out, Port p);

}  // namespace twinos::machine
