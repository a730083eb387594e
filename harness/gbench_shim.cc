// The only C++ in ompscale: Google Benchmark behind extern "C" functions.
#include "gbench_shim.h"

#include <benchmark/benchmark.h>

#include <fstream>
#include <memory>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

extern "C" {
#include "../kernels/errors.h"
}

namespace {

struct Entry {
    std::string name;
    void *ctx;
    omps_gb_options options;
    std::string failure;  // the last verification failure, if any
};

// Forwards everything to Google Benchmark's own JSON reporter, unmodified,
// and hands each configuration's repetitions to the C side.
class Reporter : public benchmark::BenchmarkReporter {
   public:
    Reporter(omps_gb *gb, std::ostream *json) : gb_(gb) {
        json_.SetOutputStream(json);
        json_.SetErrorStream(json);
    }
    bool ReportContext(const Context &context) override {
        return json_.ReportContext(context);
    }
    void ReportRuns(const std::vector<Run> &runs) override;
    void Finalize() override { json_.Finalize(); }

   private:
    omps_gb *gb_;
    benchmark::JSONReporter json_;
};

}  // namespace

struct omps_gb {
    omps_gb_hooks hooks;
    std::string argv0;
    std::string json_path;
    std::vector<Entry> entries;
    std::unordered_map<std::string, size_t> by_name;
};

namespace {

void Reporter::ReportRuns(const std::vector<Run> &runs) {
    json_.ReportRuns(runs);
    if (runs.empty()) return;
    auto it = gb_->by_name.find(runs[0].run_name.function_name);
    if (it == gb_->by_name.end()) return;
    Entry &entry = gb_->entries[it->second];
    std::vector<double> seconds;
    std::vector<int> verified;
    std::string error;
    for (const Run &run : runs) {
        if (run.error_occurred) {
            error = run.error_message;
            continue;
        }
        if (run.run_type != Run::RT_Iteration || run.iterations <= 0) continue;
        seconds.push_back(run.real_accumulated_time /
                          static_cast<double>(run.iterations));
        auto v = run.counters.find("verified");
        verified.push_back(v != run.counters.end() && v->second.value == 1.0);
    }
    // Google Benchmark reports the aggregates (mean, median, ...) in a
    // second call; ompscale computes its own statistics from repetitions.
    if (seconds.empty() && error.empty()) return;
    omps_gb_result result = {static_cast<int>(seconds.size()), seconds.data(),
                             verified.data(),
                             entry.failure.empty() ? nullptr : entry.failure.c_str(),
                             error.empty() ? nullptr : error.c_str()};
    gb_->hooks.report(entry.ctx, &result);
}

// The benchmark body: begin, the timed loop, then verification.
void RunEntry(benchmark::State &state, omps_gb *gb, size_t index) {
    Entry &entry = gb->entries[index];
    const omps_gb_hooks &h = gb->hooks;
    char why[512] = "";
    if (h.stop(entry.ctx)) {
        state.SkipWithError("interrupted");
        return;
    }
    if (h.begin(entry.ctx, why, sizeof why) != 0) {
        state.SkipWithError(why);
        return;
    }
    for (auto _ : state) {
        if (entry.options.has_prepare) {
            state.PauseTiming();
            h.prepare(entry.ctx);
            state.ResumeTiming();
        }
        h.body(entry.ctx);
        if (h.stop(entry.ctx)) {
            state.SkipWithError("interrupted");
            break;
        }
    }
    // An interrupted batch is discarded whole; there is nothing to verify.
    if (state.error_occurred()) return;
    const int ok = h.end(entry.ctx, why, sizeof why);
    if (!ok) entry.failure = why;
    const double iterations = static_cast<double>(state.iterations());
    state.counters["verified"] = ok ? 1.0 : 0.0;
    if (entry.options.flops > 0)
        state.counters["FLOP/s"] = benchmark::Counter(
            entry.options.flops * iterations, benchmark::Counter::kIsRate);
    if (entry.options.bytes > 0)
        state.SetBytesProcessed(
            static_cast<int64_t>(entry.options.bytes * iterations));
    if (entry.options.items > 0)
        state.SetItemsProcessed(
            static_cast<int64_t>(entry.options.items * iterations));
}

}  // namespace

extern "C" int omps_gb_create(omps_gb **out, const char *argv0,
                              const char *json_path,
                              const omps_gb_hooks *hooks) {
    omps_gb *gb = new (std::nothrow) omps_gb();
    if (gb == nullptr) return OMPS_ENOMEM;
    try {
        gb->hooks = *hooks;
        gb->argv0 = argv0;
        gb->json_path = json_path;
    } catch (...) {
        delete gb;
        return OMPS_ENOMEM;
    }
    *out = gb;
    return OMPS_OK;
}

extern "C" int omps_gb_register(omps_gb *gb, const char *name, void *ctx,
                                const omps_gb_options *options) {
    try {
        const size_t index = gb->entries.size();
        gb->entries.push_back(Entry{name, ctx, *options, std::string()});
        gb->by_name[name] = index;
        benchmark::internal::Benchmark *b = benchmark::RegisterBenchmark(
            name, [gb, index](benchmark::State &st) { RunEntry(st, gb, index); });
        b->UseRealTime()
            ->Unit(benchmark::kMillisecond)
            ->MinTime(options->min_time)
            ->MinWarmUpTime(options->min_warmup_time)
            ->Repetitions(options->repetitions)
            ->ReportAggregatesOnly(false);
    } catch (...) {
        return OMPS_ENOMEM;
    }
    return OMPS_OK;
}

extern "C" int omps_gb_run(omps_gb *gb) {
    try {
        // Google Benchmark reads its flags once; only the executable name
        // is passed, so its command-line flags cannot leak in.
        std::string argv0 = gb->argv0;
        char *argv[] = {&argv0[0], nullptr};
        int argc = 1;
        benchmark::Initialize(&argc, argv);
        std::ofstream json(gb->json_path);
        if (!json) return OMPS_EIO;
        Reporter reporter(gb, &json);
        benchmark::RunSpecifiedBenchmarks(&reporter);
        json.flush();
        return json ? OMPS_OK : OMPS_EIO;
    } catch (...) {
        return OMPS_ENOMEM;
    }
}

extern "C" void omps_gb_destroy(omps_gb *gb) {
    if (gb == nullptr) return;
    benchmark::ClearRegisteredBenchmarks();
    delete gb;
}
