/* The visualizer window: view state, layout, the panel interface, the frame loop
 * and input. One vz_app draws one store fed by one source, into a window or (the
 * headless mode) only into its offscreen surface. */
#ifndef EMBER_VIZ_APP_H
#define EMBER_VIZ_APP_H

#include <stddef.h>
#include <stdint.h>
#include <SDL.h>
#include "source.h"
#include "store.h"
#include "text.h"

/* What is shown: a time window ending at t_now, a range of stacked raster rows,
 * the playback state and the selection. */
typedef struct vz_view {
  double t_now, span;      /* ms: the window is [t_now - span, t_now] */
  double row0, rows;       /* raster rows shown: [row0, row0 + rows) */
  double speed;            /* replay: simulated s per wall s; live: cap (0 = none) */
  int paused;              /* the user paused (live: the simulation waits) */
  int follow;              /* t_now sticks to the end of the data */
  int help;                /* the help overlay is shown */
  int quit;
  int sel_pop;             /* selected neuron: population (-1: none) and id */
  uint32_t sel_id;
  int trace_var;           /* which variable the trace panel shows (cycled by `v`) */
  int user_rows;           /* the user zoomed the rows: keep row0/rows as set */
  int tab;                 /* VZ_TAB_*: what the large panel shows */
  size_t circuit, proj;    /* the circuit (store->circuits) and projection shown */
} vz_view;

/* The views: spikes (raster + rate), an LTC circuit, a projection's weights.
 * The traces panel is under every one of them. */
enum { VZ_TAB_SPIKES, VZ_TAB_CIRCUIT, VZ_TAB_WEIGHTS };

typedef struct vz_app vz_app;

/* A panel of the vertical stack (raster, rate, traces; later the LTC circuit view
 * and the weight heatmap): the app asks each for a height, lays them out top to
 * bottom with shared time axes, and calls draw. */
typedef struct vz_panel_type {
  const char *name;
  /* Height wanted in pixels: 0 hides the panel, -1 takes an equal share of what
   * the fixed-height panels leave. */
  int (*height)(const vz_app *app);
  /* Draws into `panel`; `plot` is its inner area (inside the axis margins). */
  void (*draw)(vz_app *app, SDL_Rect panel, SDL_Rect plot);
  /* A left click at (x, y) inside plot; returns 1 if it did something. May be NULL. */
  int (*click)(vz_app *app, SDL_Rect plot, int x, int y);
} vz_panel_type;

extern const vz_panel_type vz_panel_raster, vz_panel_rate, vz_panel_trace, vz_panel_circuit,
  vz_panel_weights;

#define VZ_MAX_PANELS 8

typedef struct vz_layout {
  SDL_Rect panel[VZ_MAX_PANELS], plot[VZ_MAX_PANELS];
  SDL_Rect inspector;      /* w == 0 when no neuron is selected */
  SDL_Rect status, slider;
} vz_layout;

typedef struct vz_app_opts {
  int width, height;       /* pixels; 0: 1280 x 800 */
  int headless;            /* 1: no window, draw offscreen only */
  const char *title;
  double span;             /* ms shown; <= 0: 250 ms, or the whole data if shorter */
  double at;               /* start with t_now = at (ms); NAN: the beginning (replay) */
  const char *shot_dir;    /* where `s` saves screenshots; NULL: the current folder */
} vz_app_opts;

struct vz_app {
  vz_store *store;         /* borrowed */
  vz_source *src;          /* borrowed */
  vz_view view;
  vz_layout layout;
  const vz_panel_type *panels[VZ_MAX_PANELS];
  size_t n_panels;
  vz_font *font, *small;
  SDL_Surface *canvas;     /* every frame is drawn here */
  SDL_Window *win;
  SDL_Renderer *ren;
  SDL_Texture *tex;
  const char *shot_dir;
  int shot_count;
  char last_shot[4096];    /* path of the last screenshot saved with `s` */
  char message[256];       /* a transient note in the status bar */
  double message_until;    /* wall seconds */
  double frame_ms;         /* drawing time of the last frame (exponential average) */
  double wall_prev;        /* wall seconds at the previous frame */
  double default_span;
  int started;             /* the initial view was set from the first data */
  double at;
};

/* Margins of every stacked plot (pixels): room for row/value labels on the left
 * and time tick labels below. */
enum { VZ_MARGIN_L = 70, VZ_MARGIN_R = 10, VZ_MARGIN_T = 6, VZ_MARGIN_B = 18,
       VZ_INSPECTOR_W = 300, VZ_STATUS_H = 22, VZ_SLIDER_H = 16 };

