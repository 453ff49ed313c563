/* html_assets: the files the HTML page embeds, compiled into the binary.
 *
 * The definitions are generated at build time by report/html/embed.sh
 * (into build/gen/html_assets.c) from report/html/viewer.{js,css} and
 * asciinema-player's bundle in node_modules (installed by make deps from
 * package-lock.json). Each array is NUL-terminated; _len excludes it. */
#ifndef TRACECAST_HTML_ASSETS_H
#define TRACECAST_HTML_ASSETS_H

#include <stddef.h>

extern const unsigned char html_asset_player_js[];
extern const size_t html_asset_player_js_len;
extern const unsigned char html_asset_player_css[];
extern const size_t html_asset_player_css_len;
extern const unsigned char html_asset_player_license[];
extern const size_t html_asset_player_license_len;
extern const unsigned char html_asset_player_version[];
extern const size_t html_asset_player_version_len;
extern const unsigned char html_asset_viewer_js[];
extern const size_t html_asset_viewer_js_len;
extern const unsigned char html_asset_viewer_css[];
extern const size_t html_asset_viewer_css_len;

#endif
