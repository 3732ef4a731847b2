// SPDX-License-Identifier: MIT
// Nic3c905: the upload (receive) engine -- UPDs, DMA, stalls and overruns.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/descriptor_words.h"
#include "twinos/machine/el3_registers.h"
#include "twinos/machine/nic_3c905.h"
#include "twinos/machine/physical_memory.h"

namespace twinos::machine {

using namespace el3;

// The station-address filter (SetRxFilter), asked for every arrival.
bool Nic3c905::accepts(std::span<const std::byte> frame) const {
    if (rx_filter_ & RxProm) return true;
    if (frame.size() < 6) return false;
    const auto d0 = std::to_integer<std::uint8_t>(frame[0]);
    bool broadcast = true;
    for (int i = 0; i < 6; ++i) broadcast &= std::to_integer<std::uint8_t>(frame[i]) == 0xff;
    if (broadcast) return (rx_filter_ & RxBroadcast) != 0;
    if (d0 & 1) return (rx_filter_ & RxMulticast) != 0;  // group bit: multicast
    if (!(rx_filter_ & RxStation)) return false;
    for (int i = 0; i < 6; ++i) {
        if (std::to_integer<std::uint8_t>(frame[i]) != station_[i]) return false;
    }
    return true;
}

// [twinos:nic-receive]
void Nic3c905::receive_from_wire(std::span<const std::byte> frame, std::int64_t wire_time_ns,
                                 std::uint32_t original_length) {
    receive(frame, ReceiveNote{wire_time_ns, original_length});
}

inline void Nic3c905::receive(std::span<const std::byte> frame, const ReceiveNote& note) {
    if (!rx_enabled_) {
        ++counters_.rx_disabled;
        return;
    }
    if (!accepts(frame)) {
        ++counters_.rx_filtered;
        return;
    }
    // Straight to host memory when the engine can take it; otherwise the
    // frame waits in the receive FIFO, and is lost when the FIFO is full.
    if (rx_fifo_.empty() && !upload_stalled() && upload_one(frame, note)) return;
    if (rx_fifo_bytes_ + frame.size() > kRxFifoBytes) {
        ++counters_.rx_overruns;
        if (stat_rx_overrun_ < 0xff) ++stat_rx_overrun_;
        trace_if(TraceFlag::Nic, [] { return std::string("rx overrun"); });
        return;
    }
    rx_fifo_.push_back({{frame.begin(), frame.end()}, note});
    rx_fifo_bytes_ += frame.size();
    ++counters_.rx_in_fifo;
}
// [/twinos:nic-receive]

void Nic3c905::try_upload() {
    // Frames wait in the FIFO only while the host is short of descriptors;
    // that loop is out of line, so an unstall with none waiting (nearly
    // every one) saves no registers for it.
    if (!rx_fifo_.empty() && !upload_from_fifo()) return;
    // The host gave descriptors back: end the pause, if the wire is held.
    if (link_.held() && !needs_pause()) link_.resume();
}

bool Nic3c905::upload_from_fifo() {
    while (!rx_fifo_.empty() && !upload_stalled()) {
        if (!upload_one(rx_fifo_.front().bytes, rx_fifo_.front().note)) return false;
        pop_fifo_front();
    }
    return true;
}

// A held wire's frame: LinkEndpoint::offer_from_wire's two calls through
// the interface, each body inline here instead (chapter 7).
bool Nic3c905::offer_from_wire(std::span<const std::byte> frame, std::int64_t wire_time_ns,
                               std::uint32_t original_length) {
    if (pause_needed()) return false;
    receive(frame, ReceiveNote{wire_time_ns, original_length});
    return true;
}

bool Nic3c905::needs_pause() const { return pause_needed(); }

inline bool Nic3c905::pause_needed() const {
    if (!rx_enabled_) return false;  // dropped and counted as disabled: no pause helps
    if (!rx_fifo_.empty() || upload_stalled() || up_list_ptr_ == 0) return true;
    // The card looks ahead at the next UPD, as the chip prefetches it.
    try {
        return (memory().read32(PhysAddr{up_list_ptr_} + kUpdStatus) & kUpdComplete) != 0;
    } catch (const BusError&) {
        return false;  // the upload will fail and say so (host error)
    }
}

// [twinos:nic-upload]
bool Nic3c905::upload_one(std::span<const std::byte> frame, const ReceiveNote& note) {
    if (up_list_ptr_ == 0) return false;  // no list: wait for UpListPtr
    PhysicalMemory& mem = memory();
    const PhysAddr upd{up_list_ptr_};
    const bool stamps = (dma_ctrl_ & kDmaReceiveStamps) != 0;
    // The UPD's words, bounds-checked once when all of it lies in memory
    // (descriptor_words.h); a word outside memory still faults where it is.
    DescriptorWords words(mem, upd, stamps ? kUpdStampOffset + kUpdStampBytes : kUpdBytes);
    try {
        const std::uint32_t status = words.read32(kUpdStatus);
        if (status & kUpdComplete) {
            // "End of channel": the next UPD still holds a frame the host has
            // not taken. Stall until the driver gives it back (UpUnstall).
            up_end_of_channel_ = true;
            ++counters_.upload_stalls;
            trace_if(TraceFlag::Nic, [upd] { return "upload stalled at " + hex(upd.value(), 8); });
            return false;
        }
        // Scatter the frame over the UPD's fragments, each at most its length.
        std::size_t done = 0;
        std::uint32_t pair = kUpdFragAddr;
        for (int i = 0; i < kMaxFragments && done < frame.size(); ++i) {
            const std::uint32_t addr = words.read32(pair);
            const std::uint32_t length_word = words.read32(pair + 4);
            const std::size_t room = length_word & kFragLengthMask;
            const std::size_t chunk = std::min(room, frame.size() - done);
            mem.write(PhysAddr{addr}, frame.subspan(done, chunk));
            done += chunk;
            if (length_word & kLastFrag) break;
            pair += kFragmentPairBytes;
        }
        std::uint32_t new_status = static_cast<std::uint32_t>(frame.size()) & kUpdLengthMask;
        if (done < frame.size()) {
            // Too big for the buffers: what fit is in memory, the rest is
            // dropped, and the UPD says so.
            new_status |= kUpdError | kUpdOverflow | kUpdOversize;
            ++counters_.rx_errors;
        } else {
            ++counters_.rx_uploaded;
            counters_.rx_bytes += frame.size();
            if (stat_rx_ok_ < 0xff) ++stat_rx_ok_;
            stat_rx_bytes_ = static_cast<std::uint16_t>(stat_rx_bytes_ + frame.size());
        }
        new_status |= kUpdComplete;
        words.write32(kUpdStatus, new_status);
        up_pkt_status_ = new_status;
        if (stamps) {
            // The model extension: the stamp travels in the UPD itself.
            const auto time = static_cast<std::uint64_t>(note.wire_time_ns);
            words.write32(kUpdStampTimeLow, static_cast<std::uint32_t>(time));
            words.write32(kUpdStampTimeHigh, static_cast<std::uint32_t>(time >> 32));
            words.write32(kUpdStampLength, note.original_length);
        }
        if (trace_enabled(TraceFlag::Nic)) [[unlikely]] {  // (as Cpu::switch_to's)
            trace_if(TraceFlag::Nic, [size = frame.size(), upd, new_status] {
                return "upload " + std::to_string(size) + " bytes into UPD " + hex(upd.value(), 8) +
                       " status " + hex(new_status, 8);
            });
        }
        up_list_ptr_ = words.read32(kUpdNext);
    } catch (const BusError& e) {
        up_stalled_ = true;  // a master abort stops the engine until reset
        host_error(e.what());
        return false;
    }
    irq_.pending |= UpComplete;
    update_irq();
    return true;
}
// [/twinos:nic-upload]

}  // namespace twinos::machine
