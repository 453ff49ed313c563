/* html_page: the HTML page around the export's two data blobs (see
 * html_page.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "html_assets.h"
#include "html_page.h"
#include "tracecast/jstr.h"

/* Append s[0..len) as a JSON string (quoted). */
void html_page_jstr(sbuf_t *b, const char *s, size_t len)
{
	char stackbuf[512];
	char *buf = len * 6 <= sizeof(stackbuf) ? stackbuf : malloc(JSTR_ESCAPE_MAX(len) + 1);

	sbuf_addc(b, '"');
	if (!buf)
		abort(); /* as sbuf: appends abort on OOM */
	sbuf_add(b, buf, jstr_escape(buf, s, len));
	if (buf != stackbuf)
		free(buf);
	sbuf_addc(b, '"');
}

/* gzip in[0..len) and append it base64-encoded to out. */
static int hp_gzip_b64(sbuf_t *out, const char *in, size_t len)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	z_stream zs;
	unsigned char *z;
	size_t zcap;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	zcap = deflateBound(&zs, len) + 64;
	z = malloc(zcap);
	if (!z) {
		deflateEnd(&zs);
		return -ENOMEM;
	}
	zs.next_in = (unsigned char *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	zs.next_out = z;
	zs.avail_out = (uInt)zcap;
	/* avail_in is 32 bits: feed in chunks */
	size_t left = len;
	const unsigned char *p = (const unsigned char *)in;
	int zr;
	do {
		uInt chunk = left > (1u << 30) ? (1u << 30) : (uInt)left;
		zs.next_in = (unsigned char *)(uintptr_t)p;
		zs.avail_in = chunk;
		p += chunk;
		left -= chunk;
		zr = deflate(&zs, left ? Z_NO_FLUSH : Z_FINISH);
	} while (left && zr == Z_OK);
	size_t zlen = zcap - zs.avail_out;
	deflateEnd(&zs);
	if (zr != Z_STREAM_END) {
		free(z);
		return -EIO;
	}
	for (size_t i = 0; i < zlen; i += 3) {
		uint32_t v = (uint32_t)z[i] << 16;
		if (i + 1 < zlen)
			v |= (uint32_t)z[i + 1] << 8;
		if (i + 2 < zlen)
			v |= z[i + 2];
		char q[4] = { b64[v >> 18], b64[(v >> 12) & 63],
			      i + 1 < zlen ? b64[(v >> 6) & 63] : '=', i + 2 < zlen ? b64[v & 63] : '=' };
		sbuf_add(out, q, 4);
	}
	free(z);
	return 0;
}

/* Text for the markup (the <title> only): & < > " escaped. */
static void hp_html_text(sbuf_t *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sbuf_adds(b, "&amp;"); break;
		case '<': sbuf_adds(b, "&lt;"); break;
		case '>': sbuf_adds(b, "&gt;"); break;
		case '"': sbuf_adds(b, "&quot;"); break;
		default:
			sbuf_addc(b, (unsigned char)*s < 0x20 ? ' ' : *s);
		}
	}
}

int html_page_write(FILE *out, const char *title, const sbuf_t *term, const sbuf_t *panel,
		    export_html_stats_t *st)
{
	sbuf_t page, term64, panel64;
	int rc;

	sbuf_init(&page);
	sbuf_init(&term64);
	sbuf_init(&panel64);
	if ((rc = hp_gzip_b64(&term64, term->data ? term->data : "", term->len)) < 0 ||
	    (rc = hp_gzip_b64(&panel64, panel->data ? panel->data : "", panel->len)) < 0)
		goto out;
	st->raw_bytes = term->len + panel->len;
	sbuf_adds(&page, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		  "script-src 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; "
		  "img-src data:; font-src data:; connect-src data: blob:; base-uri 'none'; "
		  "form-action 'none'\">\n"
		  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		  "<meta name=\"generator\" content=\"tracecast export --format html\">\n<title>");
	hp_html_text(&page, title ? title : "tracecast recording");
	sbuf_adds(&page, "</title>\n<style>\n");
	sbuf_add(&page, html_asset_player_css, html_asset_player_css_len);
	sbuf_adds(&page, "\n</style>\n<style>\n");
	sbuf_add(&page, html_asset_viewer_css, html_asset_viewer_css_len);
	sbuf_adds(&page, "\n</style>\n</head>\n<body>\n"
		  "<noscript>This page needs JavaScript to play the recording.</noscript>\n"
		  "<script type=\"application/octet-stream\" id=\"tc-term\">");
	sbuf_add(&page, term64.data, term64.len);
	sbuf_adds(&page, "</script>\n<script type=\"application/octet-stream\" id=\"tc-panel\">");
	sbuf_add(&page, panel64.data, panel64.len);
	sbuf_adds(&page, "</script>\n<script type=\"text/plain\" id=\"tc-player-license\">\n"
		  "asciinema-player ");
	sbuf_add(&page, html_asset_player_version, html_asset_player_version_len);
	sbuf_adds(&page, " (https://github.com/asciinema/asciinema-player), embedded below,\n"
		  "Copyright Marcin Kulik, is licensed under the Apache License 2.0:\n\n");
	sbuf_add(&page, html_asset_player_license, html_asset_player_license_len);
	sbuf_adds(&page, "</script>\n<script>\n");
	sbuf_add(&page, html_asset_player_js, html_asset_player_js_len);
	sbuf_adds(&page, "\n</script>\n<script>\n");
	sbuf_add(&page, html_asset_viewer_js, html_asset_viewer_js_len);
	sbuf_adds(&page, "\n</script>\n</body></html>\n");
	st->data_bytes = term64.len + panel64.len;
	st->page_bytes = page.len;
	st->viewer_bytes = page.len - st->data_bytes;
	if (fwrite(page.data, 1, page.len, out) != page.len)
		rc = -EIO;
out:
	sbuf_cleanup(&page);
	sbuf_cleanup(&term64);
	sbuf_cleanup(&panel64);
	return rc;
}

