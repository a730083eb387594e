/*
 * The one page frame and text escape of the run's page, the history's and
 * the fleet's: each starts with omps_html_begin, writes every name and
 * value through omps_html_text, and ends with omps_html_end.
 */
#ifndef OMPSCALE_HTML_H
#define OMPSCALE_HTML_H

#include <stdio.h>

/* Writes s to f with <, >, & and " escaped, so that a kernel's name, a
 * path or a host can stand in an element or an attribute; NULL writes
 * nothing. */
void omps_html_text(FILE *f, const char *s);

/* Writes the page's head (UTF-8, the shared style, then extra_style, which
 * may be NULL) and its <h1>: "ompscale " then title, escaped. */
void omps_html_begin(FILE *f, const char *title, const char *extra_style);

/* Closes the page. */
void omps_html_end(FILE *f);

#endif
