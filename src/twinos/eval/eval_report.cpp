// SPDX-License-Identifier: MIT
// Writing the evaluation's CSV and JSON files.
#include "twinos/eval/eval_report.h"

#include <algorithm>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

namespace twinos::eval {

namespace {

using nlohmann::json;

json optional_json(const std::optional<double>& v);

json spread_json(const Spread& s) {
    return json{{"min_ns", s.min_ns},
                {"mean_ns", s.mean_ns},
                {"max_ns", s.max_ns},
                {"median_ns", optional_json(s.median_ns)},
                {"p99_ns", optional_json(s.p99_ns)}};
}

json optional_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::string csv_optional(const std::optional<double>& v) {
    if (!v) return {};
    std::ostringstream s;
    s << *v;
    return s.str();
}

json step_json(const StepFigures& f) {
    if (!f.exists) return nullptr;
    return json{{"paper_us", optional_json(f.paper_us)},
                {"model_ns", f.model_ns},
                {"host", spread_json(f.host)},
                {"host_samples", f.samples}};
}

json point_json(const LoadPoint& p) {
    return json{{"offered_mbps", p.offered_mbps},
                {"delivered_mbps", p.delivered_mbps},
                {"offered", p.offered},
                {"delivered", p.delivered},
                {"lost", p.lost},
                {"captured", p.captured},
                {"interrupts", p.interrupts},
                {"irq_switches", p.irq_switches},
                {"return_switches", p.return_switches},
                {"interrupts_while_coexisting", p.interrupts_while_coexisting},
                {"packets_per_interrupt", p.packets_per_interrupt}};
}

json summary_json(const std::vector<LoadPoint>& curve) {
    const LoadSummary s = summarize_load_curve(curve);
    return json{{"saturation_mbps", s.saturation_mbps},
                {"lossless_up_to_mbps", s.lossless_up_to_mbps},
                {"first_loss_at_mbps", s.first_loss_at_mbps},
                {"one_interrupt_per_packet_up_to_mbps", s.one_interrupt_per_packet_up_to_mbps},
                {"delivered_at_max_offered_mbps", s.delivered_at_max_offered_mbps}};
}

// The load curves: the name the files give each, the name people read.
struct Curve {
    const char* name;
    const char* label;
    const std::vector<LoadPoint>* points;
};
std::array<Curve, 2> load_curves(const EvalResults& r) {
    return {
        {{"pseudo_nic", "pseudo NIC", &r.load_pseudo}, {"original", "original", &r.load_original}}};
}

// Opens `name` in `dir` or throws naming it.
std::ofstream open_out(const std::filesystem::path& dir, const char* name) {
    std::ofstream out(dir / name);
    if (!out) throw std::runtime_error("cannot write " + (dir / name).string());
    return out;
}

void check_written(std::ofstream& out, const std::filesystem::path& dir, const char* name,
                   EvalFiles& files) {
    out.flush();
    if (!out) throw std::runtime_error("error writing " + (dir / name).string());
    files.written.push_back(name);
}

// [eval:stale-tables]
// A table this run did not measure must not stay behind from an earlier
// run: eval.json describes this run only, and the plots read the CSVs.
void remove_stale(const std::filesystem::path& dir, EvalFiles& files) {
    for (const char* name : {"table1.csv", "fig7.csv", "load.csv"}) {
        if (std::find(files.written.begin(), files.written.end(), name) != files.written.end())
            continue;
        std::error_code ec;
        if (std::filesystem::remove(dir / name, ec)) files.removed.push_back(name);
        if (ec)
            throw std::runtime_error("cannot remove stale " + (dir / name).string() + ": " +
                                     ec.message());
    }
}
// [/eval:stale-tables]

}  // namespace

EvalFiles write_eval_files(const EvalResults& r, const std::filesystem::path& dir) {
    EvalFiles files;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create " + dir.string() + ": " + ec.message());

    json all;
    all["host"] = {{"cpu", r.host.cpu},
                   {"cores", r.host.cores},
                   {"compiler", r.host.compiler},
                   {"date", r.host.date}};
    json costs;
    for (const std::string& name : machine::cost_names())
        costs[name + "_ns"] = machine::get_cost(r.costs, name).count();
    all["cost_model"] = costs;

    if (r.table1) {
        const Table1& t = *r.table1;
        auto out = open_out(dir, "table1.csv");
        out << "step,name,configuration,paper_us,model_ns,host_min_ns,host_mean_ns,host_max_ns,"
               "host_samples\n";
        json rows = json::array();
        for (const Table1Row& row : t.rows) {
            for (const auto& [config, f] :
                 {std::pair{"original", &row.original}, std::pair{"pseudo_nic", &row.pseudo}}) {
                if (!f->exists) continue;
                out << row.step << ',' << row.name << ',' << config << ','
                    << csv_optional(f->paper_us) << ',' << f->model_ns << ',' << f->host.min_ns
                    << ',' << f->host.mean_ns << ',' << f->host.max_ns << ',' << f->samples << '\n';
            }
            rows.push_back({{"step", row.step},
                            {"name", row.name},
                            {"original", step_json(row.original)},
                            {"pseudo_nic", step_json(row.pseudo)}});
        }
        check_written(out, dir, "table1.csv", files);
        all["table1"] = {{"packets", t.packets},
                         {"frame_bytes", t.frame_bytes},
                         {"rows", rows},
                         {"model_total_original_ns", t.model_total_original_ns()},
                         {"model_total_pseudo_nic_ns", t.model_total_pseudo_ns()},
                         {"host_total_original_ns", t.host_total_original_ns()},
                         {"host_total_pseudo_nic_ns", t.host_total_pseudo_ns()},
                         {"trapped_io_host", spread_json(t.trapped_io_host)},
                         {"trapped_io_samples", t.trapped_io_samples},
                         {"interrupts_while_preceding", t.interrupts_while_preceding},
                         {"interrupts_while_coexisting", t.interrupts_while_coexisting}};
    }
    if (!r.fig7.empty()) {
        auto out = open_out(dir, "fig7.csv");
        out << "length,host_ring_min_ns,host_ring_median_ns,host_ring_p99_ns,host_ring_mean_ns,"
               "host_ring_max_ns,host_memcpy_min_ns,host_memcpy_median_ns,host_memcpy_p99_ns,"
               "host_memcpy_mean_ns,host_memcpy_max_ns,model_ns\n";
        json rows = json::array();
        for (const CopyRow& c : r.fig7) {
            const auto model = r.costs.copy(c.length).count();
            out << c.length;
            for (const Spread* s : {&c.ring, &c.memcpy}) {
                out << ',' << s->min_ns << ',' << csv_optional(s->median_ns) << ','
                    << csv_optional(s->p99_ns) << ',' << s->mean_ns << ',' << s->max_ns;
            }
            out << ',' << model << '\n';
            rows.push_back({{"length", c.length},
                            {"ring", spread_json(c.ring)},
                            {"memcpy", spread_json(c.memcpy)},
                            {"model_ns", model}});
        }
        check_written(out, dir, "fig7.csv", files);
        all["fig7"] = {{"clock_overhead_ns", r.clock_overhead_ns}, {"rows", rows}};
    }
    {
        auto out = open_out(dir, "throughput.csv");
        out << "copy_bytes,paper_mbps,model_mbps,host_mbps\n";
        json rows = json::array();
        for (const ThroughputRow& t : r.throughput) {
            out << t.copy_bytes << ',' << csv_optional(t.paper_mbps) << ',' << t.model_mbps << ','
                << csv_optional(t.host_mbps) << '\n';
            rows.push_back({{"copy_bytes", t.copy_bytes},
                            {"paper_mbps", optional_json(t.paper_mbps)},
                            {"model_mbps", t.model_mbps},
                            {"host_mbps", optional_json(t.host_mbps)}});
        }
        check_written(out, dir, "throughput.csv", files);
        all["throughput"] = rows;
    }
    if (!r.load_pseudo.empty() || !r.load_original.empty()) {
        auto out = open_out(dir, "load.csv");
        out << "configuration,offered_mbps,delivered_mbps,offered,delivered,lost,captured,"
               "interrupts,irq_switches,return_switches,interrupts_while_coexisting,"
               "packets_per_interrupt\n";
        for (const auto& [config, label, curve] : load_curves(r)) {
            for (const LoadPoint& p : *curve) {
                out << config << ',' << p.offered_mbps << ',' << p.delivered_mbps << ','
                    << p.offered << ',' << p.delivered << ',' << p.lost << ',' << p.captured << ','
                    << p.interrupts << ',' << p.irq_switches << ',' << p.return_switches << ','
                    << p.interrupts_while_coexisting << ',' << p.packets_per_interrupt << '\n';
            }
        }
        check_written(out, dir, "load.csv", files);
        json load;
        load["frames_per_point"] = r.load_options.frames_per_point;
        load["copy_bytes"] = r.load_options.copy_bytes;
        load["frame_bytes"] = kLoadFrameBytes;
        load["predicted_mbps"] = predicted_mbps(r.costs, r.load_options.copy_bytes);
        for (const auto& [config, label, curve] : load_curves(r)) {
            json points = json::array();
            for (const LoadPoint& p : *curve) points.push_back(point_json(p));
            load[config] = {{"points", points}, {"summary", summary_json(*curve)}};
        }
        all["load"] = load;
    }
    auto out = open_out(dir, "eval.json");
    out << all.dump(2) << '\n';
    check_written(out, dir, "eval.json", files);
    remove_stale(dir, files);
    return files;
}

void print_eval_summary(const EvalResults& r, std::ostream& out) {
    char line[256];
    out << "host    " << r.host.cpu << ", " << r.host.cores << " threads, " << r.host.compiler
        << ", " << r.host.date << '\n';
    if (r.table1) {
        // One column per figure; "-" where the paper or the configuration has no such step.
        auto cell = [](bool present, double value, int decimals) {
            char text[32] = "-";
            if (present) std::snprintf(text, sizeof text, "%.*f", decimals, value);
            return std::string(text);
        };
        out << "table 1 (us)               paper orig  paper pNIC  model orig  model pNIC   "
               "host orig   host pNIC\n";
        for (const Table1Row& row : r.table1->rows) {
            const StepFigures& o = row.original;
            const StepFigures& p = row.pseudo;
            std::snprintf(line, sizeof line, "  (%s) %-24s %10s  %10s  %10s  %10s  %10s  %10s\n",
                          row.step.c_str(), row.name.c_str(),
                          cell(o.paper_us.has_value(), o.paper_us.value_or(0), 2).c_str(),
                          cell(p.paper_us.has_value(), p.paper_us.value_or(0), 2).c_str(),
                          cell(o.exists, o.model_ns / 1000, 2).c_str(),
                          cell(p.exists, p.model_ns / 1000, 2).c_str(),
                          cell(o.exists, o.host.mean_ns / 1000, 3).c_str(),
                          cell(p.exists, p.host.mean_ns / 1000, 3).c_str());
            out << line;
        }
    }
    for (const CopyRow& c : r.fig7) {
        if (c.length != 53 && c.length != 1536) continue;
        std::snprintf(
            line, sizeof line,
            "fig 7   %4u B: ring copy min/median/p99/mean/max %.0f/%.0f/%.0f/%.0f/%.0f ns, "
            "memcpy median %.0f ns (model %.0f ns, paper %s)\n",
            c.length, c.ring.min_ns, c.ring.median_ns.value_or(0), c.ring.p99_ns.value_or(0),
            c.ring.mean_ns, c.ring.max_ns, c.memcpy.median_ns.value_or(0),
            double(r.costs.copy(c.length).count()), c.length == 53 ? "370 ns" : "1010 ns");
        out << line;
    }
    for (const ThroughputRow& t : r.throughput) {
        if (t.copy_bytes != 53 && t.copy_bytes != 1536) continue;
        std::snprintf(
            line, sizeof line, "sec 4.4 %4u B copy: paper %.0f, model %.0f, host %s Mbit/s\n",
            t.copy_bytes, t.paper_mbps.value_or(0), t.model_mbps,
            t.host_mbps ? std::to_string(static_cast<long long>(*t.host_mbps)).c_str() : "-");
        out << line;
    }
    for (const auto& [config, label, curve] : load_curves(r)) {
        if (curve->empty()) continue;
        const LoadSummary s = summarize_load_curve(*curve);
        char losses[96];
        if (s.first_loss_at_mbps == 0) {
            std::snprintf(losses, sizeof losses, "no loss at any offered load (up to %.0f)",
                          s.lossless_up_to_mbps);
        } else if (s.lossless_up_to_mbps == 0) {
            std::snprintf(losses, sizeof losses, "loses from the lowest load (%.0f) on",
                          s.first_loss_at_mbps);
        } else {
            std::snprintf(losses, sizeof losses, "lossless up to %.0f, first loss at %.0f",
                          s.lossless_up_to_mbps, s.first_loss_at_mbps);
        }
        std::snprintf(line, sizeof line,
                      "load    %-10s one interrupt per packet up to %.0f Mbit/s, saturates at "
                      "%.0f, %s, %.0f delivered at %.0f offered\n",
                      label, s.one_interrupt_per_packet_up_to_mbps, s.saturation_mbps, losses,
                      s.delivered_at_max_offered_mbps, curve->back().offered_mbps);
        out << line;
    }
}

}  // namespace twinos::eval
