// SPDX-License-Identifier: MIT
// Test helpers for chapter 3: a machine with a bare 3c905 driven by hand, and
// frame builders.
//
// `NicBench` plays the part of a driver the tests write line by line: it
// issues port I/O as the NIC's owner and lays out descriptor rings in
// physical memory itself, so the card model can be tested without the
// driver. `Recorder` keeps every frame the NIC transmits.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "twinos/edge/tx_recorder.h"
#include "twinos/machine/el3_registers.h"
#include "twinos/machine/machine.h"
#include "twinos/machine/nic_3c905.h"

namespace twinos::test {

using namespace twinos::machine;

/// A frame to `dst` (6 bytes) of `length` bytes whose payload bytes count up from `seed`.
inline std::vector<std::byte> test_frame(std::size_t length, std::uint8_t seed,
                                         std::array<std::uint8_t, 6> dst = {0xff, 0xff, 0xff, 0xff,
                                                                            0xff, 0xff}) {
    std::vector<std::byte> f(length);
    for (std::size_t i = 0; i < length; ++i) f[i] = std::byte(seed + i);
    for (int i = 0; i < 6 && i < static_cast<int>(length); ++i) f[i] = std::byte{dst[i]};
    return f;
}

/// Keeps what the NIC transmits, with times: the product's TxRecorder.
using Recorder = edge::TxRecorder;

/// A machine whose co-existing OS owns a bare 3c905 that the test drives.
class NicBench {
public:
    NicBench() : machine_(MachineConfig::original(16ull << 20)) {
        machine_.link().add_sink(recorder);
    }

    Machine& machine() { return machine_; }
    Nic3c905& nic() { return *dynamic_cast<Nic3c905*>(machine_.device("nic0")); }
    PhysicalMemory& memory() { return machine_.memory(); }
    Port reg(std::uint16_t offset) const {
        return Port{static_cast<std::uint16_t>(0xe000 + offset)};
    }

    std::uint16_t in16(std::uint16_t offset) { return io_.in16(reg(offset)); }
    std::uint32_t in32(std::uint16_t offset) { return io_.in32(reg(offset)); }
    std::uint8_t in8(std::uint16_t offset) { return io_.in8(reg(offset)); }
    void out8(std::uint16_t offset, std::uint8_t v) { io_.out8(reg(offset), v); }
    void out16(std::uint16_t offset, std::uint16_t v) { io_.out16(reg(offset), v); }
    void out32(std::uint16_t offset, std::uint32_t v) { io_.out32(reg(offset), v); }
    void command(std::uint16_t word) { out16(el3::kCommand, word); }
    void window(unsigned w) { command(static_cast<std::uint16_t>(el3::SelectWindow + w)); }

    /// Lay out a circular ring of `n` UPDs at `at`, `spacing` bytes apart,
    /// entry i's buffer at `buffers + i * stride`, each `length` bytes long.
    PhysAddr build_upd_ring(PhysAddr at, int n, PhysAddr buffers, std::uint32_t length,
                            std::uint32_t stride = 2048, std::uint32_t spacing = el3::kUpdBytes) {
        for (int i = 0; i < n; ++i) {
            const PhysAddr upd = at + i * spacing;
            memory().write32(upd + el3::kUpdNext,
                             static_cast<std::uint32_t>((at + ((i + 1) % n) * spacing).value()));
            memory().write32(upd + el3::kUpdStatus, 0);
            memory().write32(upd + el3::kUpdFragAddr,
                             static_cast<std::uint32_t>((buffers + i * stride).value()));
            memory().write32(upd + el3::kUpdFragLength, length | el3::kLastFrag);
        }
        return at;
    }

    /// Receiver on for every frame, UpListPtr at `ring`, UpComplete visible and enabled.
    void start_receiver(PhysAddr ring, std::uint16_t filter = el3::RxProm) {
        command(static_cast<std::uint16_t>(el3::SetRxFilter | filter));
        command(el3::SetStatusEnb | el3::UpComplete | el3::DownComplete | el3::HostError);
        command(el3::SetIntrEnb | el3::UpComplete | el3::DownComplete | el3::HostError);
        out32(el3::kUpListPtr, static_cast<std::uint32_t>(ring.value()));
        command(el3::RxEnable);
        command(el3::TxEnable);
    }

    /// Put `frame` on the wire now and let it arrive.
    void arrive(std::vector<std::byte> frame) {
        const Ticks now = machine_.clock().now();
        machine_.link().inject(now, WireFrame{std::move(frame), 0});
        machine_.run_until(now);
    }
    /// Run the machine `span` further.
    void run_for(Ticks span) { machine_.run_until(machine_.clock().now() + span); }

    Recorder recorder;

private:
    Machine machine_;
    PortIo io_{machine_.ports(), OsId::Coexisting};
};

}  // namespace twinos::test
