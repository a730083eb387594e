#include "html.h"

void omps_html_text(FILE *f, const char *s)
{
    for (; s != NULL && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* What every page shares: the text, tables, pictures and the colours of a
 * finding (missing, slower or a machine that contradicts itself, and
 * better). */
static const char base_style[] =
    "body{font-family:sans-serif;max-width:1240px;margin:1em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;font-size:0.85em;margin:0.5em 0}"
    "th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
    "img{max-width:100%;border:1px solid #eee}small{color:#666}"
    "h1{margin:0.3em 0;font-size:1.6em}h2{margin:0.5em 0 0.3em}"
    ".missing,.slow,.worse,.finding{color:#b00}.unjudged{color:#8a4b00}.better{color:#1e7b34}";

void omps_html_begin(FILE *f, const char *title, const char *extra_style)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>ompscale ", f);
    omps_html_text(f, title);
    fprintf(f, "</title>\n<style>%s%s</style></head><body>\n<h1>ompscale ", base_style,
            extra_style != NULL ? extra_style : "");
    omps_html_text(f, title);
    fputs("</h1>\n", f);
}

void omps_html_end(FILE *f)
{
    fputs("</body></html>\n", f);
}
