// SPDX-License-Identifier: MIT
// `twinos boot`: options, configuration, and the four views of the machine.
#include "twinos/cli/boot_command.h"

#include <CLI/CLI.hpp>
#include <stdexcept>

#include "twinos/cli/units.h"
#include "twinos/machine/config_error.h"
#include "twinos/twin_os.h"

namespace twinos::cli {

using namespace twinos::machine;

namespace {

// Wrap a parser so that its error names the option it came from.
template <typename F>
auto option_value(const char* flag, const std::string& text, F parse) {
    try {
        return parse(text);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(flag) + ": " + e.what());
    }
}

// The command-line flag that sets a configuration field.
std::string flag_for_field(const std::string& field) {
    if (field.rfind("partitions.coexisting", 0) == 0) return "--coexisting";
    if (field.rfind("partitions.preceding", 0) == 0) return "--preceding";
    if (field == "memory") return "--memory";
    if (field == "quantum") return "--quantum";
    return "";
}

}  // namespace

void add_boot_command(CLI::App& app, BootOptions& o) {
    CLI::App* boot = app.add_subcommand("boot", "Boot the twin machine and show how it is shared");
    boot->add_option("--memory", o.memory, "Physical memory size (e.g. 256M)")
        ->capture_default_str();
    boot->add_option("--coexisting", o.coexisting,
                     "Co-existing OS partition BASE:SIZE (default: the low half)");
    boot->add_option("--preceding", o.preceding,
                     "Preceding OS partition BASE:SIZE (default: the high half)");
    boot->add_option("--quantum", o.quantum, "Time-sharing quantum (e.g. 10ms)")
        ->capture_default_str();
    boot->add_option("--run-for", o.run_for, "Simulated time to run after power-on")
        ->capture_default_str();
    boot->add_option("--trace", o.trace, "Trace flags: all or a list of boot,sched,irq,io,mem")
        ->capture_default_str();
}

twinos::machine::MachineConfig boot_config(const BootOptions& o) {
    MachineConfig config = MachineConfig::standard(option_value("--memory", o.memory, parse_size));
    if (!o.coexisting.empty()) {
        config.coexisting = option_value("--coexisting", o.coexisting, [](const std::string& s) {
            return parse_partition(s, OsId::Coexisting);
        });
    }
    if (!o.preceding.empty()) {
        config.preceding = option_value("--preceding", o.preceding, [](const std::string& s) {
            return parse_partition(s, OsId::Preceding);
        });
    }
    config.quantum = option_value("--quantum", o.quantum, parse_duration);
    return config;
}

// [twinos:boot-command]
int run_boot(const BootOptions& o, std::ostream& out, std::ostream& err) {
    Ticks run_for;
    std::uint32_t trace_mask;
    MachineConfig config;
    try {
        config = boot_config(o);
        run_for = option_value("--run-for", o.run_for, parse_duration);
        trace_mask = option_value("--trace", o.trace, parse_trace_flags);
    } catch (const std::invalid_argument& e) {
        err << "twinos boot: error: " << e.what() << '\n';
        return 2;
    }
    try {
        os::TwinOs twin(config);  // validates the whole configuration first
        out << "== TwinOS: one PC, two operating systems ==\n"
            << twin.partition_map() << twin.device_table();
        twin.machine().trace().set_mask(trace_mask);
        twin.machine().trace().echo_to(&out);
        out << "trace\n";
        twin.boot();
        twin.run_until(run_for);
        twin.machine().trace().echo_to(nullptr);
        out << "consoles\n";
        for (const auto& d : twin.machine().devices()) {
            if (const auto* lines = twin.machine().console_lines(d->name())) {
                for (const std::string& line : *lines) {
                    out << "  " << d->name() << " | " << line << '\n';
                }
            }
        }
        out << "halt\n" << twin.machine().halt().format();
    } catch (const ConfigError& e) {
        const std::string flag = flag_for_field(e.field());
        err << "twinos boot: error: " << (flag.empty() ? "" : flag + " (") << e.field()
            << (flag.empty() ? "" : ")") << ": "
            << std::string(e.what()).substr(e.field().size() + 2) << '\n';
        return 2;
    }
    return 0;
}
// [/twinos:boot-command]

}  // namespace twinos::cli
