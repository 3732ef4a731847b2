// SPDX-License-Identifier: MIT
// Uart: console output one character at a time.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/uart.h"

namespace twinos::machine {

std::uint32_t Uart::port_in(Port port, IoWidth) {
    const std::uint16_t offset = port.value() - assignment().ports.base.value();
    if (offset == kLineStatus) return kLineStatusIdle;  // always ready to send
    return registers_[offset % registers_.size()];
}

void Uart::port_out(Port port, IoWidth, std::uint32_t value) {
    const std::uint16_t offset = port.value() - assignment().ports.base.value();
    const auto byte = static_cast<std::uint8_t>(value);  // a UART register is 8 bits
    if (offset != kTransmitHolding) {
        registers_[offset % registers_.size()] = byte;
        return;
    }
    if (byte == '\n') {
        trace(TraceFlag::Boot, "console: " + partial_);
        lines_.push_back(std::move(partial_));
        partial_.clear();
    } else {
        partial_.push_back(static_cast<char>(byte));
    }
}

}  // namespace twinos::machine
