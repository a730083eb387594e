/*
 * `ompscale compare BASE_DIR NEW_DIR`: the performance-regression gate.
 * Pairs configurations of two run directories and decides each: confirmed
 * slower than 1 + threshold, shown within it, or undecided.  The unit of
 * observation is the round: each round's fastest repetition.  When both
 * sides hold the same rounds (interleaved A/B rounds from
 * tools/perf-check.sh) the rounds are paired and tested with the Wilcoxon
 * signed-rank test; otherwise with the Mann-Whitney U test.  A configuration
 * that crashed, hung or could not start on either side (machine.json's
 * run.could_not_run, or a --faults file) is "faulted": undecided, with why.  Both test the
 * shifted hypothesis NEW against BASE x (1 + threshold), paired rounds on
 * different placements (runs.csv's probe_ns) left out; confirmed
 * regressions are Holm-corrected across configurations, and with --looks
 * the decisions are replayed look by look at alpha / 6 per look.
 */
#ifndef OMPSCALE_COMPARE_H
#define OMPSCALE_COMPARE_H

#include <stddef.h>

#include "options.h"

/* What an undecided configuration makes of the exit code. */
enum omps_inconclusive { OMPS_INCONCLUSIVE_EXIT3, OMPS_INCONCLUSIVE_PASS,
                         OMPS_INCONCLUSIVE_FAIL };

/* Looks of the sequential gate: at most this many, alpha / OMPS_MAX_LOOKS each. */
#define OMPS_MAX_LOOKS 6

struct omps_compare_options {
    const char *base_dir;
    const char *new_dir;
    const char *report_dir; /* NULL: new_dir */
    const char *faults;     /* --faults: a faults.tsv of tools/perf-check.sh, or NULL */
    double threshold;       /* a fraction: 0.05 for 5% */
    double alpha;
    int allow_different_machines;
    enum omps_inconclusive inconclusive;
    long looks[OMPS_MAX_LOOKS];          /* round counts after which the gate looked */
    size_t nlooks;          /* 0: one look at all the data, at alpha */
};

/* compare's options (core/options.h): what the parser accepts and the
 * usage shows. */
extern const struct omps_option omps_compare_option_table[];
extern const size_t omps_compare_option_count;

/* Parses the arguments after "compare".  Returns 0 or OMPS_EINVAL with err
 * naming the problem. */
int omps_parse_compare_args(int argc, char **argv,
                            struct omps_compare_options *opts, char *err,
                            size_t err_len);

/*
 * Runs the comparison, prints the table on stdout, writes compare.csv and
 * compare.md to the report directory (created, with its parents, before
 * anything is judged) and appends the Markdown to $GITHUB_STEP_SUMMARY when
 * set; a report that cannot be written is a warning and never changes the
 * verdict.  Returns the exit code: 0 pass, 1 a regression confirmed (or a
 * result failed verification), 2 bad input (the message names the file and
 * line), 3 undecided (within the data, a side missing configurations or
 * interrupted, or different machines), mapped by --inconclusive.
 */
int omps_compare(const struct omps_compare_options *opts);

#endif
