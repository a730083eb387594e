/* Error codes shared by kernels and the harness: 0 or a negative OMPS_E*. */
#ifndef OMPSCALE_ERRORS_H
#define OMPSCALE_ERRORS_H

enum omps_error {
    OMPS_OK = 0,
    OMPS_EINVAL = -1,  /* bad usage or bad input */
    OMPS_ENOMEM = -2,  /* an allocation failed */
    OMPS_EIO = -3,     /* a file could not be read or written */
    OMPS_EVERIFY = -4, /* a kernel result was wrong */
    OMPS_EINTR = -5,   /* interrupted by a signal */
    OMPS_EFORMAT = -6, /* a file's contents are malformed */
    OMPS_EBUSY = -7    /* a resource is held by another process */
};

/* Returns a static, human-readable description of an OMPS_E* code. */
const char *omps_strerror(int code);

#endif
