/*
 * A command's options as one table: each option's name, whether it takes a
 * value, and the item the usage shows for it.  The parser looks options up
 * here and the usage text is written from here, so an option cannot be
 * accepted without being shown, or shown without being accepted.
 */
#ifndef OMPSCALE_OPTIONS_H
#define OMPSCALE_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

struct omps_option {
    int id;            /* the command's own number for it */
    const char *name;  /* "--threads" */
    int takes_value;   /* 1: "--name VALUE" or "--name=VALUE"; 0: a flag */
    const char *usage; /* its usage item, "[--threads 1,2,4 | 1-16 | max]" */
    int form;          /* which usage line shows it (a command may have several) */
};

/* The option of opts named by the first len characters of name, or NULL. */
const struct omps_option *omps_option_find(const struct omps_option *opts, size_t count,
                                           const char *name, size_t len);

/*
 * Writes one usage line of a command: lead ("usage: " or its blank
 * indent), head ("ompscale run"), then the usage items of the options of
 * that form, wrapped at 88 columns under the first item.
 */
void omps_usage_write(FILE *f, const char *lead, const char *head,
                      const struct omps_option *opts, size_t count, int form);

/* For an option that is in a command's table but that its parser has no
 * case for: says so in err ("--name has no handler in this build (a bug:
 * please report it)") and returns OMPS_EINVAL, so that such an option is
 * refused rather than setting another one; tests/synopsis.sh tries every
 * option of every command for this message. */
int omps_option_unhandled(const char *name, char *err, size_t err_len);

#endif
