// SPDX-License-Identifier: MIT
// PseudoNic: installing itself, and talking to the real card as its owner.
// Part of the pseudo NIC (preceding OS).
#include "pseudonic/pseudo_nic.h"

namespace pseudonic {

using namespace twinos::machine;
using namespace twinos::machine::el3;

// [pseudonic:install]
PseudoNic::PseudoNic(twinos::os::Kernel& host, Machine& machine, const DeviceAssignment& nic,
                     OsId guest)
    : host_(host),
      machine_(machine),
      nic_(nic),
      guest_(guest),
      confinement_(machine.partition(guest), machine.config().memory_bytes) {
    // The shadow lists live in the preceding OS's memory, out of the
    // co-existing OS's reach.
    const std::uint64_t upload_bytes =
        ShadowUploadList::kMaxEntries * ShadowUploadList::kShadowStride;
    storage_ = host_.dma_alloc(upload_bytes + ShadowDownloadList::kStorageBytes);
    upload_ = std::make_unique<ShadowUploadList>(machine_.memory(), confinement_, storage_.pa);
    download_ = std::make_unique<ShadowDownloadList>(machine_.memory(), confinement_,
                                                     storage_.pa + upload_bytes);
    // Every access of the co-existing OS to the card's ports comes here...
    machine_.ports().install_trap("pseudonic:" + nic_.name, nic_.ports, guest_, *this);
    // ...and the card's interrupt goes to the preceding OS: step (A).
    host_.set_irq_handler(*nic_.irq, [this](int irq) { card_interrupt(irq); });
    program_card();
}
// [/pseudonic:install]

void PseudoNic::select_card_window(unsigned window) {
    // Only the pseudo NIC touches the real card, so it can remember the
    // card's window and skip selecting it again.
    if (card_window_ == window) return;
    card_command(static_cast<std::uint16_t>(SelectWindow + window));
    card_window_ = window;
}

void PseudoNic::program_card() {
    // The card's own interrupt masks belong to the pseudo NIC: it wants to
    // hear about every upload, download and host error, whatever the driver
    // enabled on its virtual card.
    card_command(TxReset);
    card_command(RxReset);
    card_out(kUpListPtr, IoWidth::Dword, 0);
    card_out(kDownListPtr, IoWidth::Dword, 0);
    card_command(SetStatusEnb | UpComplete | DownComplete | HostError);
    card_command(AckIntr | kAckableBits);
    card_command(SetIntrEnb | IntLatch | UpComplete | DownComplete | HostError);
    // The model's receive stamps go into every shadow UPD (el3_registers.h).
    card_out(kPktStatus, IoWidth::Dword, kDmaReceiveStamps);
}

std::int64_t PseudoNic::card_stamp_clock() {
    const std::uint32_t low = card_in(kStampClockLow, IoWidth::Dword);  // latches high
    const std::uint32_t high = card_in(kStampClockHigh, IoWidth::Dword);
    return static_cast<std::int64_t>((std::uint64_t{high} << 32) | low);
}

}  // namespace pseudonic
