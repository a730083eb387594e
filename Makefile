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

.PHONY: all deps build install toolchains bench study quick plots baseline perf-check test test-cluster \
	test-sanitize \
	test-race fuzz clean

all: build

deps:
	@tools/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The binary, <ompscale/kernel.h>, the CMake package and pkg-config file
# for plugins, the plot stage and scripts under share/ompscale, the manual
# page: what a user's own kernels build against (docs/kernel-api.md).
PREFIX ?= /usr/local
install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

# TOOLCHAINS=gcc,clang,gcc+libomp runs the same plan under each toolchain in
# one run directory (the toolchain and runtime columns tell them apart):
# clang is a second build in CLANG_BUILD, linked with LLVM's libomp;
# gcc+libomp is the GCC build with libomp loaded in place of libgomp.
TOOLCHAINS ?=
CLANG_BUILD ?= build-clang
uses_llvm = $(or $(findstring clang,$(TOOLCHAINS)),$(findstring libomp,$(TOOLCHAINS)))
TOOLCHAIN_ARGS = $(if $(TOOLCHAINS),--toolchains $(TOOLCHAINS)) \
	$(if $(findstring clang,$(TOOLCHAINS)),--toolchain-binary clang=$(CLANG_BUILD)/ompscale)

toolchains:
ifneq ($(uses_llvm),)
	@tools/deps.sh llvm
endif
ifneq ($(findstring clang,$(TOOLCHAINS)),)
	@cmake -S . -B $(CLANG_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF $(CMAKE_ARGS) >/dev/null
	@cmake --build $(CLANG_BUILD) -j $(JOBS) --target ompscale
endif

# The full default sweep, then fits and pictures, within three minutes on any
# machine: the sweep gets BENCH_BUDGET and the plots the rest.  ARGS passes
# more options to 'ompscale run'.  Every series runs in the environment make
# was started with (OMP_PROC_BIND, OMP_PLACES and OMP_WAIT_POLICY left to the
# runtime unless set) and this build's toolchain, unless TOOLCHAINS is given,
# except the binding of the memory-bound kernels under BENCH_ENV.
# BENCH_ENV adds close against spread for the memory-bound kernels on a
# machine with more than one L3 domain or NUMA node (docs/reference.md).
BENCH_BUDGET ?= 150s
BENCH_ENV ?= --auto-environments

bench: build toolchains
	@$(BUILD)/ompscale list | grep -q '^mpi_' || echo "ompscale: built without MPI, so the \
	process kernels (mpi_*, spawn) are skipped; tools/deps.sh installs Open MPI, then rebuild" >&2
	$(BUILD)/ompscale run --budget $(BENCH_BUDGET) --out $(RUN) $(BENCH_ENV) $(TOOLCHAIN_ARGS) $(ARGS)
	@OMPSCALE=$(BUILD)/ompscale plots/plot.sh $(RUN)

# The cross product of the environment axes (bindings, places, wait
# policies, and TOOLCHAINS when given) with a larger budget; narrow it with
# ARGS, e.g. ARGS="--kernels copy,overhead_barrier".
STUDY_BUDGET ?= 1h
STUDY_RUN ?= results/study
STUDY_AXES ?= --bind close,spread,master,false --places cores,threads,ll_caches,numa_domains,sockets \
	--wait-policy active,passive

study: build toolchains
	$(BUILD)/ompscale run --budget $(STUDY_BUDGET) --out $(STUDY_RUN) $(STUDY_AXES) \
	  $(TOOLCHAIN_ARGS) $(ARGS)
	@OMPSCALE=$(BUILD)/ompscale plots/plot.sh $(STUDY_RUN)

# Fits (fit.csv) and pictures for an existing run directory.
plots: build
	@OMPSCALE=$(BUILD)/ompscale plots/plot.sh $(RUN)

# A smoke sweep of a few seconds.
quick: build toolchains
	$(BUILD)/ompscale run --quick --out $(RUN) $(TOOLCHAIN_ARGS) $(ARGS)

# The performance gate (docs/gate.md).  PERF_ARGS go to every
# sweep (default: perf-check's gate plan, --quick over the scaling and
# blocking kernels); BUDGET (5m) bounds the A/B rounds; INCONCLUSIVE=pass|fail says what
# an undecided configuration means.  make turns every failing recipe into
# exit 2, so the recipe prints compare's own code and leaves it in
# results/perf/exit-code; CI jobs that branch on 0/1/2/3 call
# tools/perf-check.sh directly.
PERF_ARGS ?=
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

# The multi-node tests again with Slurm and munge installed (as root): the
# namespace cluster's two nodes and fleet, and a real slurmctld and slurmd
# (docs/cluster.md).  make test runs them too, skipping what is missing.
test-cluster: build
	@tools/deps.sh cluster
	@cd $(BUILD) && ctest --output-on-failure -R '^(two_nodes|fleet|slurm)$$'

# Without MPI: Open MPI's own allocations outlive MPI_Finalize, which
# LeakSanitizer reports as leaks of ours; make test runs the process kernels.
test-sanitize: deps
	@cmake -S . -B $(SANITIZE) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DOMPSCALE_SANITIZE=ON -DOMPSCALE_MPI=OFF $(CMAKE_ARGS) >/dev/null
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
	rm -rf $(BUILD) $(SANITIZE) $(RACE) $(FUZZ) $(CLANG_BUILD)
