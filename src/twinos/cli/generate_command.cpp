// SPDX-License-Identifier: MIT
#include "twinos/cli/generate_command.h"

#include <CLI/CLI.hpp>
#include <stdexcept>

#include "twinos/cli/units.h"
#include "twinos/edge/capture_generator.h"

namespace twinos::cli {

void add_generate_command(CLI::App& app, GenerateOptions& o) {
    CLI::App* gen = app.add_subcommand("generate", "Write a synthetic UDP capture (pcap)");
    gen->add_option("-w", o.output, "The pcap file to write")->required();
    gen->add_option("-n", o.count, "How many frames")->check(CLI::PositiveNumber);
    gen->add_option("--sizes", o.sizes,
                    "Frame sizes in bytes, cycled (46..1514), e.g. 64 or 53,1514; "
                    "'mixed' is 64,128,256,512,1024,1514");
    gen->add_option("--spacing", o.spacing, "Time between frames, e.g. 10us");
}

int run_generate(const GenerateOptions& o, std::ostream& out, std::ostream& err) {
    edge::GeneratedCapture what;
    try {
        what.frames = o.count;
        what.frame_sizes =
            o.sizes == "mixed" ? edge::kMixedFrameSizes : parse_frame_sizes("--sizes", o.sizes);
        what.spacing = parse_duration(o.spacing);
    } catch (const std::invalid_argument& e) {
        err << "twinos generate: error: " << e.what() << '\n';
        return 2;
    }
    try {
        edge::write_generated_capture(o.output, what);
    } catch (const std::runtime_error& e) {
        err << "twinos generate: error: " << e.what() << '\n';
        return 1;
    }
    out << "wrote " << what.frames << " frames to " << o.output << '\n';
    return 0;
}

}  // namespace twinos::cli
