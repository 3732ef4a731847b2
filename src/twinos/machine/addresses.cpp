// SPDX-License-Identifier: MIT
// Printing the strong address types: hexadecimal, with the type named, so
// that a failing test says "PhysAddr 0x7000", never "8-byte object <00-70 ...>".
#include "twinos/machine/addresses.h"

#include <ostream>

namespace twinos::machine {

namespace {
std::ostream& print(std::ostream& out, const char* type, std::uint64_t value) {
    const auto flags = out.flags();
    out << type << " 0x" << std::hex << value;
    out.flags(flags);
    return out;
}
}  // namespace

std::ostream& operator<<(std::ostream& out, PhysAddr a) {
    return print(out, "PhysAddr", a.value());
}
std::ostream& operator<<(std::ostream& out, VirtAddr a) {
    return print(out, "VirtAddr", a.value());
}
std::ostream& operator<<(std::ostream& out, Port p) { return print(out, "Port", p.value()); }

}  // namespace twinos::machine
