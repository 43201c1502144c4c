/* Drawing primitives (see draw.h): plain loops over a 32-bit surface, clipped. */
#include <math.h>
#include <stdlib.h>
#include "draw.h"

uint32_t vz_palette(size_t i)
{
  /* Saturated hues that stay apart on a dark background; none is grey. */
  static const uint32_t p[] = {VZ_RGB(255, 99, 71),  VZ_RGB(64, 160, 255), VZ_RGB(80, 220, 120),
                               VZ_RGB(255, 200, 40), VZ_RGB(200, 110, 255), VZ_RGB(40, 220, 220),
                               VZ_RGB(255, 120, 200), VZ_RGB(170, 230, 60)};
  return p[i % (sizeof p / sizeof *p)];
}

uint32_t vz_trace_color(size_t i)
{
  static const uint32_t p[] = {VZ_RGB(250, 250, 160), VZ_RGB(150, 230, 255), VZ_RGB(255, 170, 130),
                               VZ_RGB(190, 255, 190)};
  return p[i % (sizeof p / sizeof *p)];
}

uint32_t vz_mix(uint32_t a, uint32_t b, double f)
{
  uint32_t out = 0xff000000u;
  for (int sh = 0; sh < 24; sh += 8) {
    double ca = (a >> sh) & 0xff, cb = (b >> sh) & 0xff;
    out |= (uint32_t)lround(ca + (cb - ca) * f) << sh;
  }
  return out;
}

SDL_Surface *vz_surface_new(int w, int h)
{
  return SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
}

static inline uint32_t *row(const SDL_Surface *s, int y)
{
  return (uint32_t *)((uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch);
}

uint32_t vz_get(const SDL_Surface *s, int x, int y)
{
  if (x < 0 || y < 0 || x >= s->w || y >= s->h)
    return 0;
  return row(s, y)[x];
}

/* r cut to the clip rectangle; 0 if nothing is left. */
static int clip(const SDL_Surface *s, SDL_Rect *r)
{
  SDL_Rect out;
  if (!SDL_IntersectRect(r, &s->clip_rect, &out))
    return 0;
  *r = out;
  return 1;
}

void vz_pixel(SDL_Surface *s, int x, int y, uint32_t c)
{
  const SDL_Rect *k = &s->clip_rect;
  if (x >= k->x && y >= k->y && x < k->x + k->w && y < k->y + k->h)
    row(s, y)[x] = c;
}

void vz_fill(SDL_Surface *s, SDL_Rect r, uint32_t c)
{
  if (!clip(s, &r))
    return;
  for (int y = r.y; y < r.y + r.h; y++) {
    uint32_t *p = row(s, y) + r.x;
    for (int x = 0; x < r.w; x++)
      p[x] = c;
  }
}

void vz_shade(SDL_Surface *s, SDL_Rect r, uint32_t c, int alpha)
{
  if (!clip(s, &r))
    return;
  for (int y = r.y; y < r.y + r.h; y++) {
    uint32_t *p = row(s, y) + r.x;
    for (int x = 0; x < r.w; x++)
      p[x] = vz_mix(p[x], c, alpha / 255.0);
  }
}

void vz_hline(SDL_Surface *s, int x0, int x1, int y, uint32_t c)
{
  if (x1 < x0) {
    int t = x0;
    x0 = x1;
    x1 = t;
  }
  vz_fill(s, (SDL_Rect){x0, y, x1 - x0 + 1, 1}, c);
}

void vz_vline(SDL_Surface *s, int x, int y0, int y1, uint32_t c)
{
  if (y1 < y0) {
    int t = y0;
    y0 = y1;
    y1 = t;
  }
  vz_fill(s, (SDL_Rect){x, y0, 1, y1 - y0 + 1}, c);
}

void vz_frame(SDL_Surface *s, SDL_Rect r, uint32_t c)
{
  vz_hline(s, r.x, r.x + r.w - 1, r.y, c);
  vz_hline(s, r.x, r.x + r.w - 1, r.y + r.h - 1, c);
  vz_vline(s, r.x, r.y, r.y + r.h - 1, c);
  vz_vline(s, r.x + r.w - 1, r.y, r.y + r.h - 1, c);
}

/* Bresenham: integer steps, every pixel of the line exactly once. */
void vz_line(SDL_Surface *s, int x0, int y0, int x1, int y1, uint32_t c)
{
  int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
  int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
  int err = dx + dy;
  for (;;) {
    vz_pixel(s, x0, y0, c);
    if (x0 == x1 && y0 == y1)
      break;
    int e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

double vz_nice_step(double span, int n)
{
  if (!(span > 0) || n < 1)
    return 1.0;
  double raw = span / n, mag = pow(10.0, floor(log10(raw))), f = raw / mag;
  return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * mag;
}

uint32_t vz_diverge(double x)
{
  if (!(x == x))
    return VZ_MID;
  x = x < -1 ? -1 : x > 1 ? 1 : x;
  return x >= 0 ? vz_mix(VZ_MID, VZ_POS, x) : vz_mix(VZ_MID, VZ_NEG, -x);
}

void vz_disc(SDL_Surface *s, int cx, int cy, int r, uint32_t c)
{
  for (int dy = -r; dy <= r; dy++) {
    int dx = (int)floor(sqrt((double)(r * r - dy * dy)) + 0.5);
    vz_hline(s, cx - dx, cx + dx, cy + dy, c);
  }
}

void vz_thick_line(SDL_Surface *s, int x0, int y0, int x1, int y1, int w, uint32_t c)
{
  int steep = abs(y1 - y0) > abs(x1 - x0);
  for (int o = -(w - 1) / 2; o <= w / 2; o++)
    if (steep)
      vz_line(s, x0 + o, y0, x1 + o, y1, c);
    else
      vz_line(s, x0, y0 + o, x1, y1 + o, c);
}
