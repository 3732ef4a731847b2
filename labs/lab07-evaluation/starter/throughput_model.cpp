// SPDX-License-Identifier: MIT
// Lab 7 starter: the sec. 4.4 formula and the load-curve summary.
// Replace src/twinos/eval/throughput_model.cpp in a `-DTWINOS_LAB=lab07` build.
// Read chapters/07-evaluation.rst and labs/lab07-evaluation/README.rst first.
#include "twinos/eval/throughput_model.h"

#include <algorithm>

namespace twinos::eval {

// [eval:formula]
double throughput_mbps(const StepTimes& s, std::uint32_t mtu) {
    // TODO(lab07): the paper's formula, MTU / (A + B + C + copy), in Mbit/s.
    // Which step does the paper leave out, and why? What should a path that
    // takes no time at all give?
    (void)s;
    (void)mtu;
    return 0;
}

StepTimes model_steps(const machine::CostModel& m, std::uint64_t copy_bytes) {
    return StepTimes{
        static_cast<double>(m.step_a().count()), static_cast<double>(m.step_b().count()),
        static_cast<double>(m.step_c().count()), static_cast<double>(m.copy(copy_bytes).count())};
}

double predicted_mbps(const machine::CostModel& model, std::uint64_t copy_bytes) {
    return throughput_mbps(model_steps(model, copy_bytes));
}
// [/eval:formula]

// [eval:summarize]
LoadSummary summarize_load_curve(const std::vector<LoadPoint>& curve) {
    LoadSummary s;
    // TODO(lab07): read the curve (its points may come in any order) and fill
    // in the four figures of LoadSummary -- see throughput_model.h. Careful
    // with "lossless up to": a point after the first loss that happens to
    // lose nothing does not count.
    (void)curve;
    return s;
}
// [/eval:summarize]

}  // namespace twinos::eval
