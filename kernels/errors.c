#include "errors.h"

const char *omps_strerror(int code)
{
    switch (code) {
    case OMPS_OK:
        return "success";
    case OMPS_EINVAL:
        return "invalid argument";
    case OMPS_ENOMEM:
        return "out of memory";
    case OMPS_EIO:
        return "input/output error";
    case OMPS_EVERIFY:
        return "result failed verification";
    case OMPS_EINTR:
        return "interrupted";
    case OMPS_EFORMAT:
        return "malformed file";
    case OMPS_EBUSY:
        return "in use by another process";
    default:
        return "unknown error";
    }
}
