/* Parsing of thread lists, schedules, sizes, --set and whole run lines. */
#include "cli.h"
#include "key.h"
#include "errors.h"
#include "registry.h"
#include "check.h"

static char err[512];

static int threads(const char *text, int *out, size_t *count)
{
    err[0] = '\0';
    return omps_parse_threads(text, 8, out, OMPS_MAX_THREADS, count, err, sizeof err);
}

static void test_thread_lists(void)
{
    int t[OMPS_MAX_THREADS];
    size_t n = 0;
    CHECK_INT_EQ(threads("1,2,4", t, &n), 0);
    CHECK_INT_EQ(n, 3);
    CHECK_INT_EQ(t[2], 4);
    CHECK_INT_EQ(threads("1-16", t, &n), 0);
    CHECK_INT_EQ(n, 16);
    CHECK_INT_EQ(t[15], 16);
    CHECK_INT_EQ(threads("max", t, &n), 0);
    CHECK_INT_EQ(n, 1);
    CHECK_INT_EQ(t[0], 8);
    CHECK_INT_EQ(threads("4,1-2,2", t, &n), 0);
    CHECK_INT_EQ(n, 3);
    CHECK_INT_EQ(t[0], 1);
    CHECK_INT_EQ(t[2], 4);
}

static void test_bad_thread_lists(void)
{
    static const char *const bad[] = {"0",   "-1", "abc", "1,,2", "3-1", "",
                                      "1,",  "2x", "1025", "1-2000", "-",
                                      "1-",  "-3", "9999999999999999999"};
    int t[OMPS_MAX_THREADS];
    size_t n;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = threads(bad[i], t, &n);
        CHECK_REPORT(rc == OMPS_EINVAL, "threads '%s' accepted", bad[i]);
        CHECK_REPORT(strstr(err, "--threads") != NULL, "message '%s'", err);
    }
}

static void test_rank_lists(void)
{
    static const char *const bad[] = {"0", "-1", "x", "1,,2", "3-1", "", "1,", "4097", "1-5000", "2x"};
    int r[OMPS_MAX_THREADS];
    size_t n = 0;
    CHECK_INT_EQ(omps_parse_ranks("4,1-2,2", r, OMPS_MAX_THREADS, &n, err, sizeof err), 0);
    CHECK_INT_EQ(n, 3);
    CHECK_INT_EQ(r[0], 1);
    CHECK_INT_EQ(r[2], 4);
    CHECK_INT_EQ(omps_parse_ranks("4096", r, OMPS_MAX_THREADS, &n, err, sizeof err), 0);
    CHECK_INT_EQ(r[0], 4096);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        const int rc = omps_parse_ranks(bad[i], r, OMPS_MAX_THREADS, &n, err, sizeof err);
        CHECK_REPORT(rc == OMPS_EINVAL, "ranks '%s' accepted", bad[i]);
        CHECK_REPORT(strstr(err, "--ranks") != NULL, "message '%s'", err);
    }
}

static void test_schedules(void)
{
    struct omps_schedule s[OMPS_MAX_LIST];
    size_t n = 0;
    CHECK_INT_EQ(omps_parse_schedules("static,dynamic:64,guided,auto", s,
                                      OMPS_MAX_LIST, &n, err, sizeof err), 0);
    CHECK_INT_EQ(n, 4);
    CHECK_INT_EQ(s[0].kind, omp_sched_static);
    CHECK_INT_EQ(s[0].chunk, 0);
    CHECK_INT_EQ(s[1].kind, omp_sched_dynamic);
    CHECK_INT_EQ(s[1].chunk, 64);
    CHECK_INT_EQ(s[3].kind, omp_sched_auto);
    CHECK_STR_EQ(omps_schedule_name(s[2].kind), "guided");
    static const char *const bad[] = {"static:0", "dynamic:-4", "fast",
                                      "auto:8",  "guided:x",   "static,,auto",
                                      "dynamic:", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = omps_parse_schedules(bad[i], s, OMPS_MAX_LIST, &n, err, sizeof err);
        CHECK_REPORT(rc == OMPS_EINVAL, "schedule '%s' accepted", bad[i]);
    }
}

