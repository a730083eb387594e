/*
 * `ompscale compare BASE_DIR NEW_DIR`: the performance-regression gate.
 * Pairs configurations of two run directories and, for each, estimates the
 * ratio of medians NEW/BASE with a 95% Hodges-Lehmann interval, tests for a
 * slowdown with a one-sided Mann-Whitney U test, and corrects across all
 * configurations with Holm's method.  A regression is confirmed only when
 * the corrected p-value is below alpha and the whole interval lies above
 * 1 + threshold.
 */
#ifndef OMPSCALE_COMPARE_H
#define OMPSCALE_COMPARE_H

#include <stddef.h>

struct omps_compare_options {
    const char *base_dir;
    const char *new_dir;
    const char *report_dir; /* NULL: new_dir */
    double threshold;       /* a fraction: 0.05 for 5% */
    double alpha;
    int allow_different_machines;
};

/* Parses the arguments after "compare".  Returns 0 or OMPS_EINVAL with err
 * naming the problem. */
int omps_parse_compare_args(int argc, char **argv,
                            struct omps_compare_options *opts, char *err,
                            size_t err_len);

/*
 * Runs the comparison, prints the table on stdout, writes compare.csv and
 * compare.md to the report directory (and appends the Markdown to
 * $GITHUB_STEP_SUMMARY when set).  Returns the exit code: 0 no regression,
 * 1 a regression confirmed (or a result failed verification), 2 bad input
 * (the message names the file and line), 3 inconclusive.
 */
int omps_compare(const struct omps_compare_options *opts);

#endif
