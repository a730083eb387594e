# A thin front for CMake: every target first makes sure the dependencies are
# installed (tools/deps.sh), then configures and builds in build/.
BUILD    ?= build
SANITIZE ?= build-sanitize
RACE     ?= build-race
FUZZ     ?= build-fuzz
FUZZ_SECONDS ?= 60
RUN      ?= results/latest
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: all deps build bench quick plots baseline perf-check test test-sanitize test-race fuzz clean

all: build

deps:
	@tools/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The full default sweep, then fits and pictures, within three minutes on any
# machine: the sweep gets BENCH_BUDGET and the plots the rest.  ARGS passes
# more options to 'ompscale run'.
BENCH_BUDGET ?= 150s

bench: build
	$(BUILD)/ompscale run --budget $(BENCH_BUDGET) --out $(RUN) $(ARGS)
	@OMPSCALE=$(BUILD)/ompscale plots/plot.sh $(RUN)

# Fits (fit.csv) and pictures for an existing run directory.
plots: build
	@OMPSCALE=$(BUILD)/ompscale plots/plot.sh $(RUN)

# A smoke sweep of a few seconds.
quick: build
	$(BUILD)/ompscale run --quick --out $(RUN) $(ARGS)

# The performance gate (README, "Performance gate").  PERF_ARGS go to every
# sweep; BUDGET (5m) bounds the A/B rounds; INCONCLUSIVE=pass|fail says what
# an undecided configuration means.  make turns every failing recipe into
# exit 2, so the recipe prints compare's own code and leaves it in
# results/perf/exit-code; CI jobs that branch on 0/1/2/3 call
# tools/perf-check.sh directly.
PERF_ARGS ?= --quick
BUDGET ?= 5m
GATE_ARGS = --budget $(BUDGET) $(if $(INCONCLUSIVE),--inconclusive $(INCONCLUSIVE))

baseline: build
	tools/perf-check.sh --record results/baseline $(PERF_ARGS)

perf-check: build
	@code=0; tools/perf-check.sh $(GATE_ARGS) $(if $(BASE),--base $(BASE),--baseline results/baseline) \
	  $(PERF_ARGS) || code=$$?; mkdir -p results/perf; echo $$code >results/perf/exit-code; \
	  echo "perf-check: compare exited $$code (also in results/perf/exit-code)"; exit $$code

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-sanitize: deps
	@cmake -S . -B $(SANITIZE) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DOMPSCALE_SANITIZE=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build $(SANITIZE) -j $(JOBS)
	@cd $(SANITIZE) && ctest --output-on-failure -j $(JOBS)

# Every kernel at 2 threads under ThreadSanitizer with Archer (clang and
# LLVM's OpenMP runtime), and a deliberately racy kernel that must be caught.
test-race:
	@tools/deps.sh llvm
	@cmake -S . -B $(RACE) -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOMPSCALE_NATIVE=OFF -DOMPSCALE_RACE=ON >/dev/null
	@cmake --build $(RACE) -j $(JOBS)
	@tests/race.sh $(RACE)/race_kernels

# The readers and option parsers under libFuzzer with ASan and UBSan (clang),
# FUZZ_SECONDS per target; see tools/fuzz.sh.
fuzz:
	@tools/deps.sh llvm
	@cmake -S . -B $(FUZZ) -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOMPSCALE_NATIVE=OFF -DOMPSCALE_FUZZ=ON \
	  -DBUILD_TESTING=OFF >/dev/null
	@cmake --build $(FUZZ) -j $(JOBS)
	@tools/fuzz.sh $(FUZZ) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(SANITIZE) $(RACE) $(FUZZ)
