// SPDX-License-Identifier: MIT
// SharedNicSystem: the twin machine with the NIC shared through the pseudo NIC.
//
// The configuration the paper monitors: the preceding OS owns the 3c905 and
// serves it to the co-existing OS through a PseudoNic it starts at boot; the
// co-existing OS runs its unchanged 3c905x driver on it.
//
// Chapter: chapters/04-pseudo-nic.rst.
#pragma once

#include <memory>

#include "pseudonic/pseudo_nic.h"
#include "twinos/twin_os.h"

namespace pseudonic {

/// A TwinOs whose NIC is offered to the co-existing OS through a PseudoNic.
class SharedNicSystem {
public:
    /// Build the machine (default: `MachineConfig::shared_nic()`).
    explicit SharedNicSystem(
        twinos::machine::MachineConfig config = twinos::machine::MachineConfig::shared_nic(),
        twinos::os::TwinOsOptions options = {});

    /// The twin machine.
    twinos::os::TwinOs& twin() { return *twin_; }
    /// The pseudo NIC, once the preceding OS booted; else nullptr.
    PseudoNic* pseudo_nic() { return pseudo_nic_.get(); }

private:
    std::unique_ptr<PseudoNic> pseudo_nic_;
    std::unique_ptr<twinos::os::TwinOs> twin_;
};

}  // namespace pseudonic