static void test_sizes_and_sets(void)
{
    struct omps_size_override sz;
    CHECK_INT_EQ(omps_parse_size("1000", &sz, err, sizeof err), 0);
    CHECK(sz.kernel == NULL);
    CHECK_INT_EQ(sz.n, 1000);
    CHECK_INT_EQ(omps_parse_size("copy=4096", &sz, err, sizeof err), 0);
    CHECK(sz.kernel == omps_kernel_find("copy"));
    static const char *const bad[] = {"0", "-5", "1e6", "nosuch=10", "copy=",
                                      "99999999999999999999", "2199023255553"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = omps_parse_size(bad[i], &sz, err, sizeof err);
        CHECK_REPORT(rc == OMPS_EINVAL, "size '%s' accepted", bad[i]);
    }
    struct omps_param_override set;
    CHECK_INT_EQ(omps_parse_set("copy.x=1", &set, err, sizeof err), OMPS_EINVAL);
    CHECK(strstr(err, "no parameter") != NULL);
    CHECK_INT_EQ(omps_parse_set("nosuch.f=1", &set, err, sizeof err), OMPS_EINVAL);
    CHECK_INT_EQ(omps_parse_set("copy", &set, err, sizeof err), OMPS_EINVAL);
    CHECK_INT_EQ(omps_parse_set("serial_fraction.f=0.3", &set, err, sizeof err), 0);
    CHECK(set.kernel == omps_kernel_find("serial_fraction"));
    CHECK_INT_EQ(set.param, 0);
    CHECK_NEAR(set.values[0], 0.3, 0);
    CHECK_INT_EQ(set.nvalues, 1);
    CHECK_INT_EQ(omps_parse_set("serial_fraction.f=0.1,0.3,0.5", &set, err, sizeof err), 0);
    CHECK_INT_EQ(set.nvalues, 3);
    CHECK_NEAR(set.values[2], 0.5, 0);
    CHECK_INT_EQ(omps_parse_set("serial_fraction.f=0.1,,0.5", &set, err, sizeof err), OMPS_EINVAL);
    CHECK_INT_EQ(omps_parse_set("serial_fraction.f=1.5", &set, err, sizeof err), OMPS_EINVAL);
    CHECK(strstr(err, "1.5") != NULL);
    CHECK_INT_EQ(omps_parse_set("serial_fraction.f=abc", &set, err, sizeof err), OMPS_EINVAL);
    CHECK_INT_EQ(omps_parse_set("serial_fraction.f=nan", &set, err, sizeof err), OMPS_EINVAL);
}

static int run_line(const char *const *args, int argc, struct omps_run_options *o)
{
    omps_run_options_init(o);
    err[0] = '\0';
    return omps_parse_run_args(argc, (char **)args, 2, o, err, sizeof err);
}

static void test_run_lines(void)
{
    struct omps_run_options o;
    const char *good[] = {"--kernels", "copy,midpoint,copy", "--threads=1-2",
                          "--repetitions", "12", "--min-time", "0.5", "--out",
                          "/tmp/x", "--size", "midpoint=4096"};
    CHECK_INT_EQ(run_line(good, 11, &o), 0);
    CHECK_INT_EQ(o.nkernels, 2);
    CHECK_INT_EQ(o.nthreads, 2);
    CHECK_INT_EQ(o.repetitions, 12);
    CHECK_NEAR(o.min_time, 0.5, 0);
    CHECK_STR_EQ(o.out_dir, "/tmp/x");
    const char *quick[] = {"--quick"};
    CHECK_INT_EQ(run_line(quick, 1, &o), 0);
    CHECK_NEAR(o.min_time, 0.01, 0);
    const char *unknown[] = {"--frobnicate"};
    CHECK_INT_EQ(run_line(unknown, 1, &o), OMPS_EINVAL);
    CHECK(strstr(err, "--frobnicate") != NULL);
    const char *missing[] = {"--threads"};
    CHECK_INT_EQ(run_line(missing, 1, &o), OMPS_EINVAL);
    const char *reps[] = {"--repetitions", "0"};
    CHECK_INT_EQ(run_line(reps, 2, &o), OMPS_EINVAL);
    const char *time[] = {"--min-time", "-1"};
    CHECK_INT_EQ(run_line(time, 2, &o), OMPS_EINVAL);
    const char *stray[] = {"copy"};
    CHECK_INT_EQ(run_line(stray, 1, &o), OMPS_EINVAL);
}

