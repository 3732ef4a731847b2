// SPDX-License-Identifier: MIT
// Nic3c905: the 3Com 3c905-TX ("Boomerang") bus-master Ethernet card.
// Part of the simulated machine; OS code and labs never edit this.
//
// The card of the paper (§2.2, §4). It is driven only through its ports, as
// the real one is, so the driver of chapter 3 and the pseudo NIC of chapter 4
// see exactly the interface the Linux 3c59x driver saw:
//
//   - a 16-bit command/status register valid in every window, and eight
//     register windows of which the driver uses 2 (station address),
//     3 (configuration), 4 (diagnostics), 5 (read-back) and 6 (statistics);
//   - bus-master registers: UpListPtr, UpPktStatus, DownListPtr, DmaCtrl;
//   - an upload engine that walks Upload Packet Descriptors (UPDs) in
//     physical memory and DMAs each received frame into the buffers they
//     name (never past a fragment's length), and a download engine that
//     walks Download Packet Descriptors (DPDs) and transmits;
//   - interrupts: status bits are latched, masked by the status-enable and
//     interrupt-enable masks, and raise the IRQ line on a rising edge.
//
// When no free UPD is left the upload engine stalls ("end of channel"), as
// the chip does; frames then wait in a 2 KiB receive FIFO while there is
// room, and are lost and counted in the RxOverrun statistic when there is
// not. `UpUnstall` lets the engine retry.
//
// Paper: §2.2, §2.3.1 (Fig. 4), §4. Chapter: chapters/03-nic.rst.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "twinos/machine/addresses.h"
#include "twinos/machine/device.h"
#include "twinos/machine/el3_interrupts.h"
#include "twinos/machine/link.h"

namespace twinos::machine {

/// What the card did, counted since power-on (the model's own view; the
/// driver sees only the 8- and 16-bit statistics registers).
struct NicCounters {
    std::uint64_t rx_uploaded = 0;       ///< Frames DMA'd into a UPD's buffers without error.
    std::uint64_t rx_bytes = 0;          ///< Their bytes.
    std::uint64_t rx_errors = 0;         ///< Frames completed with upError (e.g. too big).
    std::uint64_t rx_overruns = 0;       ///< Frames lost: no free UPD and no FIFO room.
    std::uint64_t rx_filtered = 0;       ///< Frames the receive filter rejected.
    std::uint64_t rx_disabled = 0;       ///< Frames that arrived while the receiver was off.
    std::uint64_t rx_discarded = 0;      ///< Frames thrown out of the FIFO (RxReset, RxDiscard).
    std::uint64_t rx_in_fifo = 0;        ///< Frames waiting in the FIFO now (not a total).
    std::uint64_t upload_stalls = 0;     ///< Times the upload engine hit a UPD still in use.
    std::uint64_t tx_frames = 0;         ///< Frames downloaded and transmitted.
    std::uint64_t tx_bytes = 0;          ///< Their bytes.
    std::uint64_t host_errors = 0;       ///< DMA to an address outside memory.
    std::uint64_t irqs_raised = 0;       ///< Rising edges of the interrupt line.
    std::uint64_t unknown_commands = 0;  ///< Commands the model does not implement.
};

/// The 3c905-TX model.
class Nic3c905 : public Device, public LinkEndpoint {
public:
    /// Receive FIFO size: frames wait here while the upload engine is stalled.
    static constexpr std::size_t kRxFifoBytes = 2048;

    /// Build the card described by `context`, attached to `link`.
    Nic3c905(const DeviceContext& context, Link& link);

    // Nic3c905 — public interface

    std::uint32_t port_in(Port port, IoWidth width) override;
    void port_out(Port port, IoWidth width, std::uint32_t value) override;
    void receive_from_wire(std::span<const std::byte> frame, std::int64_t wire_time_ns,
                           std::uint32_t original_length) override;
    /// 802.3x flow control, modelled: true while a frame arriving now could
    /// not go straight into host memory -- the FIFO holds frames, the upload
    /// engine is stalled or has no list, or the next UPD is still the host's.
    bool needs_pause() const override;
    /// `LinkEndpoint::offer_from_wire`, in one call.
    bool offer_from_wire(std::span<const std::byte> frame, std::int64_t wire_time_ns,
                         std::uint32_t original_length) override;

