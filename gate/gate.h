/*
 * The gate's internals, shared by its three files: compare.c reads the two
 * run directories, decide.c judges each configuration, report.c writes the
 * terminal table, compare.csv and compare.md.
 */
#ifndef OMPSCALE_GATE_H
#define OMPSCALE_GATE_H

#include <stddef.h>

#include <jansson.h>

#include "compare.h"
#include "key.h"
#include "runs_read.h"

/*
 * One configuration's rounds on one side.  A round's value is the fastest of
 * its repetitions: interference on a shared machine only ever adds time, so
 * the minimum is the statistic that A/A trials here showed to vary least
 * between processes (see docs/gate.md).
 */
struct omps_rounds {
    struct omps_key key;
    long *round;     /* ascending, distinct */
    double *seconds; /* each round's fastest verified repetition */
    double *probe;   /* each round's placement probe (NaN: none) */
    size_t count;
    int unverified;  /* a repetition failed verification */
    char fault[160]; /* "round 3: mpirun hung, killed": the first fault, or "" */
    long fault_round; /* its round; 0: not known (machine.json names none) */
};

struct omps_side {
    char dir[4096];
    json_t *machine;
    const char *state; /* machine.json's state; "complete" when it has none */
    struct omps_rounds *sets;
    size_t nsets;
    double others_busy; /* the median share of the CPUs other work took
                           during its batches (runs.csv); NaN: not measured */
};

/*
 * Reads DIR/runs.csv (through the shared reader, by column name) and
 * DIR/machine.json into s: each configuration's rounds with their probes,
 * whether a repetition failed verification, and the faults machine.json
 * names.  A file from before rounds counts each repetition as its own
 * round: the only unit it has.  The gate and the history (ompscale history
 * add) read a run this one way.  Returns OMPS_OK, or an error with err
 * naming the file; free with omps_gate_free_side either way.
 */
int omps_gate_load_side(struct omps_side *s, const char *dir, char *err, size_t err_len);

/* The set of key in s, added empty when s has none; NULL when out of
 * memory. */
struct omps_rounds *omps_gate_add_set(struct omps_side *s, const struct omps_key *key);

/* Adds one verified repetition to set: a new round, or a faster time for a
 * round already seen, with the probe taken before that repetition's visit
 * (the placement the round's value ran on).  Rows come in any order, so
 * rounds are kept sorted.  Returns OMPS_OK or OMPS_ENOMEM. */
int omps_gate_add_round(struct omps_rounds *set, long round, double seconds, double probe);
void omps_gate_free_side(struct omps_side *s);

/* One configuration's judgement. */
struct omps_judgement {
    const struct omps_rounds *base, *new; /* either may be NULL: missing */
    int paired;          /* signed-rank on paired rounds, else Mann-Whitney */
    size_t n_base, n_new; /* rounds used */
    size_t mismatched;    /* paired rounds left out: their probes show
                             different placements (threads >= 2) */
    double base_s, new_s; /* the median over those rounds of each side's values */
    double ratio, lo, hi; /* Hodges-Lehmann estimate of NEW/BASE, 95% interval */
    double p_beyond;      /* H0: NEW <= BASE (1 + threshold) */
    double p_beyond_holm;
    double p_within;      /* H0: NEW >= BASE (1 + threshold) */
    double detectable;    /* undecided: the slowdown this design could confirm */
    int look;             /* the look that decided it (1-based), 0: undecided */
    const char *verdict;  /* unverified, regression, faulted, missing,
                             inconclusive, improvement, unchanged, added */
    char reason[200];
};

/*
 * Judges every configuration of base against new, most severe first.
 * Returns 0 or OMPS_ENOMEM; the caller frees *out.
 */
int omps_gate_judge(const struct omps_side *base, const struct omps_side *new,
                    const struct omps_compare_options *o, struct omps_judgement **out,
                    size_t *count);

/* The exit code before --inconclusive, and the headline that explains it. */
int omps_gate_conclude(const struct omps_judgement *v, size_t k,
                       const struct omps_compare_options *o, const char *why_inconclusive,
                       char *headline, size_t len);

/* Prints the table on stdout. */
void omps_gate_print(const struct omps_judgement *v, size_t k);

/* Writes compare.csv and compare.md to dir, and appends the Markdown to
 * $GITHUB_STEP_SUMMARY when it is set; load, when not empty, is a line on
 * how busy other work kept each side's CPUs.  Every failure is a warning on
 * stderr; returns the number of files that could not be written. */
int omps_gate_write_reports(const char *dir, const struct omps_judgement *v, size_t k,
                            const char *headline, const char *load,
                            const struct omps_compare_options *o);

/* The load line for compare.md from the two sides' others_busy: empty
 * when neither was measured. */
void omps_gate_load_line(const struct omps_side *base, const struct omps_side *new, char *buf,
                         size_t len);

#endif
