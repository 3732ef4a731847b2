// SPDX-License-Identifier: MIT
// Nic3c905: the download (transmit) engine -- DPDs, DMA and DownComplete.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/el3_registers.h"
#include "twinos/machine/nic_3c905.h"
#include "twinos/machine/physical_memory.h"

namespace twinos::machine {

using namespace el3;

void Nic3c905::kick_download() {
    if (dn_scheduled_ || dn_stalled_ || dn_list_ptr_ == 0) return;
    dn_scheduled_ = true;
    // One frame at a time, no faster than the wire takes them.
    schedule_at(later_of(now(), tx_free_at_), "download",
                EventHandler::to<&Nic3c905::download_one>(*this));
}

// [twinos:nic-download]
void Nic3c905::download_one() {
    dn_scheduled_ = false;
    if (dn_stalled_ || dn_list_ptr_ == 0) return;
    PhysicalMemory& mem = memory();
    const PhysAddr dpd{dn_list_ptr_};
    std::uint32_t header;
    try {
        header = mem.read32(dpd + kDpdHeader);
        // Gather the fragments into one frame.
        tx_buffer_.clear();
        PhysAddr pair = dpd + kDpdFragAddr;
        for (int i = 0; i < kMaxFragments; ++i) {
            const std::uint32_t addr = mem.read32(pair);
            const std::uint32_t length_word = mem.read32(pair + 4);
            auto bytes = mem.span(PhysAddr{addr}, length_word & kFragLengthMask);
            tx_buffer_.insert(tx_buffer_.end(), bytes.begin(), bytes.end());
            if (length_word & kLastFrag) break;
            pair = pair + kFragmentPairBytes;
        }
        dn_list_ptr_ = mem.read32(dpd + kDpdNext);
    } catch (const BusError& e) {
        dn_stalled_ = true;
        host_error(e.what());
        return;
    }
    if (tx_enabled_) {
        ++counters_.tx_frames;
        counters_.tx_bytes += tx_buffer_.size();
        if (stat_tx_ok_ < 0xff) ++stat_tx_ok_;
        stat_tx_bytes_ = static_cast<std::uint16_t>(stat_tx_bytes_ + tx_buffer_.size());
        tx_free_at_ = now() + link_.wire_time(tx_buffer_.size());
        link_.transmit(tx_buffer_);
    }
    trace_if(TraceFlag::Nic, [&] {
        return "download " + std::to_string(tx_buffer_.size()) + " bytes from DPD " +
               hex(dpd.value(), 8) + (tx_enabled_ ? "" : " (tx disabled)");
    });
    // The original 3c905 does not mark the DPD done; the driver learns it
    // from DownListPtr moving on. It interrupts only if asked to.
    if (header & kDpdTxIntrUploaded) {
        irq_.pending |= DownComplete;
        update_irq();
    }
    kick_download();
}
// [/twinos:nic-download]

}  // namespace twinos::machine
