// SPDX-License-Identifier: MIT
// The `twinos` command: one program, one subcommand per job.
//
// Exit codes follow the project's rule: 0 done, 1 runtime error, 2 usage or
// input error. Subcommands: boot (chapter 1), run (3, 6), generate (3), eval (7).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "twinos/cli/boot_command.h"
#include "twinos/cli/eval_command.h"
#include "twinos/cli/generate_command.h"
#include "twinos/cli/run_command.h"

int main(int argc, char** argv) {
    CLI::App app{"TwinOS Monitor: two operating systems on one simulated PC"};
    app.require_subcommand(1);
    twinos::cli::BootOptions boot_options;
    twinos::cli::add_boot_command(app, boot_options);
    twinos::cli::RunOptions run_options;
    twinos::cli::add_run_command(app, run_options);
    twinos::cli::GenerateOptions generate_options;
    twinos::cli::add_generate_command(app, generate_options);
    twinos::cli::EvalCommandOptions eval_options;
    twinos::cli::add_eval_command(app, eval_options);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    try {
        if (app.got_subcommand("boot")) {
            return twinos::cli::run_boot(boot_options, std::cout, std::cerr);
        }
        if (app.got_subcommand("run")) {
            return twinos::cli::run_run(run_options, std::cout, std::cerr);
        }
        if (app.got_subcommand("eval")) {
            return twinos::cli::run_eval(eval_options, std::cout, std::cerr);
        }
        if (app.got_subcommand("generate")) {
            return twinos::cli::run_generate(generate_options, std::cout, std::cerr);
        }
    } catch (const std::exception& e) {
        std::cerr << "twinos: runtime error: " << e.what() << '\n';
        return 1;
    }
    return 2;
}
