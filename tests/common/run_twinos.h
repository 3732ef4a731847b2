// SPDX-License-Identifier: MIT
// Test helper: run the real `twinos` binary and collect its exit code and output.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace twinos::test {

/// What one run of the command gave.
struct CommandRun {
    int exit_code;       ///< The exit status, or -1 if it did not exit normally.
    std::string output;  ///< Standard output and standard error together.
};

/// Run `command` through the shell; what it prints on stdout is the output.
inline CommandRun run_shell(const std::string& command) {
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return {-1, "popen failed"};
    std::string output;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) output.append(buf.data(), n);
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

/// The `twinos` binary this build made.
inline std::string twinos_binary() { return TWINOS_BINARY; }

/// Run `twinos ARGS` through the shell, stdout and stderr together, with the
/// environment assignments `env` (e.g. "NAME=value") in front.
inline CommandRun run_twinos(const std::string& args, const std::string& env = "") {
    return run_shell((env.empty() ? "" : env + " ") + twinos_binary() + " " + args + " 2>&1");
}

/// True when `text` contains `part`.
inline bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace twinos::test
