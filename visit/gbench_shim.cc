// The only C++ in ompscale: Google Benchmark behind extern "C" functions.
#include "gbench_shim.h"

#include <benchmark/benchmark.h>

#include <fstream>
#include <new>
#include <string>
#include <vector>

extern "C" {
#include "errors.h"
}

namespace {

// The batch being timed.
struct Batch {
    void *ctx;
    omps_gb_options options;
    std::string failure;  // the last verification failure, if any
};

// Forwards to Google Benchmark's own JSON reporter, unmodified, so that the
// batches of a whole sweep form one JSON document, and hands each batch's
// repetitions to the C side.
class Reporter : public benchmark::BenchmarkReporter {
   public:
    Reporter(omps_gb *gb, std::ostream *json) : gb_(gb) {
        json_.SetOutputStream(json);
        json_.SetErrorStream(json);
    }
    // Google Benchmark reports its context once per batch; the document
    // holds it once.
    bool ReportContext(const Context &context) override {
        if (context_written_) return true;
        context_written_ = true;
        return json_.ReportContext(context);
    }
    void ReportRuns(const std::vector<Run> &runs) override;
    // Google Benchmark finalizes after every batch; the document is closed
    // once, by omps_gb_finish.
    void Finalize() override {}
    // A run with nothing left to time (a resumed run that was done) still
    // gets a whole document: the context and no benchmarks.
    void Close() {
        if (!context_written_) ReportContext(Context());
        json_.Finalize();
    }

   private:
    omps_gb *gb_;
    benchmark::JSONReporter json_;
    bool context_written_ = false;
};

}  // namespace

struct omps_gb {
    omps_gb_hooks hooks;
    std::ofstream json;
    Reporter *reporter = nullptr;
    Batch batch;
};

namespace {

void Reporter::ReportRuns(const std::vector<Run> &runs) {
    json_.ReportRuns(runs);
    std::vector<double> seconds;
    std::vector<int> verified;
    std::string error;
    long iterations = 0;
    for (const Run &run : runs) {
        if (run.error_occurred) {
            error = run.error_message;
            continue;
        }
        if (run.run_type != Run::RT_Iteration || run.iterations <= 0) continue;
        iterations = static_cast<long>(run.iterations);
        seconds.push_back(run.real_accumulated_time /
                          static_cast<double>(run.iterations));
        auto v = run.counters.find("verified");
        verified.push_back(v != run.counters.end() && v->second.value == 1.0);
    }
    // Aggregates (mean, median, ...) come in a second call; ompscale
    // computes its own statistics from repetitions.
    if (seconds.empty() && error.empty()) return;
    const Batch &b = gb_->batch;
    omps_gb_result result = {static_cast<int>(seconds.size()), iterations,
                             seconds.data(), verified.data(),
                             b.failure.empty() ? nullptr : b.failure.c_str(),
                             error.empty() ? nullptr : error.c_str()};
    gb_->hooks.report(b.ctx, &result);
}

void SetCounters(benchmark::State &state, const omps_gb_options &o) {
    const double iterations = static_cast<double>(state.iterations());
    if (o.flops > 0)
        state.counters["FLOP/s"] =
            benchmark::Counter(o.flops * iterations, benchmark::Counter::kIsRate);
    if (o.bytes > 0)
        state.SetBytesProcessed(static_cast<int64_t>(o.bytes * iterations));
    if (o.items > 0)
        state.SetItemsProcessed(static_cast<int64_t>(o.items * iterations));
}

// The benchmark body: begin, the timed loop, then verification.
void RunBatch(benchmark::State &state, omps_gb *gb) {
    Batch &batch = gb->batch;
    const omps_gb_hooks &h = gb->hooks;
    char why[512] = "";
    if (h.stop(batch.ctx)) {
        state.SkipWithError("interrupted");
        return;
    }
    if (h.begin(batch.ctx, static_cast<long>(state.max_iterations), why, sizeof why) != 0) {
        state.SkipWithError(why);
        return;
    }
    for (auto _ : state) {
        if (batch.options.has_prepare) {
            state.PauseTiming();
            h.prepare(batch.ctx);
            state.ResumeTiming();
        }
        h.body(batch.ctx);
        if (h.stop(batch.ctx)) {
            state.SkipWithError("interrupted");
            break;
        }
    }
    // An interrupted batch is discarded whole; there is nothing to verify.
    if (state.error_occurred()) return;
    const int ok = h.end(batch.ctx, why, sizeof why);
    if (!ok) batch.failure = why;
    state.counters["verified"] = ok ? 1.0 : 0.0;
    SetCounters(state, batch.options);
}

// Google Benchmark reads its flags from the command line and, for flags not
// given there, from BENCHMARK_* variables.  Every flag that could change what
// runs or where results go is given here, so the environment cannot.
void InitializeFlags(const char *argv0) {
    static std::string args[] = {
        argv0,
        "--benchmark_filter=all",
        "--benchmark_list_tests=false",
        "--benchmark_out=",
        "--benchmark_repetitions=1",
        "--benchmark_enable_random_interleaving=false",
        "--benchmark_report_aggregates_only=false",
        "--benchmark_display_aggregates_only=false",
        "--benchmark_min_warmup_time=0",
        "--benchmark_perf_counters=",
    };
    static std::vector<char *> argv;
    argv.clear();
    for (std::string &a : args) argv.push_back(&a[0]);
    int argc = static_cast<int>(argv.size());
    argv.push_back(nullptr);
    benchmark::Initialize(&argc, argv.data());
}

}  // namespace

extern "C" int omps_gb_create(omps_gb **out, const char *argv0,
                              const char *json_path,
                              const omps_gb_hooks *hooks) {
    omps_gb *gb = new (std::nothrow) omps_gb();
    if (gb == nullptr) return OMPS_ENOMEM;
    try {
        gb->hooks = *hooks;
        gb->json.open(json_path);
        if (!gb->json) {
            delete gb;
            return OMPS_EIO;
        }
        gb->reporter = new Reporter(gb, &gb->json);
        InitializeFlags(argv0);
    } catch (...) {
        delete gb->reporter;
        delete gb;
        return OMPS_ENOMEM;
    }
    *out = gb;
    return OMPS_OK;
}

extern "C" int omps_gb_run_batch(omps_gb *gb, const char *name, void *ctx,
                                 const omps_gb_options *options) {
    try {
        gb->batch = Batch{ctx, *options, std::string()};
        benchmark::internal::Benchmark *b = benchmark::RegisterBenchmark(
            name, [gb](benchmark::State &st) { RunBatch(st, gb); });
        b->UseRealTime()->Unit(benchmark::kMillisecond)->Repetitions(
            options->repetitions);
        if (options->iterations > 0)
            b->Iterations(options->iterations);
        else
            b->MinTime(options->min_time);
        benchmark::RunSpecifiedBenchmarks(gb->reporter);
        benchmark::ClearRegisteredBenchmarks();
    } catch (...) {
        benchmark::ClearRegisteredBenchmarks();
        return OMPS_ENOMEM;
    }
    return OMPS_OK;
}

extern "C" int omps_gb_finish(omps_gb *gb) {
    try {
        gb->reporter->Close();
        gb->json.flush();
        return gb->json ? OMPS_OK : OMPS_EIO;
    } catch (...) {
        return OMPS_EIO;
    }
}

extern "C" void omps_gb_destroy(omps_gb *gb) {
    if (gb == nullptr) return;
    delete gb->reporter;
    delete gb;
}
