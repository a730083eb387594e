/*
 * The columns of runs.csv, summary.csv, the --dry-run plan, compare.csv,
 * fit.csv, pictures.csv, headline.csv, advice.csv, fleet.csv and changes.csv: one X-macro
 * list per file, in the order the file is written,
 * which is the contract (../shared/DESIGN.md).  Each entry is
 * X(name, type, value):
 *   name   the column's header;
 *   type   how the value is written: TEXT (quoted when it must be), UINT,
 *          INT, NUMBER (17 significant digits; empty unless finite), PROBE (one
 *          decimal; empty unless finite), POSITIVE (empty unless > 0) or
 *          NONNEGATIVE (empty when < 0);
 *   value  the expression that gives it from `row`, the file's row struct
 *          (struct omps_run_row, struct omps_summary_row, struct omps_key,
 *          struct omps_judgement, struct omps_fit_row, struct omps_picture,
 *          struct omps_headline_row, struct omps_advice_row).
 * The headers, the writers (csv_write.c), the readers' column look-ups
 * (below) and the format test's expected headers are generated from these
 * lists, so adding a column is one line here plus its computation.
 */
#ifndef OMPSCALE_COLUMNS_H
#define OMPSCALE_COLUMNS_H

/* The configuration key of K, a const struct omps_key *. */
#define OMPS_KEY_COLUMNS(X, K)                                                 \
    X(kernel, TEXT, (K)->kernel->name)                                         \
    X(params, TEXT, (K)->params_text)                                          \
    X(n, UINT, (K)->n)                                                         \
    X(threads, INT, (K)->threads)                                              \
    X(schedule, TEXT, omps_schedule_name((K)->schedule.kind))                  \
    X(chunk, INT, (K)->schedule.chunk)

/* K's environment: one column per axis (env.h). */
#define OMPS_AXIS_COLUMNS(X, K)                                                \
    X(bind, TEXT, omps_env_value(OMPS_AXIS_BIND, (K)->env.value[OMPS_AXIS_BIND])) \
    X(places, TEXT, omps_env_value(OMPS_AXIS_PLACES, (K)->env.value[OMPS_AXIS_PLACES])) \
    X(wait_policy, TEXT, omps_env_value(OMPS_AXIS_WAIT, (K)->env.value[OMPS_AXIS_WAIT])) \
    X(toolchain, TEXT,                                                         \
      omps_env_value(OMPS_AXIS_TOOLCHAIN, (K)->env.value[OMPS_AXIS_TOOLCHAIN]))

/* K's environment, and the runtime its rows ran under. */
#define OMPS_ENV_COLUMNS(X, K, RUNTIME)                                        \
    OMPS_AXIS_COLUMNS(X, K)                                                    \
    X(runtime, TEXT, (RUNTIME) != NULL ? (RUNTIME) : "")

/* The whole key of K: its configuration, environment and ranks (the
 * columns core/key_read.c reads a key from). */
#define OMPS_WHOLE_KEY_COLUMNS(X, K)                                           \
    OMPS_KEY_COLUMNS(X, K)                                                     \
    OMPS_AXIS_COLUMNS(X, K)                                                    \
    X(ranks, INT, omps_key_ranks(K))

/* run --dry-run's plan on stdout: one row per configuration (row is a
 * const struct omps_key *). */
#define OMPS_PLAN_COLUMNS(X) OMPS_WHOLE_KEY_COLUMNS(X, row)

/* runs.csv: one row per timed repetition (struct omps_run_row). */
#define OMPS_RUNS_COLUMNS(X)                                                   \
    OMPS_KEY_COLUMNS(X, row->key)                                              \
    X(repetition, INT, row->repetition)                                        \
    X(seconds, NUMBER, row->seconds)                                           \
    X(verified, INT, row->verified)                                            \
    X(oversubscribed, INT, row->oversubscribed)                                \
    X(round, INT, row->round)                                                  \
    X(probe_ns, PROBE, row->probe_ns)                                          \
    OMPS_ENV_COLUMNS(X, row->key, row->runtime)                                \
    X(result, NUMBER, row->result)                                             \
    X(ranks, INT, omps_key_ranks(row->key))                                    \
    X(others_busy, NUMBER, row->others_busy)                                   \
    X(user_s, NUMBER, row->use.user_s)                                         \
    X(system_s, NUMBER, row->use.system_s)                                     \
    X(cpus, NUMBER, row->use.cpus)                                             \
    X(max_rss_kb, NONNEGATIVE, row->use.max_rss_kb)                            \
    X(threads_seen, POSITIVE, row->use.threads_seen)                           \
    X(exit_status, NONNEGATIVE, row->use.exit_status)

