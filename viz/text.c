/* Text (see text.h): font search, a glyph cache for the first 0x250 code points
 * (Latin-1 and Latin Extended cover every unit and name we print, e.g. µS), and
 * alpha-blended blits of cached coverage masks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <SDL_ttf.h>
#include "text.h"

#define N_GLYPHS 0x250

typedef struct glyph {
  int done;            /* 1 once rendered (surface may be NULL for blank glyphs) */
  SDL_Surface *mask;   /* ARGB8888, white with coverage in alpha */
  int minx, maxy, advance;
} glyph;

struct vz_font {
  TTF_Font *ttf;
  int height, ascent;
  glyph glyphs[N_GLYPHS];
};

static int readable(const char *path)
{
  return access(path, R_OK) == 0;
}

/* Asks fontconfig's command-line tool; 0 if it named a readable file. */
static int ask_fc_match(char *buf, size_t len)
{
  FILE *p = popen("fc-match -f '%{file}' 'DejaVu Sans' 2>/dev/null", "r");
  if (!p)
    return -1;
  size_t n = fread(buf, 1, len - 1, p);
  buf[n] = 0;
  pclose(p);
  return n > 0 && strstr(buf, "DejaVu") && readable(buf) ? 0 : -1;
}

int vz_font_find(char *buf, size_t len)
{
  static const char *const sub[] = {"fonts/truetype/dejavu", "fonts/TTF", "fonts/dejavu",
                                     "fonts/truetype", "fonts"};
  const char *env = getenv("EMBER_VIZ_FONT");
  if (env && *env) {
    snprintf(buf, len, "%s", env);
    if (readable(buf))
      return 0;
    snprintf(buf, len, "EMBER_VIZ_FONT='%s' is not a readable file", env);
    return -1;
  }
  const char *dirs = getenv("XDG_DATA_DIRS");
  char list[4096];
  snprintf(list, sizeof list, "%s", dirs && *dirs ? dirs : "/usr/local/share:/usr/share");
  for (char *save = NULL, *d = strtok_r(list, ":", &save); d; d = strtok_r(NULL, ":", &save))
    for (size_t k = 0; k < sizeof sub / sizeof *sub; k++) {
      snprintf(buf, len, "%s/%s/DejaVuSans.ttf", d, sub[k]);
      if (readable(buf))
        return 0;
    }
  if (ask_fc_match(buf, len) == 0)
    return 0;
  snprintf(buf, len,
           "no font found: DejaVuSans.ttf is not in the fonts folders of $XDG_DATA_DIRS and "
           "fc-match does not know it; install the Debian package fonts-dejavu-core or set "
           "EMBER_VIZ_FONT to a .ttf file");
  return -1;
}

vz_font *vz_font_open(const char *path, int px, char *msg, size_t msglen)
{
  if (!TTF_WasInit() && TTF_Init() < 0) {
    snprintf(msg, msglen, "SDL_ttf: %s", TTF_GetError());
    return NULL;
  }
  vz_font *f = calloc(1, sizeof *f);
  if (!f) {
    snprintf(msg, msglen, "out of memory");
    return NULL;
  }
  f->ttf = TTF_OpenFont(path, px);
  if (!f->ttf) {
    snprintf(msg, msglen, "cannot open font '%s': %s", path, TTF_GetError());
    free(f);
    return NULL;
  }
  f->height = TTF_FontLineSkip(f->ttf);
  f->ascent = TTF_FontAscent(f->ttf);
  return f;
}

void vz_font_free(vz_font *f)
{
  if (!f)
    return;
  for (int i = 0; i < N_GLYPHS; i++)
    SDL_FreeSurface(f->glyphs[i].mask);
  TTF_CloseFont(f->ttf);
  free(f);
}

int vz_font_height(const vz_font *f)
{
  return f->height;
}

/* Next code point of UTF-8 text at *s (advancing it); '?' for malformed bytes. */
static uint32_t next_cp(const char **s)
{
  const unsigned char *p = (const unsigned char *)*s;
  uint32_t c = *p++;
  int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
  if (c >= 0x80 && more == 0)
    c = '?';
  else if (more)
    c &= 0x3f >> more;
  for (; more > 0 && (*p & 0xc0) == 0x80; more--)
    c = (c << 6) | (*p++ & 0x3f);
  *s = (const char *)p;
  return more ? '?' : c;
}

/* The cached glyph of code point cp (rendered on first use); NULL if it is out of
 * the cache's range or the font lacks it. */
static glyph *get_glyph(vz_font *f, uint32_t cp)
{
  if (cp >= N_GLYPHS)
    cp = '?';
  glyph *g = &f->glyphs[cp];
  if (g->done)
    return g;
  g->done = 1;
  int maxx, miny;
  if (TTF_GlyphMetrics(f->ttf, (Uint16)cp, &g->minx, &maxx, &miny, &g->maxy, &g->advance) < 0)
    return g;
  SDL_Color white = {255, 255, 255, 255};
  SDL_Surface *r = cp > ' ' ? TTF_RenderGlyph_Blended(f->ttf, (Uint16)cp, white) : NULL;
  if (r) {
    g->mask = SDL_ConvertSurfaceFormat(r, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(r);
  }
  return g;
}

int vz_text_width(vz_font *f, const char *s)
{
  int w = 0;
  while (*s)
    w += get_glyph(f, next_cp(&s))->advance;
  return w;
}

/* Blends a glyph mask tinted with c into dst at (x, y), clipped. */
static void blit_mask(SDL_Surface *dst, const SDL_Surface *m, int x, int y, uint32_t c)
{
  SDL_Rect r = {x, y, m->w, m->h}, k;
  if (!SDL_IntersectRect(&r, &dst->clip_rect, &k))
    return;
  unsigned cr = (c >> 16) & 0xff, cg = (c >> 8) & 0xff, cb = c & 0xff;
  for (int yy = k.y; yy < k.y + k.h; yy++) {
    const uint32_t *src = (const uint32_t *)((const uint8_t *)m->pixels + (yy - y) * m->pitch);
    uint32_t *out = (uint32_t *)((uint8_t *)dst->pixels + yy * dst->pitch);
    for (int xx = k.x; xx < k.x + k.w; xx++) {
      unsigned a = src[xx - x] >> 24;
      if (!a)
        continue;
      uint32_t d = out[xx];
      unsigned r0 = (d >> 16) & 0xff, g0 = (d >> 8) & 0xff, b0 = d & 0xff;
      r0 += ((int)cr - (int)r0) * (int)a / 255;
      g0 += ((int)cg - (int)g0) * (int)a / 255;
      b0 += ((int)cb - (int)b0) * (int)a / 255;
      out[xx] = 0xff000000u | (r0 << 16) | (g0 << 8) | b0;
    }
  }
}

int vz_text(vz_font *f, SDL_Surface *dst, int x, int y, uint32_t c, const char *s)
{
  int x0 = x;
  while (*s) {
    glyph *g = get_glyph(f, next_cp(&s));
    /* TTF_RenderGlyph's surface starts at the glyph's left bearing and its top is
     * the font ascent above the baseline. */
    if (g->mask)
      blit_mask(dst, g->mask, x, y, c);
    x += g->advance;
  }
  return x - x0;
}

int vz_textf(vz_font *f, SDL_Surface *dst, int x, int y, uint32_t c, const char *fmt, ...)
{
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return vz_text(f, dst, x, y, c, buf);
}
