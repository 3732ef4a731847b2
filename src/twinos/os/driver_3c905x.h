// SPDX-License-Identifier: MIT
// Driver3c905x: the co-existing OS's driver for the 3Com 3c905 ("3c905x").
// OS code, written against the card's register interface only.
//
// A re-telling of what Linux's 3c59x driver does for a Boomerang in
// bus-master mode (FACTS.md §1.7-1.10), in our own code:
//   - open: reset, program the station address from the EEPROM, build a ring
//     of 32 UPDs with 1536-byte buffers and a ring of 16 DPDs, set the
//     masks, enable receive and transmit;
//   - interrupt: read the status, acknowledge, walk completed UPDs handing
//     each frame to the kernel's network input, give each UPD back and
//     unstall, acknowledge, read the status again: 4 + N port I/O
//     instructions for N packets -- the paper's 5 for one;
//   - transmit: fill a DPD, stall the download engine, link the DPD, kick
//     DownListPtr if the engine was idle, unstall; reclaim on DownComplete.
//
// Paper policy P1: the pseudo NIC (chapter 4) and the monitor (chapter 5)
// must work with this driver *unchanged*. Treat it as someone else's code.
//
// Paper: §2.2, §2.3.1, Table 1 (C). Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twinos/machine/el3_registers.h"
#include "twinos/machine/little_endian.h"
#include "twinos/machine/machine_config.h"
#include "twinos/os/kernel.h"
#include "twinos/os/net_stack.h"

namespace twinos::os {

/// Tunables of the driver, as module parameters would be.
struct DriverOptions {
    /// Receive buffer size (Linux PKT_BUF_SZ). The fragment length field has
    /// 13 bits, so at most 8191; frames longer than this are counted, not
    /// delivered.
    std::uint32_t rx_buffer_bytes = 1536;
    /// Frames shorter than this are copied out and the ring buffer is kept;
    /// longer ones are passed up and the UPD gets a fresh buffer.
    std::uint32_t rx_copybreak = 200;
    /// Loop iterations one interrupt may take (the 2.4 driver's 20 is 32 today).
    int max_interrupt_work = 32;
    /// Receive every frame on the wire from the start (IFF_PROMISC).
    bool promiscuous = false;
};

/// The driver's counters (Linux's `net_device_stats`).
struct DriverStats {
    std::uint64_t interrupts = 0;            ///< Interrupt handler runs.
    std::uint64_t not_ours = 0;              ///< Runs that found IntLatch clear.
    std::uint64_t rx_packets = 0;            ///< Frames handed to network input.
    std::uint64_t rx_bytes = 0;              ///< Their bytes.
    std::uint64_t rx_copied = 0;             ///< Of those, copied out (shorter than copybreak).
    std::uint64_t rx_errors = 0;             ///< UPDs completed with an error.
    std::uint64_t rx_length_errors = 0;      ///< Of those, too long for the buffer.
    std::uint64_t rx_fifo_errors = 0;        ///< Frames the card lost (window 6 RxOverrun).
    std::uint64_t tx_packets = 0;            ///< DPDs reclaimed after download.
    std::uint64_t tx_bytes = 0;              ///< Their bytes.
    std::uint64_t tx_queue_full = 0;         ///< Transmits refused: ring full.
    std::uint64_t host_errors = 0;           ///< HostError interrupts (bad DMA).
    std::uint64_t io_in_last_interrupt = 0;  ///< Port I/O of the most recent handler run.
    std::uint64_t io_in_interrupts = 0;      ///< Port I/O of all handler runs together.
    /// The most UPDs one `receive()` call consumed: never more than the
    /// ring, even when the card refills given-back UPDs during the walk.
    std::uint64_t rx_most_in_one_call = 0;
    /// Time in the handler, as the OS's time-stamp counter reads it
    /// (`Kernel::cycle_counter`): what an OS can learn of a trapping layer
    /// below it (chapter 8).
    machine::Ticks handler_time{0};
};

/// The 3c905x driver of one card.
class Driver3c905x : public NetDevice {
public:
    /// Receive ring size of the Linux driver ("keep them a power of two").
    static constexpr int kRxRingSize = 32;
    /// Transmit ring size of the Linux driver.
    static constexpr int kTxRingSize = 16;