/* summary.csv: one row per configuration (struct omps_summary_row). */
#define OMPS_SUMMARY_COLUMNS(X)                                                \
    OMPS_KEY_COLUMNS(X, &row->key)                                             \
    X(repetitions, UINT, row->stats.count)                                     \
    X(median_s, NUMBER, row->stats.median)                                     \
    X(mean_s, NUMBER, row->stats.mean)                                         \
    X(stddev_s, NUMBER, row->stats.stddev)                                     \
    X(cv, NUMBER, row->stats.cv)                                               \
    X(min_s, NUMBER, row->stats.min)                                           \
    X(max_s, NUMBER, row->stats.max)                                           \
    X(speedup, NUMBER, row->speedup)                                           \
    X(efficiency, NUMBER, row->efficiency)                                     \
    X(karp_flatt, NUMBER, row->karp_flatt)                                     \
    X(rate, NUMBER, row->rate)                                                 \
    X(rate_unit, TEXT, omps_unit_name(row->key.kernel->unit))                  \
    X(copy_fraction, NUMBER, row->copy_fraction)                               \
    X(oversubscribed, INT, row->oversubscribed)                                \
    X(ci_low_s, NUMBER, row->ci_low)                                           \
    X(ci_high_s, NUMBER, row->ci_high)                                         \
    X(speedup_ci_low, NUMBER, row->speedup_ci_low)                             \
    X(speedup_ci_high, NUMBER, row->speedup_ci_high)                           \
    X(bound_rate, NUMBER, row->bound_rate)                                     \
    X(bound_fraction, NUMBER, row->bound_fraction)                             \
    X(rate_ci_low, NUMBER, row->rate_ci_low)                                   \
    X(rate_ci_high, NUMBER, row->rate_ci_high)                                 \
    X(note, TEXT, row->note != NULL ? row->note : "")                          \
    X(placement_modes, POSITIVE, row->placement_modes)                         \
    OMPS_ENV_COLUMNS(X, &row->key, row->runtime)                               \
    X(result_bitwise, NONNEGATIVE, row->result_bitwise)                        \
    X(result_spread, NUMBER, row->result_spread)                               \
    X(ranks, INT, omps_key_ranks(&row->key))                                   \
    X(cores, INT, omps_key_cores(&row->key))                                   \
    X(others_busy, NUMBER, row->others_busy)                                   \
    X(cpus, NUMBER, row->cpus)                                                 \
    X(max_rss_kb, NONNEGATIVE, row->max_rss_kb)                                \
    X(threads_seen, POSITIVE, row->threads_seen)

/* compare.csv: one row per configuration judged (row is a const struct
 * omps_judgement *, gate.h); the environment and ranks come last, so that
 * two environments or rank counts of one configuration are told apart. */
#define OMPS_JUDGED_KEY(j) ((j)->base != NULL ? &(j)->base->key : &(j)->new->key)
#define OMPS_COMPARE_COLUMNS(X)                                                \
    OMPS_KEY_COLUMNS(X, OMPS_JUDGED_KEY(row))                                  \
    X(base_rounds, UINT, row->n_base)                                          \
    X(new_rounds, UINT, row->n_new)                                            \
    X(paired, INT, row->paired)                                                \
    X(base_s, NUMBER, row->base_s)                                             \
    X(new_s, NUMBER, row->new_s)                                               \
    X(ratio, NUMBER, row->ratio)                                               \
    X(ratio_low, NUMBER, row->lo)                                              \
    X(ratio_high, NUMBER, row->hi)                                             \
    X(p_beyond, NUMBER, row->p_beyond)                                         \
    X(p_beyond_holm, NUMBER, row->p_beyond_holm)                               \
    X(p_within, NUMBER, row->p_within)                                         \
    X(detectable, NUMBER, row->look != 0 ? NAN : row->detectable)              \
    X(look, INT, row->look)                                                    \
    X(verdict, TEXT, row->verdict)                                             \
    X(reason, TEXT, row->reason)                                               \
    OMPS_AXIS_COLUMNS(X, OMPS_JUDGED_KEY(row))                                 \
    X(ranks, INT, omps_key_ranks(OMPS_JUDGED_KEY(row)))

