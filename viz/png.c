/* The PNG encoder (PNG spec, ISO/IEC 15948): signature, IHDR, one IDAT holding the
 * zlib stream of all scanlines (filter type 0 each: frames are small and compress
 * well without filters), IEND. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include "png.h"

static void put32(unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

/* One chunk: length, type, data, CRC over type and data. 0 on success. */
static int chunk(FILE *f, const char *type, const unsigned char *data, size_t n)
{
  unsigned char head[8], tail[4];
  put32(head, (uint32_t)n);
  memcpy(head + 4, type, 4);
  uLong crc = crc32(0L, (const Bytef *)type, 4);
  if (n)
    crc = crc32(crc, data, (uInt)n);
  put32(tail, (uint32_t)crc);
  return fwrite(head, 1, 8, f) == 8 && (n == 0 || fwrite(data, 1, n, f) == n)
                 && fwrite(tail, 1, 4, f) == 4
             ? 0
             : -1;
}

/* The raw scanlines: a filter byte (0) then R, G, B of each pixel. Caller frees. */
static unsigned char *scanlines(SDL_Surface *s, size_t *len)
{
  size_t stride = 1 + 3 * (size_t)s->w;
  unsigned char *raw = malloc(stride * (size_t)s->h);
  if (!raw)
    return NULL;
  for (int y = 0; y < s->h; y++) {
    const uint32_t *px = (const uint32_t *)((const uint8_t *)s->pixels + y * s->pitch);
    unsigned char *o = raw + (size_t)y * stride;
    *o++ = 0;
    for (int x = 0; x < s->w; x++) {
      *o++ = (unsigned char)(px[x] >> 16);
      *o++ = (unsigned char)(px[x] >> 8);
      *o++ = (unsigned char)px[x];
    }
  }
  *len = stride * (size_t)s->h;
  return raw;
}

int vz_png_write(const char *path, SDL_Surface *s, char *msg, size_t msglen)
{
  if (s->format->format != SDL_PIXELFORMAT_ARGB8888) {
    snprintf(msg, msglen, "PNG: the surface is not ARGB8888");
    return -1;
  }
  size_t rawlen = 0;
  unsigned char *raw = scanlines(s, &rawlen);
  uLongf zlen = raw ? compressBound((uLong)rawlen) : 0;
  unsigned char *z = raw ? malloc(zlen) : NULL;
  if (!z || compress2(z, &zlen, raw, (uLong)rawlen, 6) != Z_OK) {
    snprintf(msg, msglen, "PNG: out of memory compressing the image");
    free(raw);
    free(z);
    return -1;
  }
  free(raw);
  unsigned char ihdr[13];
  put32(ihdr, (uint32_t)s->w);
  put32(ihdr + 4, (uint32_t)s->h);
  ihdr[8] = 8;    /* bit depth */
  ihdr[9] = 2;    /* colour type: truecolour RGB */
  ihdr[10] = ihdr[11] = ihdr[12] = 0;   /* deflate, adaptive filtering, no interlace */
  static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  FILE *f = fopen(path, "wb");
  int bad = !f || fwrite(sig, 1, 8, f) != 8 || chunk(f, "IHDR", ihdr, 13)
            || chunk(f, "IDAT", z, zlen) || chunk(f, "IEND", NULL, 0);
  int err = errno;
  if (f && fclose(f) != 0)
    bad = 1;
  free(z);
  if (bad)
    snprintf(msg, msglen, "cannot write '%s': %s", path, strerror(err ? err : EIO));
  return bad ? -1 : 0;
}

/* 1 if path ends with ext (case-insensitive). */
static int ends_with(const char *path, const char *ext)
{
  size_t n = strlen(path), k = strlen(ext);
  return n > k && strcasecmp(path + n - k, ext) == 0;
}

int vz_screenshot_save(const char *path, SDL_Surface *s, char *msg, size_t msglen)
{
  if (ends_with(path, ".png"))
    return vz_png_write(path, s, msg, msglen);
  if (ends_with(path, ".bmp")) {
    if (SDL_SaveBMP(s, path) == 0)
      return 0;
    snprintf(msg, msglen, "cannot write '%s': %s", path, SDL_GetError());
    return -1;
  }
  snprintf(msg, msglen, "screenshot '%s': the name must end in .png or .bmp", path);
  return -1;
}
