/*
 * A command's options as one typed table, and the one parser every command
 * uses.  Each row names an option, its type (which says how its value is
 * read and where it goes: a flag, a text, a whole number in a range, the
 * gate's --alpha or --threshold, or a setter of the command's own), the
 * field of the command's struct it sets, and the item the usage shows for
 * it.  The parser looks options up here and the usage text is written from
 * here, so an option cannot be accepted without being shown, or shown
 * without being accepted, and a row cannot lack a handler: its type is
 * its handler (a setter row without a setter is refused as "has no
 * handler", which tests/synopsis.sh looks for in every command).  Every
 * command takes "--name value" and "--name=value".
 */
#ifndef OMPSCALE_OPTIONS_H
#define OMPSCALE_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

enum omps_option_type {
    OMPS_OPT_FLAG,      /* int field, set to 1; takes no value */
    OMPS_OPT_TEXT,      /* const char * field: a value that is not empty */
    OMPS_OPT_WHOLE,     /* long field: a whole number in [lo, hi] */
    OMPS_OPT_ALPHA,     /* double field: --alpha's level (parse.h) */
    OMPS_OPT_THRESHOLD, /* double field: --threshold's fraction (parse.h) */
    OMPS_OPT_SET        /* set() reads the value into the command's struct */
};

/* Reads value (NULL for a flag) into cmd, the command's struct; 0, or
 * OMPS_EINVAL with err naming the option and the value. */
typedef int (*omps_option_setter)(void *cmd, const char *name, const char *value, char *err,
                                  size_t err_len);

struct omps_option {
    const char *name;           /* "--threads" */
    enum omps_option_type type;
    size_t field;               /* offsetof the field it sets (not OMPS_OPT_SET) */
    omps_option_setter set;     /* OMPS_OPT_SET's reader */
    long lo, hi;                /* OMPS_OPT_WHOLE's range */
    const char *usage;          /* its usage item, "[--threads 1,2,4 | 1-16 | max]" */
    int form;                   /* which usage line shows it (a command may have several) */
    int flag;                   /* OMPS_OPT_SET: it takes no value */
};

/* Rows, by type: S is the command's struct, F its field. */
#define OMPS_OPTION_FLAG(NAME, S, F, USAGE, FORM) \
    {NAME, OMPS_OPT_FLAG, offsetof(S, F), NULL, 0, 0, USAGE, FORM, 1}
#define OMPS_OPTION_TEXT(NAME, S, F, USAGE, FORM) \
    {NAME, OMPS_OPT_TEXT, offsetof(S, F), NULL, 0, 0, USAGE, FORM, 0}
#define OMPS_OPTION_WHOLE(NAME, S, F, LO, HI, USAGE, FORM) \
    {NAME, OMPS_OPT_WHOLE, offsetof(S, F), NULL, LO, HI, USAGE, FORM, 0}
#define OMPS_OPTION_SET(NAME, SETTER, USAGE, FORM) \
    {NAME, OMPS_OPT_SET, 0, SETTER, 0, 0, USAGE, FORM, 0}
#define OMPS_OPTION_SET_FLAG(NAME, SETTER, USAGE, FORM) \
    {NAME, OMPS_OPT_SET, 0, SETTER, 0, 0, USAGE, FORM, 1}

/* The options several commands share, declared once. */
#define OMPS_OPTION_ALPHA(S, F, FORM) \
    {"--alpha", OMPS_OPT_ALPHA, offsetof(S, F), NULL, 0, 0, "[--alpha A]", FORM, 0}
#define OMPS_OPTION_THRESHOLD(S, F, FORM) \
    {"--threshold", OMPS_OPT_THRESHOLD, offsetof(S, F), NULL, 0, 0, "[--threshold PCT]", FORM, 0}
#define OMPS_OPTION_REPORT(S, F, FORM) OMPS_OPTION_TEXT("--report", S, F, "[--report DIR]", FORM)
#define OMPS_OPTION_DB(S, F, FORM) OMPS_OPTION_TEXT("--db", S, F, "[--db FILE]", FORM)

/* A command line to parse: the table, the usage form whose options it
 * takes (-1: every row), and what takes an argument that is not an option
 * (NULL: none is taken). */
struct omps_command_line {
    const struct omps_option *options;
    size_t count;
    int form;
    int (*positional)(void *cmd, const char *arg, char *err, size_t err_len);
};

/*
 * Parses argv[0..argc) into cmd by c's table.  Returns 0, or OMPS_EINVAL
 * with err a one-line reason: "unknown option '--x'", "unexpected argument
 * 'x'" (where c takes none, or no more), "--x needs a value", "--x takes
 * no value", or the option's own reason for a value it will not take.
 */
int omps_options_parse(const struct omps_command_line *c, int argc, char **argv, void *cmd,
                       char *err, size_t err_len);

/* The option of opts named by the first len characters of name in form
 * (-1: any), or NULL. */
const struct omps_option *omps_option_find(const struct omps_option *opts, size_t count,
                                           int form, const char *name, size_t len);

/*
 * Writes one usage line of a command: lead ("usage: " or its blank
 * indent), head ("ompscale run"), then the usage items of the options of
 * that form, wrapped at 88 columns under the first item.
 */
void omps_usage_write(FILE *f, const char *lead, const char *head,
                      const struct omps_option *opts, size_t count, int form);

/* For a setter given an option it has no case for (a bug): says so in err
 * ("--name has no handler in this build (a bug: please report it)") and
 * returns OMPS_EINVAL, so that such an option is refused rather than
 * setting another one. */
int omps_option_unhandled(const char *name, char *err, size_t err_len);

#endif