/* fit.csv: one row per fitted parameter (row is a const struct
 * omps_fit_row *, fit.h). */
#define OMPS_FIT_COLUMNS(X)                                                    \
    X(kernel, TEXT, row->point->key.kernel->name)                              \
    X(params, TEXT, row->point->key.params_text)                               \
    X(n, UINT, row->point->key.n)                                              \
    X(schedule, TEXT, omps_schedule_name(row->point->key.schedule.kind))       \
    X(chunk, INT, row->point->key.schedule.chunk)                              \
    X(model, TEXT, row->model)                                                 \
    X(parameter, TEXT, row->parameter)                                         \
    X(value, NUMBER, row->value)                                               \
    X(stderr, NUMBER, row->err)                                                \
    X(points, UINT, row->points)                                               \
    X(note, TEXT, row->note)                                                   \
    X(ci_low, NUMBER, row->lo)                                                 \
    X(ci_high, NUMBER, row->hi)                                                \
    X(environment, TEXT, row->environment)                                     \
    X(threads_per_rank, POSITIVE, row->threads_per_rank)

/* pictures.csv: the catalogue of pictures, one row each, in the order the
 * page shows them (row is a const struct omps_picture *, pictures.h). */
#define OMPS_PICTURE_COLUMNS(X)                                                \
    X(file, TEXT, row->file)                                                   \
    X(section, TEXT, row->section)                                             \
    X(kernel, TEXT, row->kernel)                                               \
    X(script, TEXT, row->script)                                               \
    X(data, TEXT, row->data)                                                   \
    X(title, TEXT, row->title)                                                 \
    X(caption, TEXT, row->caption)

/* headline.csv: one row per kernel, the answer first (row is a const
 * struct omps_headline_row *, headline.h). */
#define OMPS_HEADLINE_COLUMNS(X)                                               \
    X(kernel, TEXT, row->kernel)                                               \
    X(family, TEXT, row->family)                                               \
    X(series, TEXT, row->series)                                               \
    X(threads, POSITIVE, row->cores)                                           \
    X(speedup, NUMBER, row->speedup)                                           \
    X(speedup_ci_low, NUMBER, row->speedup_lo)                                 \
    X(speedup_ci_high, NUMBER, row->speedup_hi)                                \
    X(efficiency, NUMBER, row->efficiency)                                     \
    X(amdahl_f, NUMBER, row->f)                                                \
    X(amdahl_f_ci_low, NUMBER, row->f_lo)                                      \
    X(amdahl_f_ci_high, NUMBER, row->f_hi)                                     \
    X(usl_peak_threads, NUMBER, row->peak)                                     \
    X(bound_fraction, NUMBER, row->bound_fraction)                             \
    X(rate, NUMBER, row->rate)                                                 \
    X(rate_ci_low, NUMBER, row->rate_lo)                                       \
    X(rate_ci_high, NUMBER, row->rate_hi)                                      \
    X(rate_unit, TEXT, row->unit)                                              \
    X(limit, TEXT, row->limit)                                                 \
    X(picture, TEXT, row->picture)                                             \
    X(versus_ideal, TEXT, row->versus_ideal)                                   \
    X(rounds_needed, NUMBER, row->rounds_needed)

/* advice.csv: one line per question the run can answer (row is a const
 * struct omps_advice_row *, advice.h). */
#define OMPS_ADVICE_COLUMNS(X)                                                 \
    X(topic, TEXT, row->topic)                                                 \
    X(kernel, TEXT, row->kernel)                                               \
    X(threads, POSITIVE, row->threads)                                         \
    X(better, TEXT, row->better)                                               \
    X(worse, TEXT, row->worse)                                                 \
    X(gain, NUMBER, row->gain)                                                 \
    X(gain_ci_low, NUMBER, row->lo)                                            \
    X(gain_ci_high, NUMBER, row->hi)                                           \
    X(advice, TEXT, row->advice)                                               \
    X(outcome, TEXT, row->outcome)                                             \
    X(rounds, POSITIVE, row->rounds)                                           \
    X(rounds_needed, NUMBER, row->rounds_needed)

/* visits.csv: one row per configuration, where the sweep's repetitions
 * went and why (row is a const struct omps_visits_row *,
 * harness/allot.c; docs/methods.md, "Rounds where decisions are made"). */