    /// What the card has done.
    const NicCounters& counters() const { return counters_; }
    /// The station address the driver programmed (window 2).
    const std::array<std::uint8_t, 6>& station_address() const { return station_; }
    /// The receive filter bits the driver set (`el3::RxFilter`).
    std::uint16_t rx_filter() const { return rx_filter_; }
    /// The UPD the upload engine will fill next (0: none).
    PhysAddr up_list_ptr() const { return PhysAddr{up_list_ptr_}; }
    /// The DPD the download engine reads next (0 when idle): for checks
    /// that walk what the card can reach.
    PhysAddr down_list_ptr() const { return PhysAddr{dn_list_ptr_}; }
    /// True while the upload engine is stalled (by command or end of channel).
    bool upload_stalled() const { return up_stalled_ || up_end_of_channel_; }
    /// The station address this card's EEPROM holds (derived from its name).
    const std::array<std::uint8_t, 6>& burned_in_address() const { return burned_in_; }
    /// Would the receive filter accept `frame`?
    bool accepts(std::span<const std::byte> frame) const;

private:
    // What the card notes about a frame as it arrives; with
    // `el3::kDmaReceiveStamps` it goes into the frame's UPD.
    struct ReceiveNote {
        std::int64_t wire_time_ns = 0;      // when it arrived (ns since the epoch)
        std::uint32_t original_length = 0;  // its length where it was captured
    };
    // Nic3c905 — registers and commands (nic_3c905.cpp)
    // (Inline into port_out, its one caller in nic_3c905.cpp: a command
    // is one call, chapter 7.)
    [[gnu::always_inline]] inline void execute(std::uint16_t command_word);
    void reset();
    std::uint8_t read_window_byte(unsigned offset);
    void write_window_byte(unsigned offset, std::uint8_t value);
    // Raise the line on a rising edge of the interrupt condition. Inline:
    // every command and every upload ends with it.
    void update_irq() {
        if (irq_.rise()) {
            ++counters_.irqs_raised;
            raise_irq();
        }
    }
    void pop_fifo_front();
    void discard_fifo_front();
    void discard_fifo();

    // Nic3c905 — upload engine (nic_upload.cpp)
    // The bodies of receive_from_wire and needs_pause, inline into them and
    // into offer_from_wire: a held wire's frame is then one call, not four.
    [[gnu::always_inline]] inline void receive(std::span<const std::byte> frame,
                                               const ReceiveNote& note);
    [[gnu::always_inline]] inline bool pause_needed() const;
    void try_upload();
    // Upload what waits in the FIFO while the engine can; false when a
    // frame could not be uploaded (it stays first in the FIFO).
    [[gnu::noinline]] bool upload_from_fifo();
    // Inline into receive_from_wire and try_upload, its two callers (in the
    // same file): a frame's arrival is then one call, not two (chapter 7).
    [[gnu::always_inline]] inline bool upload_one(std::span<const std::byte> frame,
                                                  const ReceiveNote& note);

    // Nic3c905 — download engine (nic_download.cpp)
    void kick_download();
    void download_one();
    void host_error(const std::string& what);

    // Nic3c905 — state
    Link& link_;
    NicCounters counters_;
    unsigned window_ = 0;
    El3Interrupts irq_;  // pending events, the two masks, IntLatch
    std::uint16_t rx_filter_ = 0;
    std::array<std::uint8_t, 6> station_{};
    std::array<std::uint8_t, 6> burned_in_{};
    std::array<std::uint16_t, 64> eeprom_{};
    std::uint16_t eeprom_data_ = 0;
    std::array<std::array<std::uint8_t, 14>, 8> window_bytes_{};  // plain window registers
    bool rx_enabled_ = false;
    bool tx_enabled_ = false;
    bool stats_enabled_ = false;
    // Window 6 statistics, cleared when read.
    std::uint8_t stat_rx_overrun_ = 0;
    std::uint8_t stat_tx_ok_ = 0;
    std::uint8_t stat_rx_ok_ = 0;
    std::uint16_t stat_rx_bytes_ = 0;
    std::uint16_t stat_tx_bytes_ = 0;
    // Bus master.
    std::uint32_t dma_ctrl_ = 0;
    std::uint8_t tx_free_threshold_ = 0;
    std::uint32_t up_list_ptr_ = 0;
    std::uint32_t up_pkt_status_ = 0;
    bool up_stalled_ = false;         // by UpStall
    bool up_end_of_channel_ = false;  // hit a UPD still owned by the host
    struct Waiting {
        std::vector<std::byte> bytes;
        ReceiveNote note;
    };
    std::deque<Waiting> rx_fifo_;
    std::size_t rx_fifo_bytes_ = 0;
    std::uint32_t stamp_clock_high_ = 0;  // latched by reading kStampClockLow
    std::uint32_t dn_list_ptr_ = 0;
    bool dn_stalled_ = false;
    bool dn_scheduled_ = false;
    Ticks tx_free_at_{0};
    std::vector<std::byte> tx_buffer_;  // reused for every transmitted frame
};

}  // namespace twinos::machine
