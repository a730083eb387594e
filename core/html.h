/*
 * Text into an HTML page: the run's page, the history's and the fleet's
 * write every name and value through this one escape.
 */
#ifndef OMPSCALE_HTML_H
#define OMPSCALE_HTML_H

#include <stdio.h>

/* Writes s to f with <, >, & and " escaped, so that a kernel's name, a
 * path or a host can stand in an element or an attribute; NULL writes
 * nothing. */
void omps_html_text(FILE *f, const char *s);

#endif