#define OMPS_VISITS_COLUMNS(X)                                                 \
    OMPS_WHOLE_KEY_COLUMNS(X, row->key)                                        \
    X(repetitions, UINT, row->total)                                           \
    X(for_minimum, UINT, row->t->visits[OMPS_WHY_MINIMUM])                     \
    X(for_decision, UINT, row->t->visits[OMPS_WHY_DECIDE])                     \
    X(for_narrowing, UINT, row->t->visits[OMPS_WHY_NARROW])                    \
    X(for_precision, UINT, row->t->visits[OMPS_WHY_PRECISION])                 \
    X(resumed, UINT, row->t->visits[OMPS_WHY_RESUMED])                         \
    X(reads, TEXT, row->reads)                                                 \
    X(rounds_needed, NUMBER, row->t->rounds_needed)                            \
    X(why, TEXT, row->why)

/* fleet.csv (ompscale fleet): one row per node and configuration (row is
 * a const struct omps_fleet_row *, gate.h): the node's rounds judged
 * against the other nodes' pooled, as compare judges NEW against BASE. */
#define OMPS_FLEET_COLUMNS(X)                                                  \
    X(node, TEXT, row->host)                                                   \
    X(dir, TEXT, row->dir)                                                     \
    OMPS_KEY_COLUMNS(X, OMPS_JUDGED_KEY(row->j))                               \
    OMPS_AXIS_COLUMNS(X, OMPS_JUDGED_KEY(row->j))                              \
    X(ranks, INT, omps_key_ranks(OMPS_JUDGED_KEY(row->j)))                     \
    X(node_rounds, UINT, row->j->n_new)                                        \
    X(others_rounds, UINT, row->j->n_base)                                     \
    X(node_s, NUMBER, row->j->new_s)                                           \
    X(others_s, NUMBER, row->j->base_s)                                        \
    X(ratio, NUMBER, row->j->ratio)                                            \
    X(ratio_low, NUMBER, row->j->lo)                                           \
    X(ratio_high, NUMBER, row->j->hi)                                          \
    X(p_beyond_holm, NUMBER, row->j->p_beyond_holm)                            \
    X(verdict, TEXT, row->j->verdict)

/* changes.csv (ompscale history check): one row per change point (row is
 * a const struct omps_change_row *, history.h).  A series of Amdahl f has
 * no thread count (the fit is over them) and names its environment as
 * fit.csv does. */
#define OMPS_CHANGES_COLUMNS(X)                                                \
    X(machine, TEXT, row->machine)                                             \
    X(measure, TEXT, omps_measure_name(row->series->measure))                  \
    X(series, TEXT, row->series->name)                                         \
    X(kernel, TEXT, row->series->key.kernel->name)                             \
    X(params, TEXT, row->series->key.params_text)                              \
    X(n, UINT, row->series->key.n)                                             \
    X(threads, POSITIVE, row->series->key.threads)                             \
    X(schedule, TEXT, omps_schedule_name(row->series->key.schedule.kind))      \
    X(chunk, INT, row->series->key.schedule.chunk)                             \
    OMPS_AXIS_COLUMNS(X, &row->series->key)                                    \
    X(ranks, INT, omps_key_ranks(&row->series->key))                           \
    X(environment, TEXT, row->series->environment)                             \
    X(commit, TEXT, row->run->commit)                                          \
    X(commit_time, TEXT, row->run->commit_time)                                \
    X(run_date, TEXT, row->run->date)                                          \
    X(run, UINT, row->run_number)                                              \
    X(runs_before, UINT, row->change->index - row->change->first)              \
    X(runs_after, UINT, row->change->last - row->change->index)                \
    X(before, NUMBER, row->change->before)                                     \
    X(after, NUMBER, row->change->after)                                       \
    X(step, NUMBER, row->change->step)                                         \
    X(step_low, NUMBER, row->change->step_low)                                 \
    X(step_high, NUMBER, row->change->step_high)                               \
    X(step_unit, TEXT, row->series->measure == OMPS_MEASURE_AMDAHL_F ? "difference" : "ratio") \
    X(p_value, NUMBER, row->change->p)                                         \
    X(direction, TEXT, row->worse ? "worse" : "better")                        \
    X(recent, INT, row->recent)                                                \
    X(p_holm, NUMBER, row->change->p_holm)

/* ",name" for one column: a list's names joined, past its first comma. */
#define OMPS_COLUMN_NAME(name, type, value) "," #name

/* The readers' look-ups, from the same lists: a constant per column of a
 * file (OMPS_RUNS_seconds, OMPS_SUMMARY_median_s, OMPS_PICTURE_file) and
 * the names in that order, so a reader cannot ask for a column its file
 * does not have: the constant would not exist. */