/* A new app on store and src (both borrowed, they must outlive it). Opens the
 * font, the surface and, unless headless, the window (SDL video must be
 * initialised by the caller). NULL and a message on failure. */
vz_app *vz_app_new(vz_store *store, vz_source *src, const vz_app_opts *opts, char *msg,
                   size_t msglen);
/* Frees the app (not its store or source). NULL does nothing. */
void vz_app_free(vz_app *app);

/* Polls the source, moves time on by wall_dt seconds of playback and draws the
 * frame into app->canvas (and the window, if any). */
void vz_app_frame(vz_app *app, double wall_dt);
/* Lays out and draws the current view into app->canvas. */
void vz_app_render(vz_app *app);
/* Handles one SDL event (keys, mouse, window close). */
void vz_app_handle(vz_app *app, const SDL_Event *e);
/* Runs the window until the user quits (q, Escape twice, closing the window) or
 * *stop becomes nonzero (stop may be NULL). Returns 0. */
int vz_app_run(vz_app *app, volatile int *stop);
/* Saves the canvas as PNG or BMP (by extension). 0, or -1 with a message. */
int vz_app_screenshot(vz_app *app, const char *path, char *msg, size_t msglen);
/* Sets a transient status bar message. */
void vz_app_note(vz_app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Selects neuron id of population pop (pop < 0: clears the selection). */
void vz_app_select(vz_app *app, int pop, uint32_t id);
/* Index of the panel named name ("raster", "rate", "traces", "circuit",
 * "weights") in app->panels, or -1. */
int vz_app_panel(const vz_app *app, const char *name);
/* Shows view tab (VZ_TAB_*); circuit / projection `which` for those tabs.
 * Returns 0, or -1 (and a status note) when there is nothing to show. */
int vz_app_show(vz_app *app, int tab, size_t which);
/* The command-line forms (ember-viz and ember run --viz): --select P:ID selects
 * neuron ID of population P; --view spikes|circuit[:I]|weights[:I] shows a view.
 * 0, or -1 with a message (starting with the offending value) in msg. */
int vz_app_select_spec(vz_app *app, const char *spec, char *msg, size_t msglen);
int vz_app_view_spec(vz_app *app, const char *spec, char *msg, size_t msglen);
/* Wall clock in seconds (monotonic). */
double vz_wall(void);

/* ---------------------------------------------------------- layout.c --- */

/* Places the panels, the inspector, the status bar and the slider in w x h. */
void vz_layout_compute(vz_app *app, int w, int h);
/* The window's left edge time (ms). */
double vz_view_t0(const vz_view *v);
/* Pixel column of time t in plot (may lie outside plot) and its inverse. */
int vz_x_of_t(SDL_Rect plot, const vz_view *v, double t);
double vz_t_of_x(SDL_Rect plot, const vz_view *v, int x);
/* Pixel row of stacked raster row `row` (may lie outside plot) and its inverse. */
int vz_y_of_row(SDL_Rect plot, const vz_view *v, double row);
double vz_row_of_y(SDL_Rect plot, const vz_view *v, int y);
/* Clamps the view to the data (rows, times) after a change. */
void vz_view_clamp(vz_view *v, const vz_store *st);
/* Draws time ticks (and, if labels, their values in ms below) for plot. */
void vz_time_axis(vz_app *app, SDL_Rect plot, int labels);

/* ---------------------------------------------------- panel_circuit.c --- */

struct vz_circuit;
/* The node area of the circuit panel's plot (below the layer titles, above
 * the legend) and the pixel centre and radius of neuron j (sensory: input
 * channel j) in it. */
SDL_Rect vz_circuit_area(SDL_Rect plot);
void vz_circuit_node_xy(const struct vz_circuit *c, SDL_Rect area, size_t j, int sensory, int *x, int *y);
int vz_circuit_radius(const struct vz_circuit *c, SDL_Rect area);

/* ---------------------------------------------------- panel_weights.c --- */

struct vz_proj;
/* Heatmap cell of synapse pre i -> post j (rows: pre, columns: post). */
SDL_Rect vz_heat_cell(SDL_Rect plot, const struct vz_proj *p, size_t i, size_t j);
/* The histogram's bins and the bar area inside plot. */
enum { VZ_HIST_BINS = 40 };
SDL_Rect vz_hist_area(SDL_Rect plot);

/* ----------------------------------------------------------- status.c --- */

void vz_draw_status(vz_app *app);
void vz_draw_slider(vz_app *app);
/* Time (ms) at pixel x of the slider. */
double vz_slider_time(const vz_app *app, int x);
void vz_draw_help(vz_app *app);
/* The key lines of the help overlay (NULL-terminated), e.g. for --help: the
 * keys, a tab, the description. */
extern const char *const vz_help_lines[];

#endif
