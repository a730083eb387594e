# Sums what Google Benchmark itself timed in one or more of its JSON files
# (gbench.json and a run directory's children/*.json): iterations x
# real_time over every iteration run that did not end in an error, in
# seconds.  machine.json's run.timed_s must agree with it.
# Usage: awk -f tools/gbench-timed.awk DIR/gbench.json [DIR/children/*.json]
function field(line) {
    sub(/^[^:]*: */, "", line)
    sub(/,? *$/, "", line)
    gsub(/"/, "", line)
    return line
}
/^ *"name":/ { iteration = 0; failed = 0; iters = 0; real = 0 }
/^ *"run_type":/ { iteration = field($0) == "iteration" }
/^ *"error_occurred":/ { failed = field($0) == "true" }
/^ *"iterations":/ { iters = field($0) + 0 }
/^ *"real_time":/ { real = field($0) + 0 }
/^ *"time_unit":/ {
    unit = field($0)
    scale = unit == "s" ? 1 : unit == "ms" ? 1e-3 : unit == "us" ? 1e-6 : 1e-9
    if (iteration && !failed)
        total += iters * real * scale
}
END { printf "%.6f\n", total }