/* The environment axes: lists, "default", repeats and every bad value. */
static void test_environment_axes(void)
{
    struct omps_run_options o;
    const char *good[] = {"--bind", "close,spread,close,default", "--wait-policy=passive",
                          "--places", "ll_caches", "--toolchains", "gcc+libomp,gcc",
                          "--toolchain-binary", "clang=/opt/ompscale"};
    CHECK_INT_EQ(run_line(good, 9, &o), 0);
    CHECK_INT_EQ(o.naxis[OMPS_AXIS_BIND], 3); /* the repeated close dropped */
    CHECK_STR_EQ(omps_env_value(OMPS_AXIS_BIND, o.axis[OMPS_AXIS_BIND][1]), "spread");
    CHECK_INT_EQ(o.axis[OMPS_AXIS_BIND][2], 0); /* default: left to the runtime */
    CHECK_INT_EQ(o.naxis[OMPS_AXIS_WAIT], 1);
    CHECK_STR_EQ(omps_env_value(OMPS_AXIS_PLACES, o.axis[OMPS_AXIS_PLACES][0]), "ll_caches");
    CHECK_INT_EQ(o.axis[OMPS_AXIS_TOOLCHAIN][0], OMPS_TC_GCC_LIBOMP);
    CHECK_STR_EQ(o.toolchain_binary[OMPS_TC_CLANG], "/opt/ompscale");
    CHECK(omps_run_options_use_children(&o));
    CHECK_INT_EQ(run_line(good, 0, &o), 0);
    CHECK(!omps_run_options_use_children(&o));
    const char *bad[][2] = {{"--bind", "sideways"},   {"--bind", ""},
                            {"--places", "cores,"},   {"--places", "{0},{1}"},
                            {"--wait-policy", "busy"}, {"--toolchains", "default"},
                            {"--toolchains", "icc"},  {"--toolchain-binary", "clang"},
                            {"--toolchain-binary", "icc=/x"}, {"--toolchain-binary", "gcc="}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT_EQ(run_line(bad[i], 2, &o), OMPS_EINVAL);
        CHECK_REPORT(strncmp(err, bad[i][0], strlen(bad[i][0])) == 0 &&
                         strstr(err, bad[i][1]) != NULL,
                     "'%s %s' gave '%s'", bad[i][0], bad[i][1], err);
    }
    /* The text of an environment leaves out what the runtime decides. */
    struct omps_env e = {{2, 0, 1, OMPS_TC_CLANG}};
    char text[128];
    omps_env_text(&e, 1, text, sizeof text);
    CHECK_STR_EQ(text, "bind=spread;wait_policy=active;toolchain=clang");
    omps_env_text(&e, 0, text, sizeof text);
    CHECK_STR_EQ(text, "bind=spread;wait_policy=active");
}

/* Every kernel's key reads back from its name; bad names are refused. */
static void test_key_names(void)
{
    for (size_t i = 0; i < omps_kernel_count(); i++) {
        struct omps_key k = {.kernel = omps_kernel_at(i), .n = 12345, .threads = 3,
                             .schedule = {omp_sched_dynamic, 64},
                             .env = {{2, 0, 2, OMPS_TC_CLANG}}};
        k.ranks = k.kernel->ranked != OMPS_RANKED_NO ? 4 : 1;
        for (size_t p = 0; p < k.kernel->nparams; p++)
            k.params[p] = k.kernel->params[p].default_value * 2 + 1;
        omps_key_format_params(&k);
        char name[512], again[512];
        struct omps_key back;
        omps_key_name(&k, name, sizeof name);
        CHECK_REPORT(omps_key_parse_name(name, &back) == 0, "'%s' not read back", name);
        omps_key_name(&back, again, sizeof again);
        CHECK_STR_EQ(again, name);
        CHECK(omps_key_compare(&k, &back) == 0);
    }
    struct omps_key k;
    CHECK_INT_EQ(omps_key_parse_name("copy/n:7/threads:2/schedule:static:0", &k), 0);
    CHECK(k.env.value[OMPS_AXIS_TOOLCHAIN] == omps_own_toolchain() && k.env.value[0] == 0);
    const char *bad[] = {"nosuch/n:1/threads:1/schedule:static:0", "copy/n:0/threads:1/schedule:static:0",
                         "copy/n:1/threads:1", "copy/n:1/threads:1/schedule:sideways:0",
                         "copy/n:1/threads:1/schedule:static", "copy/n:1/threads:x/schedule:static:0",
                         "copy/n:1/threads:1/schedule:static:0/bind:sideways",
                         "copy/n:1/threads:1/schedule:static:0/colour:red",
                         "copy[zz=1]/n:1/threads:1/schedule:static:0",
                         "copy/n:1/threads:1/schedule:static:0/ranks:2", "", "copy"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_REPORT(omps_key_parse_name(bad[i], &k) == OMPS_EINVAL, "'%s' accepted", bad[i]);
}

int main(void)
{
    test_key_names();
    test_environment_axes();
    test_thread_lists();
    test_bad_thread_lists();
    test_rank_lists();
    test_schedules();
    test_sizes_and_sets();
    test_run_lines();
    return CHECK_DONE();
}