#define OMPS_COLUMN_STRING(name, type, value) #name,
#define OMPS_RUNS_INDEX(name, type, value) OMPS_RUNS_##name,
#define OMPS_SUMMARY_INDEX(name, type, value) OMPS_SUMMARY_##name,
#define OMPS_PICTURE_INDEX(name, type, value) OMPS_PICTURE_##name,
#define OMPS_HEADLINE_INDEX(name, type, value) OMPS_HEADLINE_##name,
#define OMPS_ADVICE_INDEX(name, type, value) OMPS_ADVICE_##name,
#define OMPS_FIT_INDEX(name, type, value) OMPS_FIT_##name,
#define OMPS_COMPARE_INDEX(name, type, value) OMPS_COMPARE_##name,
#define OMPS_CHANGES_INDEX(name, type, value) OMPS_CHANGES_##name,
#define OMPS_FLEET_INDEX(name, type, value) OMPS_FLEET_##name,
#define OMPS_VISITS_INDEX(name, type, value) OMPS_VISITS_##name,
enum omps_runs_column { OMPS_RUNS_COLUMNS(OMPS_RUNS_INDEX) OMPS_RUNS_NCOLUMNS };
enum omps_summary_column { OMPS_SUMMARY_COLUMNS(OMPS_SUMMARY_INDEX) OMPS_SUMMARY_NCOLUMNS };
enum omps_picture_column { OMPS_PICTURE_COLUMNS(OMPS_PICTURE_INDEX) OMPS_PICTURE_NCOLUMNS };
enum omps_headline_column {
    OMPS_HEADLINE_COLUMNS(OMPS_HEADLINE_INDEX) OMPS_HEADLINE_NCOLUMNS
};
enum omps_advice_column { OMPS_ADVICE_COLUMNS(OMPS_ADVICE_INDEX) OMPS_ADVICE_NCOLUMNS };
enum omps_fit_column { OMPS_FIT_COLUMNS(OMPS_FIT_INDEX) OMPS_FIT_NCOLUMNS };
enum omps_compare_column { OMPS_COMPARE_COLUMNS(OMPS_COMPARE_INDEX) OMPS_COMPARE_NCOLUMNS };
enum omps_changes_column { OMPS_CHANGES_COLUMNS(OMPS_CHANGES_INDEX) OMPS_CHANGES_NCOLUMNS };
enum omps_fleet_column { OMPS_FLEET_COLUMNS(OMPS_FLEET_INDEX) OMPS_FLEET_NCOLUMNS };
enum omps_visits_column { OMPS_VISITS_COLUMNS(OMPS_VISITS_INDEX) OMPS_VISITS_NCOLUMNS };

/* The header lines (no newline), as string constants. */
#define OMPS_RUNS_HEADER (OMPS_RUNS_COLUMNS(OMPS_COLUMN_NAME) + 1)
#define OMPS_SUMMARY_HEADER (OMPS_SUMMARY_COLUMNS(OMPS_COLUMN_NAME) + 1)
#define OMPS_KEY_HEADER (OMPS_KEY_COLUMNS(OMPS_COLUMN_NAME, k) + 1)
#define OMPS_PLAN_HEADER (OMPS_PLAN_COLUMNS(OMPS_COLUMN_NAME) + 1)
#define OMPS_COMPARE_HEADER (OMPS_COMPARE_COLUMNS(OMPS_COLUMN_NAME) + 1)
#define OMPS_FIT_HEADER (OMPS_FIT_COLUMNS(OMPS_COLUMN_NAME) + 1)
#define OMPS_PICTURE_HEADER (OMPS_PICTURE_COLUMNS(OMPS_COLUMN_NAME) + 1)
#define OMPS_HEADLINE_HEADER (OMPS_HEADLINE_COLUMNS(OMPS_COLUMN_NAME) + 1)
#define OMPS_ADVICE_HEADER (OMPS_ADVICE_COLUMNS(OMPS_COLUMN_NAME) + 1)
#define OMPS_CHANGES_HEADER (OMPS_CHANGES_COLUMNS(OMPS_COLUMN_NAME) + 1)
#define OMPS_FLEET_HEADER (OMPS_FLEET_COLUMNS(OMPS_COLUMN_NAME) + 1)
#define OMPS_VISITS_HEADER (OMPS_VISITS_COLUMNS(OMPS_COLUMN_NAME) + 1)

#endif
