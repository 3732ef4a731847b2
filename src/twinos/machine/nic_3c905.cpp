// SPDX-License-Identifier: MIT
// Nic3c905: registers, windows, commands and the interrupt line.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/nic_3c905.h"

#include "twinos/machine/el3_registers.h"

namespace twinos::machine {

using namespace el3;

Nic3c905::Nic3c905(const DeviceContext& context, Link& link) : Device(context), link_(link) {
    link_.attach_nic(*this);
    // A 3Com OUI and three bytes from the device's name: each card of a
    // configuration has its own, and the same name always gets the same one.
    std::uint32_t h = 2166136261u;
    for (char c : name()) h = (h ^ static_cast<std::uint8_t>(c)) * 16777619u;
    burned_in_ = {0x00,
                  0x50,
                  0x04,
                  static_cast<std::uint8_t>(h >> 16),
                  static_cast<std::uint8_t>(h >> 8),
                  static_cast<std::uint8_t>(h)};
    for (int i = 0; i < 3; ++i) {
        eeprom_[kEepromStationAddress + i] =
            static_cast<std::uint16_t>(burned_in_[2 * i] << 8 | burned_in_[2 * i + 1]);
    }
    eeprom_[kEepromCapabilities] = kCapBusMaster;
    reset();
}

void Nic3c905::reset() {
    window_ = 0;
    irq_ = {};
    rx_filter_ = 0;
    rx_enabled_ = tx_enabled_ = stats_enabled_ = false;
    up_list_ptr_ = up_pkt_status_ = dn_list_ptr_ = dma_ctrl_ = 0;
    up_stalled_ = up_end_of_channel_ = dn_stalled_ = false;
    discard_fifo();
}

void Nic3c905::pop_fifo_front() {
    rx_fifo_bytes_ -= rx_fifo_.front().bytes.size();
    rx_fifo_.pop_front();
    --counters_.rx_in_fifo;
}

void Nic3c905::discard_fifo_front() {
    pop_fifo_front();
    ++counters_.rx_discarded;
}

void Nic3c905::discard_fifo() {
    while (!rx_fifo_.empty()) discard_fifo_front();
}

std::uint32_t Nic3c905::port_in(Port port, IoWidth width) {
    const unsigned offset = port.value() - assignment().ports.base.value();
    const unsigned bytes = static_cast<unsigned>(width);
    switch (offset) {
        case kStatus: {
            // IntLatch and the window number are always visible; other bits
            // only when enabled by SetStatusEnb. Commands complete at once,
            // so CmdInProgress never reads as set.
            return irq_.status(window_);
        }
        case kPktStatus: return dma_ctrl_;
        case kStampClockLow: {
            const auto wall = static_cast<std::uint64_t>(link_.wall_time(now()));
            stamp_clock_high_ = static_cast<std::uint32_t>(wall >> 32);
            return static_cast<std::uint32_t>(wall);
        }
        case kStampClockHigh: return stamp_clock_high_;
        case kDownListPtr: return dn_list_ptr_;
        case kTxFreeThreshold: return tx_free_threshold_;
        case kUpPktStatus: return up_pkt_status_ | (upload_stalled() ? kUpStalled : 0);
        case kUpListPtr: return up_list_ptr_;
        default: break;
    }
    if (window_ == 0 && offset == kW0EepromData) return eeprom_data_;
    if (offset < kCommand) {
        // Windowed registers: assemble little-endian from their bytes.
        std::uint32_t value = 0;
        for (unsigned i = 0; i < bytes && offset + i < kCommand; ++i) {
            value |= std::uint32_t{read_window_byte(offset + i)} << (8 * i);
        }
        return value;
    }
    return 0;  // unmodelled registers read as zero
}

void Nic3c905::port_out(Port port, IoWidth width, std::uint32_t value) {
    const unsigned offset = port.value() - assignment().ports.base.value();
    switch (offset) {
        case kCommand: execute(static_cast<std::uint16_t>(value)); return;
        case kDownListPtr:
            // Writing the list pointer starts the download engine when it is idle.
            if (dn_list_ptr_ == 0) dn_list_ptr_ = value;
            kick_download();
            return;
        case kTxFreeThreshold: tx_free_threshold_ = static_cast<std::uint8_t>(value); return;
        case kPktStatus: dma_ctrl_ = value; return;
        case kUpListPtr:
            up_list_ptr_ = value;
            up_end_of_channel_ = false;
            try_upload();
            return;
        default: break;
    }
    if (window_ == 0 && offset == kW0EepromCommand) {
        // Reads complete at once; the real part needs ~162 µs, which the
        // driver waits out by polling a busy bit we never set.
        if ((value & 0xc0) == kEepromRead) eeprom_data_ = eeprom_[value & 0x3f];
        return;
    }
    if (offset < kCommand) {
        for (unsigned i = 0; i < static_cast<unsigned>(width) && offset + i < kCommand; ++i) {
            write_window_byte(offset + i, static_cast<std::uint8_t>(value >> (8 * i)));
        }
    }
}

std::uint8_t Nic3c905::read_window_byte(unsigned offset) {
    switch (window_) {
        case 2:
            if (offset < 6) return station_[offset];
            break;
        case 5:
            // Read-back of what SetRxFilter, SetIntrEnb and SetStatusEnb set.
            if (offset == kW5RxFilter) return static_cast<std::uint8_t>(rx_filter_);
            if (offset == kW5IntrEnable) return static_cast<std::uint8_t>(irq_.intr_enable);
            if (offset == kW5IntrEnable + 1)
                return static_cast<std::uint8_t>(irq_.intr_enable >> 8);
            if (offset == kW5StatusEnable) return static_cast<std::uint8_t>(irq_.status_enable);
            if (offset == kW5StatusEnable + 1)
                return static_cast<std::uint8_t>(irq_.status_enable >> 8);
            return 0;
        case 6: {
            // Statistics are cleared when read, so a driver that adds them up
            // never counts an event twice.
            auto take8 = [](std::uint8_t& counter) {
                const std::uint8_t v = counter;
                counter = 0;
                return v;
            };
            if (offset == kW6RxOverrun) return take8(stat_rx_overrun_);
            if (offset == kW6TxFramesOk) return take8(stat_tx_ok_);
            if (offset == kW6RxFramesOk) return take8(stat_rx_ok_);
            if (offset == kW6RxBytesOk || offset == kW6RxBytesOk + 1) {
                const auto v = static_cast<std::uint8_t>(stat_rx_bytes_ >> (8 * (offset & 1)));
                if (offset & 1) stat_rx_bytes_ = 0;
                return v;
            }
            if (offset == kW6TxBytesOk || offset == kW6TxBytesOk + 1) {
                const auto v = static_cast<std::uint8_t>(stat_tx_bytes_ >> (8 * (offset & 1)));
                if (offset & 1) stat_tx_bytes_ = 0;
                return v;
            }
            return 0;
        }
        default: break;
    }
    return window_bytes_[window_][offset];
}

void Nic3c905::write_window_byte(unsigned offset, std::uint8_t value) {
    if (window_ == 2 && offset < 6) {
        station_[offset] = value;
        return;
    }
    if (window_ == 5 || window_ == 6) return;  // read-only windows
    window_bytes_[window_][offset] = value;
}

// [twinos:nic-command]
void Nic3c905::execute(std::uint16_t word) {
    const std::uint16_t param = parameter_of(word);
    trace_if(TraceFlag::Nic, [word] { return "command " + hex(word, 4); });
    switch (command_number(word)) {
        case command_number(TotalReset): reset(); break;
        case command_number(SelectWindow): window_ = param & 7; break;
        case command_number(RxDisable): rx_enabled_ = false; break;
        case command_number(RxEnable): rx_enabled_ = true; break;
        case command_number(RxReset):
            rx_enabled_ = false;
            up_list_ptr_ = 0;
            up_stalled_ = up_end_of_channel_ = false;
            discard_fifo();
            break;
        case command_number(UpStall):  // UpStall, UpUnstall, DownStall, DownUnstall share it
            switch (word) {
                case UpStall: up_stalled_ = true; break;
                case UpUnstall:
                    // Let the engine look at the current UPD again: the driver
                    // may have just given it back.
                    up_stalled_ = false;
                    up_end_of_channel_ = false;
                    try_upload();
                    break;
                case DownStall: dn_stalled_ = true; break;
                case DownUnstall:
                    dn_stalled_ = false;
                    kick_download();
                    break;
                default: ++counters_.unknown_commands; break;
            }
            break;
        case command_number(RxDiscard):
            if (!rx_fifo_.empty()) discard_fifo_front();
            break;
        case command_number(TxEnable): tx_enabled_ = true; break;
        case command_number(TxDisable): tx_enabled_ = false; break;
        case command_number(TxReset):
            tx_enabled_ = false;
            dn_list_ptr_ = 0;
            dn_stalled_ = false;
            break;
        case command_number(FakeIntr): irq_.pending |= IntReq; break;
        case command_number(AckIntr): irq_.acknowledge(param); break;
        case command_number(SetIntrEnb): irq_.intr_enable = param; break;
        case command_number(SetStatusEnb): irq_.status_enable = param; break;
        case command_number(SetRxFilter): rx_filter_ = param & 0x1f; break;
        case command_number(SetRxThreshold):
        case command_number(SetTxThreshold):
        case command_number(SetTxStart):
            break;  // thresholds tune FIFO timing, which is not modelled
        case command_number(StatsEnable): stats_enabled_ = true; break;
        case command_number(StatsDisable): stats_enabled_ = false; break;
        default: ++counters_.unknown_commands; break;
    }
    update_irq();
}
// [/twinos:nic-command]

void Nic3c905::host_error(const std::string& what) {
    ++counters_.host_errors;
    dma_ctrl_ |= kDmaMasterAbort;
    irq_.pending |= HostError;
    trace(TraceFlag::Nic, "host error: " + what);
    update_irq();
}

}  // namespace twinos::machine