    /// Probe the card `device` for `kernel`: read the station address from
    /// its EEPROM. Does not touch the card's state.
    Driver3c905x(Kernel& kernel, const machine::DeviceAssignment& device,
                 DriverOptions options = {});

    // Driver3c905x — public interface

    /// Bring the interface up (vortex_open + vortex_up). @pre the kernel runs.
    void open();
    /// Take it down (vortex_down): stop the engines and mask interrupts.
    void close();

    const std::string& name() const override { return name_; }
    net::MacAddress mac() const override { return mac_; }
    bool transmit(std::span<const std::byte> frame) override;
    void set_promiscuous(bool on) override;

    /// Read the card's statistics into ours (update_stats).
    void update_stats();
    /// The counters.
    const DriverStats& stats() const { return stats_; }
    /// Frames the card has put in the ring that the driver has not taken
    /// yet: the completed UPDs from where its receive loop stands.
    std::uint64_t rx_waiting();
    /// The physical address of UPD `entry` (tests, chapter 4).
    machine::PhysAddr upd_address(int entry) const;
    /// The physical address of DPD `entry`.
    machine::PhysAddr dpd_address(int entry) const;

private:
    // Driver3c905x — the interrupt handler (driver_3c905x_irq.cpp)
    void interrupt(int irq);
    void handle_error(std::uint16_t status);
    void reclaim_transmitted();
    // Driver3c905x — receive (driver_3c905x_rx.cpp, handed out in lab 2)
    int receive();
    // Driver3c905x — helpers (driver_3c905x_open.cpp)
    void command(std::uint16_t word) { kernel_.io().out16(port(machine::el3::kCommand), word); }
    void issue_and_wait(std::uint16_t word);
    void select_window(unsigned window);
    std::uint16_t read_eeprom(int word);
    std::uint16_t rx_filter_bits() const;
    // UPD words, inline: the receive path reads and writes them per frame.
    // Through the rings' CPU address (`ring_words_`, taken once at open, as
    // Linux's dma_alloc_coherent hands the driver a pointer), checked
    // against the UPD ring's end: an entry or field outside it is refused as
    // loudly as dma_view refuses it, never a write somewhere else.
    std::uint32_t upd_load(int entry, std::uint32_t field) {
        return machine::load_le32(upd_word(entry, field));
    }
    void upd_store(int entry, std::uint32_t field, std::uint32_t value) {
        machine::store_le32(upd_word(entry, field), value);
    }
    std::byte* upd_word(int entry, std::uint32_t field) {
        const std::uint64_t at = static_cast<std::uint64_t>(static_cast<std::uint32_t>(entry)) *
                                     machine::el3::kUpdBytes +
                                 field;
        if (at + 4 > kRxRingSize * machine::el3::kUpdBytes || ring_words_ == nullptr) [[unlikely]]
            refuse_upd(entry, field);
        return ring_words_ + at;
    }
    [[noreturn]] static void refuse_upd(int entry, std::uint32_t field);
    std::uint32_t dpd_load(int entry, std::uint32_t field);
    void dpd_store(int entry, std::uint32_t field, std::uint32_t value);
    DmaBuffer take_rx_buffer();
    machine::Port port(std::uint16_t offset) const {
        return machine::Port{static_cast<std::uint16_t>(device_.ports.base.value() + offset)};
    }

    // Driver3c905x — state
    Kernel& kernel_;
    machine::DeviceAssignment device_;
    DriverOptions options_;
    std::string name_ = "eth0";
    net::MacAddress mac_{};
    bool open_ = false;
    bool promiscuous_ = false;
    DmaBuffer rings_;                    // 32 UPDs, then 16 DPDs
    std::byte* ring_words_ = nullptr;    // rings_' first byte, as the CPU reaches it
    std::vector<DmaBuffer> rx_buffers_;  // the buffer each UPD points at
    std::vector<DmaBuffer> rx_spares_;   // fresh buffers for large packets
    std::vector<DmaBuffer> tx_buffers_;  // one per DPD (the skb's data)
    std::vector<std::uint32_t> tx_lengths_;
    std::vector<std::byte> copy_buffer_;  // the small skb of the copybreak path
    unsigned cur_rx_ = 0;
    unsigned cur_tx_ = 0;
    unsigned dirty_tx_ = 0;
    DriverStats stats_;
};

}  // namespace twinos::os
