/* html_page: the page of `export --format html` around its data.
 *
 * Private to report/export_html.c. The page is: a Content-Security-Policy
 * that forbids every request, the title (HTML-escaped: the only recorded
 * text in the markup), asciinema-player's and the viewer's CSS, the two
 * blobs (gzip + base64, so they cannot end their <script> element), the
 * player's licence notice, the player's and the viewer's JavaScript (all
 * compiled in: html_assets.h). */
#ifndef TRACECAST_HTML_PAGE_H
#define TRACECAST_HTML_PAGE_H

#include <stdio.h>

#include "export_html.h"
#include "player/sbuf.h"

/* Append s[0..len) (valid UTF-8) to b as a JSON string, quoted (for the
 * panels' JSON). */
void html_page_jstr(sbuf_t *b, const char *s, size_t len);

/* Write the page holding term (asciicast v2 text for the player) and panel
 * (the panels' JSON) to out; fills st's page_bytes, data_bytes,
 * viewer_bytes and raw_bytes. title may be NULL. Returns 0, -ENOMEM or
 * -EIO. */
int html_page_write(FILE *out, const char *title, const sbuf_t *term, const sbuf_t *panel,
		    export_html_stats_t *st);

#endif
