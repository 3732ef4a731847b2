// SPDX-License-Identifier: MIT
// ConfigError: a bad machine configuration, naming the field that is wrong.
// Part of the simulated machine; OS code and labs never edit this.
//
// A machine is validated whole before any part of it is built, so a bad
// configuration never half-starts. The error carries the dotted field path
// (`partitions.coexisting.size`, `devices[2].irq`) so that the command line
// can say which option to fix.
//
// Chapter: chapters/02-twinos.rst.
#pragma once

#include <stdexcept>
#include <string>

namespace twinos::machine {

/// Thrown when a machine configuration cannot be built as given.
class ConfigError : public std::runtime_error {
public:
    /// Report that `field` is wrong because of `reason`.
    ConfigError(std::string field, const std::string& reason)
        : std::runtime_error(field + ": " + reason), field_(std::move(field)) {}

    /// The dotted path of the offending field, e.g. `partitions.preceding.base`.
    const std::string& field() const { return field_; }

private:
    std::string field_;
};

}  // namespace twinos::machine
