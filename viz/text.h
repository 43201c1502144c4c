/* Text through SDL2_ttf with a DejaVu font found at run time, drawn from a cache
 * of rendered glyphs (white coverage masks tinted when blitted), so that a frame's
 * hundred labels cost copies, not font rasterisation. */
#ifndef EMBER_VIZ_TEXT_H
#define EMBER_VIZ_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <SDL.h>

typedef struct vz_font vz_font;

/* Finds a TrueType font: $EMBER_VIZ_FONT if set, else DejaVuSans.ttf in the font
 * folders under $XDG_DATA_DIRS (default /usr/local/share:/usr/share), else what
 * `fc-match` names. Writes the path into buf; 0 on success, -1 (buf holds a
 * message saying what was searched and which package to install) if none. */
int vz_font_find(char *buf, size_t len);
/* Opens the font at path in pixel size px (TTF_Init is done here); NULL and a
 * message in msg on failure. vz_font_free(NULL) does nothing. */
vz_font *vz_font_open(const char *path, int px, char *msg, size_t msglen);
void vz_font_free(vz_font *f);
/* Line height in pixels. */
int vz_font_height(const vz_font *f);
/* Width in pixels of UTF-8 text s. */
int vz_text_width(vz_font *f, const char *s);
/* Draws s with its top-left corner at (x, y) in colour c; returns the width. */
int vz_text(vz_font *f, SDL_Surface *dst, int x, int y, uint32_t c, const char *s);
/* printf-style vz_text. */
int vz_textf(vz_font *f, SDL_Surface *dst, int x, int y, uint32_t c, const char *fmt, ...)
  __attribute__((format(printf, 6, 7)));

#endif
