/* Saving frames: a small PNG encoder (zlib does the deflate and the CRCs) and
 * SDL's BMP writer. */
#ifndef EMBER_VIZ_PNG_H
#define EMBER_VIZ_PNG_H

#include <stddef.h>
#include <SDL.h>

/* Writes an ARGB8888 surface as an 8-bit RGB PNG. 0, or -1 with a message. */
int vz_png_write(const char *path, SDL_Surface *s, char *msg, size_t msglen);
/* PNG when path ends in .png (any case), BMP when it ends in .bmp, else an error.
 * 0, or -1 with a message. */
int vz_screenshot_save(const char *path, SDL_Surface *s, char *msg, size_t msglen);

#endif
