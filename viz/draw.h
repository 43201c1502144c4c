/* Drawing primitives on a 32-bit ARGB SDL_Surface. Every frame is drawn in
 * software into one surface, so the window, the headless mode and the tests see
 * exactly the same pixels; the window only uploads the surface as a texture. */
#ifndef EMBER_VIZ_DRAW_H
#define EMBER_VIZ_DRAW_H

#include <stdint.h>
#include <SDL.h>

#define VZ_RGB(r, g, b) (0xff000000u | ((uint32_t)(r) << 16) | ((uint32_t)(g) << 8) | (uint32_t)(b))

/* The theme: dark background, grey axes. No population colour is grey, so tests
 * can tell spikes from axes by colour alone. */
enum {
  VZ_BG = VZ_RGB(18, 20, 26),
  VZ_PANEL = VZ_RGB(26, 29, 37),
  VZ_GRID = VZ_RGB(48, 52, 62),
  VZ_AXIS = VZ_RGB(120, 126, 140),
  VZ_TEXT = VZ_RGB(220, 224, 232),
  VZ_DIM = VZ_RGB(140, 146, 160),
  VZ_SELECT = VZ_RGB(70, 74, 86)
};

/* The diverging scale of signed quantities (state v, synaptic currents,
 * weights): x in [-1, 1] from VZ_NEG through VZ_MID (0) to VZ_POS; clamped. */
enum { VZ_NEG = VZ_RGB(60, 150, 255), VZ_MID = VZ_RGB(70, 74, 86), VZ_POS = VZ_RGB(255, 120, 60) };
uint32_t vz_diverge(double x);
/* A filled disc of radius r centred on (cx, cy). */
void vz_disc(SDL_Surface *s, int cx, int cy, int r, uint32_t c);
/* A line w pixels wide (w >= 1), widened across its main direction. */
void vz_thick_line(SDL_Surface *s, int x0, int y0, int x1, int y1, int w, uint32_t c);

/* The colour of population i (a fixed palette, cycling). */
uint32_t vz_palette(size_t i);
/* The colour of trace i (a second palette, distinct from the populations'). */
uint32_t vz_trace_color(size_t i);
/* a mixed with b: f = 0 gives a, 1 gives b. */
uint32_t vz_mix(uint32_t a, uint32_t b, double f);

/* A new ARGB8888 surface of w x h; NULL (SDL_GetError) on failure. */
SDL_Surface *vz_surface_new(int w, int h);
/* The pixel at (x, y); 0 outside the surface. */
uint32_t vz_get(const SDL_Surface *s, int x, int y);

/* All clip to the surface's clip rectangle (SDL_SetClipRect). */
void vz_pixel(SDL_Surface *s, int x, int y, uint32_t c);
void vz_fill(SDL_Surface *s, SDL_Rect r, uint32_t c);
/* Fills r with c at opacity alpha (0..255) over what is there. */
void vz_shade(SDL_Surface *s, SDL_Rect r, uint32_t c, int alpha);
void vz_hline(SDL_Surface *s, int x0, int x1, int y, uint32_t c);
void vz_vline(SDL_Surface *s, int x, int y0, int y1, uint32_t c);
void vz_frame(SDL_Surface *s, SDL_Rect r, uint32_t c);
void vz_line(SDL_Surface *s, int x0, int y0, int x1, int y1, uint32_t c);

/* A "nice" tick step (1, 2 or 5 times a power of ten) for about n ticks over span. */
double vz_nice_step(double span, int n);

#endif
