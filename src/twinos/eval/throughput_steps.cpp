// SPDX-License-Identifier: MIT
// The steps a cost model charges for one packet, and the prediction: the
// sec. 4.4 formula (throughput_model.cpp, lab 7) applied to them.
#include "twinos/eval/throughput_model.h"

namespace twinos::eval {

// [eval:model-steps]
StepTimes model_steps(const machine::CostModel& m, std::uint64_t copy_bytes) {
    return StepTimes{
        static_cast<double>(m.step_a().count()), static_cast<double>(m.step_b().count()),
        static_cast<double>(m.step_c().count()), static_cast<double>(m.copy(copy_bytes).count()),
        static_cast<double>(m.step_d().count())};
}

double predicted_mbps(const machine::CostModel& model, std::uint64_t copy_bytes) {
    return throughput_mbps(model_steps(model, copy_bytes));
}
// [/eval:model-steps]

}  // namespace twinos::eval
