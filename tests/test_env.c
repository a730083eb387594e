/*
 * omps_env_check against the runtime this process loaded.  CTest runs it
 * twice: with OMP_WAIT_POLICY=passive and OMP_PLACES=cores, which the
 * runtime honours, and with OMP_PLACES set to a value it ignores.
 */
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "env.h"
#include "check.h"

int main(void)
{
    char why[256] = "";
    const char *places = getenv("OMP_PLACES");
    const int honoured = places != NULL && strcmp(places, "cores") == 0;
    struct omps_env e = {{0, 0, 0, (unsigned char)omps_own_toolchain()}};
    /* Start the runtime, as a sweep's first parallel region would. */
#pragma omp parallel
    {
    }
    CHECK(omps_env_check(&e, why, sizeof why));
    omps_env_parse(OMPS_AXIS_WAIT, "passive", &e.value[OMPS_AXIS_WAIT]);
    CHECK_REPORT(omps_env_check(&e, why, sizeof why), "passive refused: %s", why);
    omps_env_parse(OMPS_AXIS_WAIT, "active", &e.value[OMPS_AXIS_WAIT]);
    CHECK_REPORT(!omps_env_check(&e, why, sizeof why) && strstr(why, "passive"),
                 "active accepted under a passive runtime: '%s'", why);
    e.value[OMPS_AXIS_WAIT] = 0;
    omps_env_parse(OMPS_AXIS_PLACES, "cores", &e.value[OMPS_AXIS_PLACES]);
    const int ok = omps_env_check(&e, why, sizeof why);
    CHECK_REPORT(ok == honoured, "places check %d with OMP_PLACES=%s: '%s'", ok,
                 places ? places : "(unset)", why);
    /* gcc+libomp must have loaded libomp; a GCC build of this test has not. */
    char runtime[128];
    omps_runtime_name(runtime, sizeof runtime);
    e.value[OMPS_AXIS_PLACES] = 0;
    e.value[OMPS_AXIS_TOOLCHAIN] = OMPS_TC_GCC_LIBOMP;
    CHECK_INT_EQ(omps_env_check(&e, why, sizeof why), strstr(runtime, "libomp") != NULL);
    return CHECK_DONE();
}
