// SPDX-License-Identifier: MIT
// CaptureSystem: the shared-NIC machine with the acquisition part in the preceding OS.
//
// Everything below the monitor AP: the twin machine, the pseudo NIC serving
// the card to the co-existing OS, and the packet acquisition part hooked
// into the pseudo NIC, with its system calls registered in the preceding
// kernel as it boots. The monitor AP (chapter 6) starts on top of it.
//
// Chapter: chapters/05-packet-acquisition.rst.
#pragma once

#include <memory>

#include "capture/acquisition.h"
#include "pseudonic/shared_nic_system.h"

namespace capture {

/// SharedNicSystem plus the acquisition part.
class CaptureSystem {
public:
    /// Build the machine; the acquisition part appears when the preceding OS boots.
    explicit CaptureSystem(
        twinos::machine::MachineConfig config = twinos::machine::MachineConfig::shared_nic(),
        twinos::os::TwinOsOptions options = {});

    /// The twin machine.
    twinos::os::TwinOs& twin() { return shared_.twin(); }
    /// The pseudo NIC (after boot).
    pseudonic::PseudoNic* pseudo_nic() { return shared_.pseudo_nic(); }
    /// The acquisition part (after boot).
    Acquisition* acquisition() { return acquisition_.get(); }
    /// Run `init` in the preceding OS right after the acquisition part is up
    /// (where the monitor AP starts). @pre before boot.
    void set_preceding_init(std::function<void(twinos::os::Kernel&)> init) {
        preceding_init_ = std::move(init);
    }

private:
    pseudonic::SharedNicSystem shared_;
    std::unique_ptr<Acquisition> acquisition_;
    std::function<void(twinos::os::Kernel&)> preceding_init_;
};

}  // namespace capture
