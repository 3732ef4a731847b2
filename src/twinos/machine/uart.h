// SPDX-License-Identifier: MIT
// Uart: a minimal 16550 serial port, each OS's console.
// Part of the simulated machine; OS code and labs never edit this.
//
// Each OS prints its boot messages on its own console, one `outb` per
// character, so the very first thing a student runs already exercises the
// port bus's routing: the preceding OS's `outb` to COM1 reaches COM1, and the
// same instruction from the co-existing OS would fault. Only what a console
// needs is modelled: the transmit holding register at offset 0 and the line
// status register at offset 5 (always "transmitter empty"); the other
// registers keep whatever is written to them.
//
// Chapter: chapters/02-twinos.rst.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "twinos/machine/device.h"

namespace twinos::machine {

/// A 16550-compatible UART used as a console.
class Uart : public Device {
public:
    /// Register offsets from the base port.
    static constexpr std::uint16_t kTransmitHolding = 0;  ///< THR (write) / RBR (read).
    static constexpr std::uint16_t kLineStatus = 5;       ///< LSR.
    /// LSR bits: transmit holding register empty | transmitter empty.
    static constexpr std::uint8_t kLineStatusIdle = 0x60;

    /// Build the UART described by `context`.
    explicit Uart(const DeviceContext& context) : Device(context) {}

    // Uart — public interface

    /// Complete lines written so far.
    const std::vector<std::string>& lines() const { return lines_; }

    std::uint32_t port_in(Port port, IoWidth width) override;
    void port_out(Port port, IoWidth width, std::uint32_t value) override;

private:
    // Uart — state
    std::array<std::uint8_t, 8> registers_{};
    std::string partial_;
    std::vector<std::string> lines_;
};

}  // namespace twinos::machine
