// SPDX-License-Identifier: MIT
// Driver3c905x: probe, open (build the rings, program the card), close, stats.
// OS code, written against the card's register interface only.
#include <stdexcept>
#include <string>

#include "twinos/machine/el3_registers.h"
#include "twinos/machine/little_endian.h"
#include "twinos/os/driver_3c905x.h"

namespace twinos::os {

using namespace twinos::machine;
using namespace twinos::machine::el3;

namespace {

// Linux reserves 2 bytes (NET_IP_ALIGN) so that the IP header after the
// 14-byte Ethernet header lands on a 4-byte boundary.
constexpr std::uint32_t kIpAlign = 2;
// Large packets swap their buffer for a fresh one; keep this many spare.
constexpr int kSpareRxBuffers = 8;

}  // namespace

void Driver3c905x::issue_and_wait(std::uint16_t word) {
    command(word);
    // Poll until the card has finished the command (it says so at once here).
    while (kernel_.io().in16(port(kStatus)) & CmdInProgress) {
    }
}

void Driver3c905x::select_window(unsigned window) {
    command(static_cast<std::uint16_t>(SelectWindow + window));
}

std::uint16_t Driver3c905x::read_eeprom(int word) {
    select_window(0);
    kernel_.io().out16(port(kW0EepromCommand), static_cast<std::uint16_t>(kEepromRead + word));
    return kernel_.io().in16(port(kW0EepromData));
}

Driver3c905x::Driver3c905x(Kernel& kernel, const DeviceAssignment& device, DriverOptions options)
    : kernel_(kernel), device_(device), options_(options), promiscuous_(options.promiscuous) {
    if (options_.rx_buffer_bytes < 60 || options_.rx_buffer_bytes > kFragLengthMask) {
        throw std::invalid_argument("rx buffer of " + std::to_string(options_.rx_buffer_bytes) +
                                    " bytes: must be 60..8191 (13-bit fragment length)");
    }
    if (!device_.irq) throw std::invalid_argument(device_.name + ": a 3c905 needs an IRQ line");
    // [twinos:driver-probe]
    // The station address is in EEPROM words 10-12, high byte first.
    for (int i = 0; i < 3; ++i) {
        const std::uint16_t w = read_eeprom(kEepromStationAddress + i);
        mac_[2 * i] = static_cast<std::uint8_t>(w >> 8);
        mac_[2 * i + 1] = static_cast<std::uint8_t>(w);
    }
    // [/twinos:driver-probe]
}

void Driver3c905x::refuse_upd(int entry, std::uint32_t field) {
    throw std::out_of_range("driver: UPD " + std::to_string(entry) + " word at " +
                            std::to_string(field) + " is outside the ring of " +
                            std::to_string(kRxRingSize) + " UPDs");
}

PhysAddr Driver3c905x::upd_address(int entry) const { return rings_.pa + entry * kUpdBytes; }
PhysAddr Driver3c905x::dpd_address(int entry) const {
    return rings_.pa + kRxRingSize * kUpdBytes + entry * kDpdBytes;
}
std::uint64_t Driver3c905x::rx_waiting() {
    std::uint64_t waiting = 0;
    if (rings_.bytes == 0) return 0;  // not open
    for (unsigned k = 0; k < kRxRingSize; ++k) {
        const int entry = static_cast<int>((cur_rx_ + k) % kRxRingSize);
        if (!(upd_load(entry, el3::kUpdStatus) & el3::kUpdComplete)) break;
        ++waiting;
    }
    return waiting;
}

std::uint32_t Driver3c905x::dpd_load(int entry, std::uint32_t field) {
    // Little-endian on the bus; dma_view has checked all four bytes lie in the ring.
    return load_le32(
        kernel_.dma_view(rings_, kRxRingSize * kUpdBytes + entry * kDpdBytes + field, 4).data());
}
void Driver3c905x::dpd_store(int entry, std::uint32_t field, std::uint32_t value) {
    store_le32(
        kernel_.dma_view(rings_, kRxRingSize * kUpdBytes + entry * kDpdBytes + field, 4).data(),
        value);
}

DmaBuffer Driver3c905x::take_rx_buffer() {
    if (rx_spares_.empty()) return kernel_.dma_alloc(options_.rx_buffer_bytes + kIpAlign);
    DmaBuffer b = rx_spares_.back();
    rx_spares_.pop_back();
    return b;
}

std::uint16_t Driver3c905x::rx_filter_bits() const {
    std::uint16_t bits = RxStation | RxBroadcast;
    if (promiscuous_) bits |= RxMulticast | RxProm;
    return bits;
}

// [twinos:driver-open]
void Driver3c905x::open() {
    if (open_) return;
    // Build the rings: 32 UPDs then 16 DPDs in one DMA allocation, as Linux does.
    rings_ = kernel_.dma_alloc(kRxRingSize * kUpdBytes + kTxRingSize * kDpdBytes);
    ring_words_ = kernel_.dma_view(rings_, 0, rings_.bytes).data();
    rx_buffers_.clear();
    for (int i = 0; i < kRxRingSize; ++i) {
        rx_buffers_.push_back(take_rx_buffer());
        // A circular list: the last UPD points back at the first.
        upd_store(i, kUpdNext,
                  static_cast<std::uint32_t>(upd_address((i + 1) % kRxRingSize).value()));
        upd_store(i, kUpdStatus, 0);
        upd_store(i, kUpdFragAddr,
                  static_cast<std::uint32_t>(rx_buffers_[i].pa.value() + kIpAlign));
        upd_store(i, kUpdFragLength, options_.rx_buffer_bytes | kLastFrag);
    }
    for (int i = 0; i < kSpareRxBuffers; ++i) {
        rx_spares_.push_back(kernel_.dma_alloc(options_.rx_buffer_bytes + kIpAlign));
    }
    tx_buffers_.clear();
    for (int i = 0; i < kTxRingSize; ++i) tx_buffers_.push_back(kernel_.dma_alloc(kFragLengthMask));
    tx_lengths_.assign(kTxRingSize, 0);
    cur_rx_ = cur_tx_ = dirty_tx_ = 0;
    kernel_.set_irq_handler(*device_.irq, [this](int irq) { interrupt(irq); });

    // vortex_up: reset both halves, then program the card.
    issue_and_wait(TxReset);
    issue_and_wait(RxReset | 0x04);
    command(SetStatusEnb | 0);
    select_window(2);
    for (int i = 0; i < 6; ++i) kernel_.io().out8(port(kW2StationAddress + i), mac_[i]);
    for (int i = 0; i < 6; ++i) kernel_.io().out8(port(kW2StationMask + i), 0);
    command(StatsDisable);
    update_stats();  // clear the counters the card has collected so far
    select_window(4);
    kernel_.io().out16(port(kW4NetDiag), 0x0040);  // count upper bytes too
    command(static_cast<std::uint16_t>(SetRxThreshold + (1536 >> 2)));
    kernel_.io().out32(port(kPktStatus), 0x20);  // "initialise the RxEarly register"
    kernel_.io().out32(port(kUpListPtr), static_cast<std::uint32_t>(upd_address(0).value()));
    kernel_.io().out8(port(kTxFreeThreshold), 1536 >> 8);
    kernel_.io().out32(port(kDownListPtr), 0);
    command(static_cast<std::uint16_t>(SetRxFilter | rx_filter_bits()));
    command(StatsEnable);
    command(RxEnable);
    command(TxEnable);
    // Which events are visible, acknowledge any left over, which interrupt.
    command(SetStatusEnb | HostError | IntReq | StatsFull | TxComplete | DownComplete | UpComplete);
    command(AckIntr | IntLatch | TxAvailable | RxEarly | IntReq);
    command(SetIntrEnb | IntLatch | TxAvailable | StatsFull | HostError | TxComplete | IntReq |
            UpComplete | DownComplete);
    select_window(7);  // the 2.4 driver leaves window 7 selected
    open_ = true;
    kernel_.trace(TraceFlag::Net, name_ + ": up, station " + net::to_string(mac_) +
                                      (promiscuous_ ? ", promiscuous" : ""));
}
// [/twinos:driver-open]

void Driver3c905x::close() {
    if (!open_) return;
    command(StatsDisable);
    command(RxDisable);
    command(TxDisable);
    command(SetIntrEnb | 0);
    kernel_.io().out32(port(kUpListPtr), 0);
    kernel_.io().out32(port(kDownListPtr), 0);
    update_stats();
    open_ = false;
}

void Driver3c905x::set_promiscuous(bool on) {
    promiscuous_ = on;
    if (open_) command(static_cast<std::uint16_t>(SetRxFilter | rx_filter_bits()));
}

void Driver3c905x::update_stats() {
    // Window 6 counters clear when read; add them up here. Only the overrun
    // count is kept (rx_fifo_errors); the rest the driver counts itself.
    select_window(6);
    for (std::uint16_t offset = 0; offset < 10; ++offset) {
        const std::uint8_t v = kernel_.io().in8(port(offset));
        if (offset == kW6RxOverrun) stats_.rx_fifo_errors += v;
    }
    kernel_.io().in16(port(kW6RxBytesOk));
    kernel_.io().in16(port(kW6TxBytesOk));
    select_window(7);
}

}  // namespace twinos::os
