/* test_linloss.c - checks every linloss.h entry point against reference.h.

   Build:  cc -std=c99 -I. tests/test_linloss.c -lm
           (-DLINLOSS_BACKEND=LINLOSS_BACKEND_xxx to pick a backend,
            -DLINLOSS_TEST_EXPECT_BACKEND="\"scalar\"" to check its name)
   Run:    ./test_linloss        LINLOSS_TEST_SEED=<n> picks another seed.
           The meson suite also builds it with -fopenmp and chunks of a few
           rows (-DLINLOSS_I_CHUNK_ROWS=8 -DLINLOSS_I_CHUNK_MACS=1
           -DLINLOSS_TEST_CHUNKED: the memory bound then counts the threads'
           partial sums) and runs it on 3 threads.

   Output: one TAP-like line per test group, "ok N - name" or
   "not ok N - name: first failure", up to a few more failures as "#" lines,
   and a final line "N passed, N failed" (counting groups). Exit status 1 if
   any group failed.

   The expected values come from reference.h only (float64 loops written from
   the manual). The f32 and f64 paths share one driver: test data lives in
   double arrays (rounded to the precision under test), is converted into
   buffers of the tested type, and the outputs are converted back.

   Tolerances: loss relative error <= 2e-5 (f32) / 1e-11 (f64); dW, db, dS
   and the per-sample losses normwise, ||got - ref|| / max(||ref||, floor).
   For random data the floor of the loss is 0.05 per unit of counted weight
   (a loss that is a tiny fraction of a single margin is ill-conditioned in
   float); the special-value tests use no floor. SVM test points keep every
   margin at least 1e-3 away from its kink. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The library's scratch allocations go through these: counted, and made to
   fail on demand (LINLOSS_ERR_NOMEM). */
static int g_malloc_fail, g_malloc_calls, g_malloc_ok, g_free_calls;
static size_t g_malloc_bytes; /* the largest request */
static inline void *test_malloc(size_t bytes) {
  g_malloc_calls++;
  if (bytes > g_malloc_bytes) g_malloc_bytes = bytes;
  if (g_malloc_fail) return NULL;
  g_malloc_ok++;
  return malloc(bytes ? bytes : 1);
}
static inline void test_free(void *p) {
  if (p) g_free_calls++;
  free(p);
}
#define LINLOSS_MALLOC(bytes) test_malloc(bytes)
#define LINLOSS_FREE(p) test_free(p)

#include "linloss.h"
#include "reference.h"

/* ------------------------------------------------------------ utilities */

typedef struct rng {
  uint64_t s;
} rng;

static uint64_t rng_next(rng *r) { /* splitmix64 */
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static double rng_unit(rng *r) { return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0); }
static double rng_range(rng *r, double lo, double hi) { return lo + (hi - lo) * rng_unit(r); }
static size_t rng_below(rng *r, size_t n) { return n ? (size_t)(rng_next(r) % n) : 0; }
static int rng_bit(rng *r) { return (int)(rng_next(r) >> 63); }

static uint64_t g_seed = 20240607ull;

/* every group draws from its own stream, so groups do not depend on each other */
static rng rng_for(const char *name) {
  rng r;
  uint64_t h = 1469598103934665603ull;
  while (*name) h = (h ^ (unsigned char)*name++) * 1099511628211ull;
  r.s = g_seed ^ h;
  rng_next(&r);
  return r;
}

static void *xmalloc(size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (!p) {
    fprintf(stderr, "test_linloss: out of memory\n");
    exit(2);
  }
  return p;
}
static double *dalloc(size_t n) { return (double *)xmalloc(n * sizeof(double)); }

/* ------------------------------------------------------------ reporting */

#define MAX_MSGS 6
static struct {
  int number, passed, failed;
  char name[160];
  long checks, fails;
  clock_t t0;
  char msgs[MAX_MSGS][700];
} G;

static void group_begin(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(G.name, sizeof G.name, fmt, ap);
  va_end(ap);
  G.checks = G.fails = 0;
  G.t0 = clock();
}

static int g_verbose; /* LINLOSS_TEST_VERBOSE=1: print every failure */

static void fail(const char *fmt, ...) {
  G.fails++;
  if (G.fails <= MAX_MSGS || g_verbose) {
    char msg[sizeof G.msgs[0]];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (G.fails <= MAX_MSGS) memcpy(G.msgs[G.fails - 1], msg, sizeof msg);
    if (g_verbose) printf("# FAIL %s\n", msg);
  }
}

static void group_end(void) {
  long k;
  G.number++;
  if (G.fails == 0) {
    G.passed++;
    printf("ok %d - %s (%ld checks, %.2f s)\n", G.number, G.name, G.checks,
           (double)(clock() - G.t0) / CLOCKS_PER_SEC);
  } else {
    G.failed++;
    printf("not ok %d - %s: %s\n", G.number, G.name, G.msgs[0]);
    for (k = 1; k < G.fails && k < MAX_MSGS; k++) printf("#   %s\n", G.msgs[k]);
    if (G.fails > MAX_MSGS) printf("#   ... %ld failures in all\n", G.fails);
  }
  fflush(stdout);
}

/* ------------------------------------------------- the two precisions */

enum { E_SVM, E_SOFTMAX, E_LOGISTIC, E_SVM_S, E_SOFTMAX_S, E_LOGISTIC_S, E_PREDICT, E_COUNT };
static const char *const entry_name[E_COUNT] = {
    "svm", "softmax", "logistic", "svm_scores", "softmax_scores", "logistic_scores", "predict"};
static int is_fused(int e) { return e == E_SVM || e == E_SOFTMAX || e == E_LOGISTIC; }
static int is_scores(int e) { return e == E_SVM_S || e == E_SOFTMAX_S || e == E_LOGISTIC_S; }
static int is_logistic(int e) { return e == E_LOGISTIC || e == E_LOGISTIC_S; }
static int is_svm(int e) { return e == E_SVM || e == E_SVM_S; }
static int kind_of(int e) {
  return is_svm(e) ? REF_SVM : (e == E_SOFTMAX || e == E_SOFTMAX_S) ? REF_SOFTMAX : REF_LOGISTIC;
}

/* The arguments of any entry point, type-erased. */
typedef struct call_args {
  size_t n, d, c, ldx, lds, ldds;
  const void *X, *W, *b, *S;
  const int32_t *y;
  const linloss_options *opt;
  void *loss, *dW, *db, *dS;
  int32_t *pred;
} call_args;

typedef linloss_status (*entry_fn)(const call_args *);

typedef struct api {
  const char *name;
  size_t esize;
  double tol;
  double (*get)(const void *p, size_t i);
  void (*set)(void *p, size_t i, double v);
  double (*round)(double v);
  entry_fn fn[E_COUNT];
} api;

/* The only per-type code: thin wrappers around the _f32 / _f64 twins. */
#define DEFINE_API(T, SFX, TOL)                                                            \
  static double get_##SFX(const void *p, size_t i) { return (double)((const T *)p)[i]; }   \
  static void set_##SFX(void *p, size_t i, double v) { ((T *)p)[i] = (T)v; }               \
  static double round_##SFX(double v) { return (double)(T)v; }                             \
  static linloss_status svm_##SFX(const call_args *g) {                                    \
    return linloss_svm_##SFX(g->n, g->d, g->c, (const T *)g->X, g->ldx, g->y,              \
                           (const T *)g->W, (const T *)g->b, g->opt, (T *)g->loss,       \
                           (T *)g->dW, (T *)g->db);                                      \
  }                                                                                      \
  static linloss_status softmax_##SFX(const call_args *g) {                                \
    return linloss_softmax_##SFX(g->n, g->d, g->c, (const T *)g->X, g->ldx, g->y,          \
                               (const T *)g->W, (const T *)g->b, g->opt, (T *)g->loss,   \
                               (T *)g->dW, (T *)g->db);                                  \
  }                                                                                      \
  static linloss_status logistic_##SFX(const call_args *g) {                               \
    return linloss_logistic_##SFX(g->n, g->d, (const T *)g->X, g->ldx, g->y,               \
                                (const T *)g->W, (const T *)g->b, g->opt, (T *)g->loss,  \
                                (T *)g->dW, (T *)g->db);                                 \
  }                                                                                      \
  static linloss_status svm_scores_##SFX(const call_args *g) {                             \
    return linloss_svm_scores_##SFX(g->n, g->c, (const T *)g->S, g->lds, g->y, g->opt,     \
                                  (T *)g->loss, (T *)g->dS, g->ldds);                    \
  }                                                                                      \
  static linloss_status softmax_scores_##SFX(const call_args *g) {                         \
    return linloss_softmax_scores_##SFX(g->n, g->c, (const T *)g->S, g->lds, g->y, g->opt, \
                                      (T *)g->loss, (T *)g->dS, g->ldds);                \
  }                                                                                      \
  static linloss_status logistic_scores_##SFX(const call_args *g) {                        \
    return linloss_logistic_scores_##SFX(g->n, (const T *)g->S, g->y, g->opt,              \
                                       (T *)g->loss, (T *)g->dS);                        \
  }                                                                                      \
  static linloss_status predict_##SFX(const call_args *g) {                                \
    return linloss_predict_##SFX(g->n, g->d, g->c, (const T *)g->X, g->ldx,                \
                               (const T *)g->W, (const T *)g->b, g->opt, g->pred);       \
  }                                                                                      \
  static const api api_##SFX = {#SFX,                                                        \
                              sizeof(T),                                                 \
                              TOL,                                                       \
                              get_##SFX,                                                   \
                              set_##SFX,                                                   \
                              round_##SFX,                                                 \
                              {svm_##SFX, softmax_##SFX, logistic_##SFX, svm_scores_##SFX,       \
                               softmax_scores_##SFX, logistic_scores_##SFX, predict_##SFX}};
DEFINE_API(float, f32, 2e-5)
DEFINE_API(double, f64, 1e-11)

static const api *const apis[2] = {&api_f32, &api_f64};

/* ------------------------------------------------------------ problems */

/* One call's inputs, in double (already rounded to the tested precision). */
typedef struct problem {
  int entry;
  size_t n, d, c; /* c = number of classes (2 for the logistic loss) */
  size_t w;       /* score columns: c, or 1 for the logistic loss */
  size_t ldx, lds, ldds;
  double *X, *W, *b, *S; /* X n x ldx, W d*w, b w or NULL, S n x lds */
  int32_t *y;
  double *cw, *sw; /* owned class / sample weights (opt points to them) or NULL */
  linloss_options opt;
  int want_sl;     /* ask for per-sample losses */
  int ints;        /* integer data: scores are exact, ties must be exact */
} problem;

typedef struct spec {
  int entry;
  size_t n, d, c;
  size_t pad_x, pad_s, pad_ds; /* stride - row length */
  int layout, bias, variant, power, reduction;
  double delta, reg, eps;
  int cw, sw;      /* 1: weight tables (with some zeros) */
  int ignore;      /* 0 none, 1: -1, 2: 255, 3: a label inside [0, C) */
  int want_sl;
  int ints;        /* small integer data (exact ties for predict) */
  double xscale;   /* range of X (and of S: 2 xscale) */
} spec;

static const size_t small_ns[] = {0, 1, 1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33};

static void spec_random(rng *r, spec *s, int entry) {
  static const double deltas[] = {1.0, 1.0, 0.0, 0.3, 2.5}; /* 0.3: not a float */
  static const double regs[] = {0.0, 0.0, 1e-3, 0.1, 2.0};
  static const double epss[] = {0.0, 0.0, 0.1, 0.5, 0.9};
  memset(s, 0, sizeof *s);
  s->entry = entry;
  s->n = small_ns[rng_below(r, sizeof small_ns / sizeof small_ns[0])];
  s->d = 1 + rng_below(r, 33);
  s->c = is_logistic(entry) ? 2 : 2 + rng_below(r, 32);
  s->pad_x = rng_bit(r) ? 0 : 1 + rng_below(r, 5);
  s->pad_s = rng_bit(r) ? 0 : 1 + rng_below(r, 5);
  s->pad_ds = rng_bit(r) ? 0 : 1 + rng_below(r, 5);
  s->layout = rng_bit(r) ? LINLOSS_W_CD : LINLOSS_W_DC;
  s->bias = rng_bit(r);
  s->variant = rng_bit(r) ? LINLOSS_SVM_CS : LINLOSS_SVM_WW;
  s->power = rng_bit(r) ? 2 : 1;
  s->reduction = rng_bit(r) ? LINLOSS_SUM : LINLOSS_MEAN;
  s->delta = deltas[rng_below(r, 5)];
  s->reg = regs[rng_below(r, 5)];
  s->eps = epss[rng_below(r, 5)];
  s->cw = rng_below(r, 3) == 0;
  s->sw = rng_below(r, 3) == 0;
  s->ignore = rng_below(r, 3) == 0 ? 1 + (int)rng_below(r, 3) : 0;
  s->want_sl = rng_bit(r);
  s->xscale = 1.0;
}

/* the documented defaults of linloss_options */
static void spec_defaults(spec *s) {
  s->layout = LINLOSS_W_DC;
  s->variant = LINLOSS_SVM_WW;
  s->power = 1;
  s->reduction = LINLOSS_MEAN;
  s->delta = 1.0;
  s->reg = s->eps = 0.0;
  s->cw = s->sw = s->ignore = s->want_sl = 0;
}

static size_t row_width(const problem *p) { return p->w; }

static ref_opts ref_opts_of(const problem *p) {
  ref_opts o;
  memset(&o, 0, sizeof o);
  o.kind = kind_of(p->entry);
  o.delta = p->opt.delta;
  o.reg = p->opt.reg;
  o.w_cd = p->opt.w_layout == LINLOSS_W_CD;
  o.sum = p->opt.reduction == LINLOSS_SUM;
  o.crammer_singer = p->opt.svm_variant == LINLOSS_SVM_CS;
  o.power = p->opt.hinge_power;
  o.has_ignore = p->opt.ignore_label != LINLOSS_NO_IGNORE;
  o.ignore = p->opt.ignore_label;
  o.eps = p->opt.label_smoothing;
  o.class_weight = p->opt.class_weight;
  o.sample_weight = p->opt.sample_weight;
  return o;
}

static double sample_w(const problem *p, size_t i) {
  ref_opts o = ref_opts_of(p);
  return ref_weight(&o, i, p->y[i]);
}

/* Is every SVM margin of this row of scores at least 1e-3 from its kink
   (and, for Crammer-Singer, the worst class unambiguous)? */
static int svm_row_safe(const problem *p, const double *s, int32_t y) {
  size_t j, top = p->c, second = p->c;
  const double gap = 1e-3;
  if (p->opt.ignore_label != LINLOSS_NO_IGNORE && y == p->opt.ignore_label) return 1;
  for (j = 0; j < p->c; j++) {
    if (j == (size_t)y) continue;
    if (fabs(s[j] - s[y] + p->opt.delta) <= gap) return 0;
    if (top == p->c || s[j] > s[top]) {
      second = top;
      top = j;
    } else if (second == p->c || s[j] > s[second]) {
      second = j;
    }
  }
  if (p->opt.svm_variant == LINLOSS_SVM_CS && second != p->c && s[top] - s[second] <= gap)
    return 0;
  return 1;
}

static double draw(const api *a, rng *r, const spec *s, double lo, double hi) {
  if (s->ints) return (double)((int)rng_below(r, 5) - 2);
  return a->round(rng_range(r, lo, hi));
}

static int32_t draw_label(rng *r, const problem *p, const spec *s) {
  if (s->ignore && rng_below(r, 4) == 0) return p->opt.ignore_label;
  return (int32_t)rng_below(r, p->c);
}

static void draw_x_row(const api *a, rng *r, const spec *s, problem *p, size_t i) {
  size_t k;
  for (k = 0; k < p->d; k++) p->X[i * p->ldx + k] = draw(a, r, s, -s->xscale, s->xscale);
}

static void draw_s_row(const api *a, rng *r, const spec *s, problem *p, size_t i) {
  size_t j;
  for (j = 0; j < p->w; j++) p->S[i * p->lds + j] = draw(a, r, s, -2 * s->xscale, 2 * s->xscale);
}

/* Re-draw SVM rows (and, failing that, labels) until no margin sits near a
   kink, so that f32 rounding cannot flip an indicator. */
static void svm_keep_off_kinks(const api *a, rng *r, const spec *s, problem *p) {
  size_t i;
  double *row = dalloc(p->c);
  ref_opts o = ref_opts_of(p);
  for (i = 0; i < p->n; i++) {
    int tries;
    for (tries = 0; tries < 2000; tries++) {
      const double *sr;
      if (is_fused(p->entry)) {
        ref_scores(&o, 1, p->d, p->c, p->X + i * p->ldx, p->ldx, p->W, p->b, row);
        sr = row;
      } else {
        sr = p->S + i * p->lds;
      }
      if (svm_row_safe(p, sr, p->y[i])) break;
      if (tries % 50 == 49) p->y[i] = draw_label(r, p, s);
      if (is_fused(p->entry))
        draw_x_row(a, r, s, p, i);
      else
        draw_s_row(a, r, s, p, i);
    }
  }
  free(row);
}

static double draw_weight(rng *r) {
  return rng_below(r, 6) == 0 ? 0.0 : rng_range(r, 0.25, 2.0);
}

static problem *problem_make(const api *a, rng *r, const spec *s) {
  problem *p = (problem *)xmalloc(sizeof *p);
  size_t i, j, k;
  memset(p, 0, sizeof *p);
  p->entry = s->entry;
  p->n = s->n;
  p->d = s->d;
  p->c = is_logistic(s->entry) ? 2 : s->c;
  p->w = is_logistic(s->entry) ? 1 : p->c;
  p->ldx = p->d + s->pad_x;
  p->lds = is_logistic(s->entry) ? 1 : p->w + s->pad_s;
  p->ldds = is_logistic(s->entry) ? 1 : p->w + s->pad_ds;
  p->opt = linloss_options_default();
  p->opt.w_layout = s->layout;
  p->opt.svm_variant = s->variant;
  p->opt.hinge_power = s->power;
  p->opt.reduction = s->reduction;
  p->opt.delta = s->delta;
  p->opt.reg = s->reg;
  p->opt.label_smoothing = is_svm(s->entry) ? 0.0 : s->eps;
  if (s->ignore == 1) p->opt.ignore_label = -1;
  if (s->ignore == 2) p->opt.ignore_label = p->c <= 255 ? 255 : -7;
  if (s->ignore == 3) p->opt.ignore_label = (int32_t)(p->c - 1);
  p->want_sl = s->want_sl;
  p->ints = s->ints;
  if (s->cw) {
    p->cw = dalloc(p->c);
    for (j = 0; j < p->c; j++) p->cw[j] = draw_weight(r);
  }
  p->opt.class_weight = p->cw;
  if (s->sw) {
    p->sw = dalloc(p->n);
    for (i = 0; i < p->n; i++) p->sw[i] = draw_weight(r);
  }
  p->opt.sample_weight = p->sw;
  p->y = (int32_t *)xmalloc(p->n * sizeof(int32_t));
  for (i = 0; i < p->n; i++) p->y[i] = draw_label(r, p, s);
  if (is_fused(s->entry) || s->entry == E_PREDICT) {
    double wscale = s->xscale / sqrt((double)p->d); /* scores of order 1 */
    p->X = dalloc(p->n * p->ldx);
    for (i = 0; i < p->n; i++) {
      draw_x_row(a, r, s, p, i);
      for (k = p->d; k < p->ldx; k++) p->X[i * p->ldx + k] = NAN; /* must not be read */
    }
    p->W = dalloc(p->d * p->w);
    for (k = 0; k < p->d * p->w; k++) p->W[k] = draw(a, r, s, -wscale, wscale);
    if (s->bias) {
      p->b = dalloc(p->w);
      for (j = 0; j < p->w; j++) p->b[j] = draw(a, r, s, -1, 1);
    }
  } else {
    p->S = dalloc(p->n * p->lds);
    for (i = 0; i < p->n; i++) {
      draw_s_row(a, r, s, p, i);
      for (j = p->w; j < p->lds; j++) p->S[i * p->lds + j] = NAN; /* must not be read */
    }
  }
  if (is_svm(s->entry) && !s->ints) svm_keep_off_kinks(a, r, s, p);
  return p;
}

static void problem_free(problem *p) {
  if (!p) return;
  free(p->X);
  free(p->W);
  free(p->b);
  free(p->S);
  free(p->y);
  free(p->cw);
  free(p->sw);
  free(p);
}

static const char *describe(const api *a, const problem *p, int inplace) {
  static char buf[400];
  const linloss_options *o = &p->opt;
  int e = p->entry;
  size_t len = 0;
  len += (size_t)snprintf(buf + len, sizeof buf - len, "[%s %s n=%zu", entry_name[e], a->name, p->n);
  if (is_fused(e) || e == E_PREDICT)
    len += (size_t)snprintf(buf + len, sizeof buf - len, " d=%zu ldx=%zu", p->d, p->ldx);
  if (!is_logistic(e)) len += (size_t)snprintf(buf + len, sizeof buf - len, " c=%zu", p->c);
  if (is_scores(e) && !is_logistic(e))
    len += (size_t)snprintf(buf + len, sizeof buf - len, " lds=%zu ldds=%zu", p->lds, p->ldds);
  if ((is_fused(e) || e == E_PREDICT) && !is_logistic(e))
    len += (size_t)snprintf(buf + len, sizeof buf - len, " %s", o->w_layout == LINLOSS_W_CD ? "CD" : "DC");
  if (is_fused(e) || e == E_PREDICT)
    len += (size_t)snprintf(buf + len, sizeof buf - len, "%s", p->b ? " bias" : " nobias");
  if (is_svm(e))
    len += (size_t)snprintf(buf + len, sizeof buf - len, " %s p%d delta=%g",
                            o->svm_variant == LINLOSS_SVM_CS ? "CS" : "WW", o->hinge_power, o->delta);
  if (is_fused(e)) len += (size_t)snprintf(buf + len, sizeof buf - len, " reg=%g", o->reg);
  if (e != E_PREDICT) {
    len += (size_t)snprintf(buf + len, sizeof buf - len, " %s", o->reduction == LINLOSS_SUM ? "SUM" : "MEAN");
    if (!is_svm(e)) len += (size_t)snprintf(buf + len, sizeof buf - len, " eps=%g", o->label_smoothing);
    if (o->class_weight) len += (size_t)snprintf(buf + len, sizeof buf - len, " class_w");
    if (o->sample_weight) len += (size_t)snprintf(buf + len, sizeof buf - len, " sample_w");
    if (o->ignore_label != LINLOSS_NO_IGNORE)
      len += (size_t)snprintf(buf + len, sizeof buf - len, " ignore=%ld", (long)o->ignore_label);
    if (p->want_sl) len += (size_t)snprintf(buf + len, sizeof buf - len, " sample_loss");
  }
  if (inplace) len += (size_t)snprintf(buf + len, sizeof buf - len, " in-place");
  snprintf(buf + len, sizeof buf - len, " seed=%llu]", (unsigned long long)g_seed);
  return buf;
}

/* ------------------------------------------------------------- results */

enum { O_LOSS = 1, O_DW = 2, O_DB = 4, O_DS = 8, O_SL = 16, O_PRED = 32 };

static unsigned outputs_of(int e) {
  if (is_fused(e)) return O_LOSS | O_DW | O_DB | O_SL;
  if (is_scores(e)) return O_LOSS | O_DS | O_SL;
  return O_PRED;
}

typedef struct result {
  linloss_status st;
  double loss;
  double *dW, *db, *dS, *sl, *scores; /* dS n x w contiguous */
  int32_t *pred;
} result;

static void result_init(result *r, const problem *p) {
  memset(r, 0, sizeof *r);
  r->dW = dalloc(p->d * p->w);
  r->db = dalloc(p->w);
  r->dS = dalloc(p->n * p->w);
  r->sl = dalloc(p->n);
  r->scores = dalloc(p->n * p->w);
  r->pred = (int32_t *)xmalloc(p->n * sizeof(int32_t));
}

static void result_free(result *r) {
  free(r->dW);
  free(r->db);
  free(r->dS);
  free(r->sl);
  free(r->scores);
  free(r->pred);
}

static void run_ref(const problem *p, result *r) {
  ref_opts o = ref_opts_of(p);
  result_init(r, p);
  r->st = LINLOSS_OK;
  if (p->entry == E_PREDICT)
    ref_predict(&o, p->n, p->d, p->c, p->X, p->ldx, p->W, p->b, r->pred, r->scores);
  else if (is_fused(p->entry)) {
    r->loss = ref_loss_fused(&o, p->n, p->d, p->w, p->X, p->ldx, p->y, p->W, p->b, r->dW,
                             r->db, r->sl, r->dS);
    ref_scores(&o, p->n, p->d, p->w, p->X, p->ldx, p->W, p->b, r->scores);
  } else {
    size_t i, j;
    r->loss = ref_loss_scores(&o, p->n, p->w, p->S, p->lds, p->y, r->dS, r->sl);
    for (i = 0; i < p->n; i++)
      for (j = 0; j < p->w; j++) r->scores[i * p->w + j] = p->S[i * p->lds + j];
  }
}

/* A buffer of the tested type, placed 1..3 elements past its allocation
   (so it is never aligned like malloc's result), the bytes around it filled
   with a sentinel. */
#define SENTINEL 0xA5
typedef struct tbuf {
  unsigned char *mem;
  void *p;
  size_t esize, off, count, guard;
} tbuf;

static unsigned g_offset_counter;

static void tb_make(tbuf *t, size_t esize, size_t count, size_t guard) {
  size_t total = (3 + count + guard) * esize;
  t->esize = esize;
  t->off = 1 + (g_offset_counter++ % 3);
  t->count = count;
  t->guard = guard;
  t->mem = (unsigned char *)xmalloc(total);
  memset(t->mem, SENTINEL, total);
  t->p = t->mem + t->off * esize;
}

static void tb_from(const api *a, tbuf *t, const double *src, size_t count) {
  size_t i;
  tb_make(t, a->esize, count, 0);
  for (i = 0; i < count; i++) a->set(t->p, i, src[i]);
}

static int tb_guards_ok(const tbuf *t) {
  size_t i, lead = t->off * t->esize, tail = (t->off + t->count) * t->esize;
  for (i = 0; i < lead; i++)
    if (t->mem[i] != SENTINEL) return 0;
  for (i = tail; i < tail + t->guard * t->esize; i++)
    if (t->mem[i] != SENTINEL) return 0;
  return 1;
}

static void tb_free(tbuf *t) { free(t->mem); }

static unsigned char *snapshot(const void *p, size_t bytes) {
  unsigned char *s = (unsigned char *)xmalloc(bytes);
  if (bytes) memcpy(s, p, bytes);
  return s;
}

/* Runs the library on p, asking for the outputs in `mask` (in place: dS is
   S itself). Checks that nothing outside the outputs was written and that
   the inputs are unchanged; reads the outputs back into r. */
static void run_lib(const api *a, const problem *p, unsigned mask, int inplace, result *r) {
  tbuf X, W, b, S, loss, dW, db, dS, sl, pred;
  call_args g;
  linloss_options opt = p->opt;
  size_t i, j, w = row_width(p), nS = p->n * p->lds, nDS;
  unsigned char *snapX = NULL, *snapW = NULL, *snapB = NULL, *snapS = NULL, *snapDS = NULL;
  unsigned char *snapY, *snapCW = NULL, *snapSW = NULL;
  const char *ctx = describe(a, p, inplace);
  int fused = is_fused(p->entry) || p->entry == E_PREDICT;

  result_init(r, p);
  memset(&g, 0, sizeof g);
  memset(&X, 0, sizeof X);
  W = b = S = X;
  if (!(mask & O_DS)) inplace = 0;
  g.n = p->n;
  g.d = p->d;
  g.c = p->c;
  g.ldx = p->ldx;
  g.lds = p->lds;
  g.ldds = inplace ? p->lds : p->ldds;
  g.y = p->y;
  g.opt = &opt;
  if (fused) {
    tb_from(a, &X, p->X, p->n * p->ldx);
    tb_from(a, &W, p->W, p->d * w);
    g.X = X.p;
    g.W = W.p;
    if (p->b) {
      tb_from(a, &b, p->b, w);
      g.b = b.p;
    }
    snapX = snapshot(X.mem, (X.off + X.count) * X.esize);
    snapW = snapshot(W.mem, (W.off + W.count) * W.esize);
    if (p->b) snapB = snapshot(b.mem, (b.off + b.count) * b.esize);
  } else {
    tb_from(a, &S, p->S, nS);
    g.S = S.p;
    snapS = snapshot(S.mem, (S.off + S.count) * S.esize);
  }
  snapY = snapshot(p->y, p->n * sizeof(int32_t));
  if (opt.class_weight) snapCW = snapshot(opt.class_weight, p->c * sizeof(double));
  if (opt.sample_weight) snapSW = snapshot(opt.sample_weight, p->n * sizeof(double));

  tb_make(&loss, a->esize, 1, 2);
  tb_make(&dW, a->esize, p->d * w, 3);
  tb_make(&db, a->esize, w, 3);
  nDS = p->n * g.ldds;
  tb_make(&dS, a->esize, nDS, 3);
  tb_make(&sl, sizeof(double), p->n, 3);
  tb_make(&pred, sizeof(int32_t), p->n, 3);
  if (mask & O_LOSS) g.loss = loss.p;
  if (mask & O_DW) g.dW = dW.p;
  if (mask & O_DB) g.db = db.p;
  if (mask & O_DS) g.dS = inplace ? S.p : dS.p;
  if (mask & O_PRED) g.pred = (int32_t *)pred.p;
  if ((mask & O_SL) && p->want_sl) opt.sample_loss = (double *)sl.p;
  snapDS = inplace ? snapshot(S.p, nS * a->esize) : NULL;

  r->st = a->fn[p->entry](&g);

  if (r->st != LINLOSS_OK)
    fail("%s returned %s (%d), expected LINLOSS_OK", ctx, linloss_status_string(r->st), (int)r->st);
  if (!tb_guards_ok(&loss) || !tb_guards_ok(&dW) || !tb_guards_ok(&db) || !tb_guards_ok(&dS) ||
      !tb_guards_ok(&sl) || !tb_guards_ok(&pred) || (inplace && !tb_guards_ok(&S)))
    fail("%s wrote outside its outputs", ctx);
  if (fused) {
    if (memcmp(snapX, X.mem, (X.off + X.count) * X.esize) ||
        memcmp(snapW, W.mem, (W.off + W.count) * W.esize) ||
        (p->b && memcmp(snapB, b.mem, (b.off + b.count) * b.esize)))
      fail("%s modified X, W or b", ctx);
  } else if (!inplace && memcmp(snapS, S.mem, (S.off + S.count) * S.esize)) {
    fail("%s modified S", ctx);
  }
  if (memcmp(snapY, p->y, p->n * sizeof(int32_t)) ||
      (opt.class_weight && memcmp(snapCW, opt.class_weight, p->c * sizeof(double))) ||
      (opt.sample_weight && memcmp(snapSW, opt.sample_weight, p->n * sizeof(double))))
    fail("%s modified y or the weights", ctx);
  /* the stride padding of dS is not part of the output */
  if (mask & O_DS) {
    const unsigned char *now = (const unsigned char *)(inplace ? S.p : dS.p);
    for (i = 0; i < p->n; i++)
      for (j = w * a->esize; j < g.ldds * a->esize; j++) {
        unsigned char before = inplace ? snapDS[i * g.ldds * a->esize + j] : (unsigned char)SENTINEL;
        if (now[i * g.ldds * a->esize + j] != before) {
          fail("%s wrote into the stride padding of dS (row %zu)", ctx, i);
          i = p->n;
          break;
        }
      }
  }
  G.checks++;

  if (r->st == LINLOSS_OK) {
    const void *dsp = inplace ? S.p : dS.p;
    if (mask & O_LOSS) r->loss = a->get(loss.p, 0);
    for (i = 0; (mask & O_DW) && i < p->d * w; i++) r->dW[i] = a->get(dW.p, i);
    for (i = 0; (mask & O_DB) && i < w; i++) r->db[i] = a->get(db.p, i);
    for (i = 0; (mask & O_DS) && i < p->n; i++)
      for (j = 0; j < w; j++) r->dS[i * w + j] = a->get(dsp, i * g.ldds + j);
    for (i = 0; (mask & O_SL) && p->want_sl && i < p->n; i++) r->sl[i] = ((double *)sl.p)[i];
    for (i = 0; (mask & O_PRED) && i < p->n; i++) r->pred[i] = ((int32_t *)pred.p)[i];
  }
  if (fused) {
    tb_free(&X);
    tb_free(&W);
    if (p->b) tb_free(&b);
  } else {
    tb_free(&S);
  }
  tb_free(&loss);
  tb_free(&dW);
  tb_free(&db);
  tb_free(&dS);
  tb_free(&sl);
  tb_free(&pred);
  free(snapX);
  free(snapW);
  free(snapB);
  free(snapS);
  free(snapDS);
  free(snapY);
  free(snapCW);
  free(snapSW);
}

/* ---------------------------------------------------------- comparison */

#define TINY 1e-300

/* relative error of one value; NaN / infinity must match exactly */
static double rel_err(double got, double ref, double floor) {
  double den;
  if (isnan(ref)) return isnan(got) ? 0.0 : INFINITY;
  if (isinf(ref)) return got == ref ? 0.0 : INFINITY;
  if (!isfinite(got)) return INFINITY;
  den = fabs(ref) > floor ? fabs(ref) : floor;
  if (den == 0.0) return got == 0.0 ? 0.0 : INFINITY;
  return fabs(got - ref) / den;
}

/* ||got - ref||_2 / max(||ref||_2, floor) over the finite entries of ref;
   the non-finite entries of ref must be matched exactly (NaN by NaN). */
static double norm_err(const double *got, const double *ref, size_t n, double floor, size_t *where) {
  double num = 0.0, den = 0.0;
  size_t i;
  *where = 0;
  for (i = 0; i < n; i++) {
    if (!isfinite(ref[i]) || !isfinite(got[i])) {
      if (rel_err(got[i], ref[i], 1.0) != 0.0) {
        *where = i;
        return INFINITY;
      }
      continue;
    }
    num += (got[i] - ref[i]) * (got[i] - ref[i]);
    den += ref[i] * ref[i];
  }
  den = sqrt(den);
  if (den < floor) den = floor;
  if (den == 0.0) return num == 0.0 ? 0.0 : INFINITY;
  return sqrt(num) / den;
}



typedef struct floors {
  double loss, sl; /* floors of the loss and of the per-sample losses */
} floors;

/* 0.05 per unit of counted weight: see the comment at the top */
static floors random_floors(const problem *p) {
  floors f;
  double wt = 0.0, w2 = 0.0;
  size_t i;
  for (i = 0; i < p->n; i++) {
    double wi = sample_w(p, i);
    wt += wi;
    w2 += wi * wi;
  }
  f.loss = 0.05 * (p->opt.reduction == LINLOSS_SUM ? wt : (wt > 0 ? 1.0 : 0.0));
  f.sl = 0.05 * sqrt(w2);
  if (f.loss < TINY) f.loss = TINY;
  if (f.sl < TINY) f.sl = TINY;
  return f;
}

static floors exact_floors(void) {
  floors f;
  f.loss = f.sl = TINY;
  return f;
}

static void check_vec(const char *ctx, const char *what, const double *got, const double *ref,
                      size_t n, double floor, double tol) {
  size_t where;
  double e = norm_err(got, ref, n, floor, &where);
  G.checks++;
  if (!(e <= tol))
    fail("%s %s: normwise error %.3g > %.1g (entry %zu: got %.17g, expected %.17g)", ctx, what,
         e, tol, where, n ? got[where] : 0.0, n ? ref[where] : 0.0);
}

/* The argmax may legitimately differ from the reference's only where the
   reference's two best scores are closer than the tested precision's noise. */
static void check_pred(const api *a, const problem *p, const result *got, const result *ref,
                       const char *ctx) {
  size_t i;
  double slack = a->esize == 4 ? 1e-4 : 1e-10;
  for (i = 0; i < p->n; i++) {
    int32_t gp = got->pred[i], rp = ref->pred[i];
    const double *s = ref->scores + i * p->c;
    int ok = gp == rp;
    G.checks++;
    if (!ok && !p->ints && gp >= 0 && (size_t)gp < p->c && !isnan(s[rp]))
      ok = !isnan(s[gp]) && s[gp] >= s[rp] - slack * (1.0 + fabs(s[rp]));
    if (!ok) {
      fail("%s pred[%zu] = %ld, expected %ld", ctx, i, (long)gp, (long)rp);
      return;
    }
  }
}

/* Gradients are differences and sums that may cancel, and a float result
   is only accurate relative to the size of the terms it is made of. So the
   errors of dS, dW and db are measured against the larger of the norm of
   the reference and the norm of the same expression in absolute values:
     dS: scale_i (|p_j| + q_j) (softmax), scale_i (sigma(s) + t) (logistic),
         |dS| (hinge), scale_i 2 (|s_j| + |s_y| + delta) (squared hinge);
     dW: |X|^T mag(dS) + 2 reg |W|;   db: sum_i mag(dS_i).
   A wrong or missing term still shows: it is at least 1/N of those. */
static double *ds_magnitudes(const problem *p, const result *ref) {
  size_t i, j, w = p->w;
  double *mag = dalloc(p->n * w), wt = 0.0;
  double eps = p->opt.label_smoothing;
  int kind = kind_of(p->entry);
  for (i = 0; i < p->n; i++) wt += sample_w(p, i);
  for (i = 0; i < p->n; i++) {
    double wi = sample_w(p, i), sc = p->opt.reduction == LINLOSS_SUM ? wi : wi / wt;
    const double *g = ref->dS + i * w, *sr = ref->scores + i * w;
    double *m = mag + i * w, my = 0.0;
    for (j = 0; j < w; j++) m[j] = 0.0;
    if (wi == 0.0) continue;
    for (j = 0; j < w; j++) {
      if (kind == REF_SOFTMAX) {
        double q = eps / (double)w + ((int32_t)j == p->y[i] ? 1.0 - eps : 0.0);
        m[j] = sc * (fabs(g[j] / sc + q) + q);
      } else if (kind == REF_LOGISTIC) {
        double t = (1.0 - eps) * (double)p->y[i] + eps / 2.0;
        m[j] = sc * (fabs(g[j] / sc + t) + t);
      } else if ((int32_t)j != p->y[i]) {
        m[j] = p->opt.hinge_power == 1 || g[j] == 0.0
                   ? fabs(g[j])
                   : sc * 2.0 * (fabs(sr[j]) + fabs(sr[p->y[i]]) + p->opt.delta);
        my += m[j];
      }
    }
    if (kind == REF_SVM) m[p->y[i]] = my;
  }
  return mag;
}

static void sum_floors(const problem *p, const result *ref, double *fdS, double *fdW, double *fdb) {
  size_t i, j, k;
  double *aW = dalloc(p->d * p->w), *ab = dalloc(p->w), sW = 0.0, sb = 0.0, sS = 0.0;
  double *mag = ds_magnitudes(p, ref);
  int cd = p->opt.w_layout == LINLOSS_W_CD, fused = is_fused(p->entry);
  for (i = 0; i < p->n * p->w; i++)
    if (isfinite(mag[i])) sS += mag[i] * mag[i];
  *fdS = sqrt(sS) > TINY ? sqrt(sS) : TINY;
  *fdW = *fdb = TINY;
  if (!fused) {
    free(mag);
    free(aW);
    free(ab);
    return;
  }
  for (k = 0; k < p->d * p->w; k++) aW[k] = isfinite(p->W[k]) ? 2.0 * p->opt.reg * fabs(p->W[k]) : 0.0;
  for (j = 0; j < p->w; j++) ab[j] = 0.0;
  for (i = 0; i < p->n; i++) {
    if (sample_w(p, i) == 0.0) continue;
    for (j = 0; j < p->w; j++) {
      double g = mag[i * p->w + j];
      if (!isfinite(g)) continue;
      ab[j] += g;
      for (k = 0; k < p->d; k++) {
        double x = fabs(p->X[i * p->ldx + k]);
        if (isfinite(x)) aW[cd ? j * p->d + k : k * p->w + j] += x * g;
      }
    }
  }
  for (k = 0; k < p->d * p->w; k++) sW += aW[k] * aW[k];
  for (j = 0; j < p->w; j++) sb += ab[j] * ab[j];
  *fdW = sqrt(sW) > TINY ? sqrt(sW) : TINY;
  *fdb = sqrt(sb) > TINY ? sqrt(sb) : TINY;
  free(aW);
  free(ab);
  free(mag);
}

static void compare(const api *a, const problem *p, const result *got, const result *ref,
                    unsigned mask, floors f, const char *ctx) {
  double tol = a->tol, fdS = TINY, fdW = TINY, fdb = TINY;
  if (p->entry != E_PREDICT) sum_floors(p, ref, &fdS, &fdW, &fdb);
  if (got->st != LINLOSS_OK) return; /* already reported */
  if (mask & O_LOSS) {
    double e = rel_err(got->loss, ref->loss, f.loss);
    G.checks++;
    if (!(e <= tol))
      fail("%s loss: got %.17g, expected %.17g (error %.3g > %.1g)", ctx, got->loss, ref->loss,
           e, tol);
  }
  if (mask & O_DW) check_vec(ctx, "dW", got->dW, ref->dW, p->d * p->w, fdW, tol);
  if (mask & O_DB) check_vec(ctx, "db", got->db, ref->db, p->w, fdb, tol);
  if (mask & O_DS) check_vec(ctx, "dS", got->dS, ref->dS, p->n * p->w, fdS, tol);
  if ((mask & O_SL) && p->want_sl) check_vec(ctx, "sample_loss", got->sl, ref->sl, p->n, f.sl, tol);
  if (mask & O_PRED) check_pred(a, p, got, ref, ctx);
}

/* Runs p through the library and the reference and compares everything. */
static void check_problem_f(const api *a, const problem *p, int inplace, floors f) {
  result ref, got;
  unsigned mask = outputs_of(p->entry);
  run_ref(p, &ref);
  run_lib(a, p, mask, inplace, &got);
  compare(a, p, &got, &ref, mask, f, describe(a, p, inplace));
  result_free(&ref);
  result_free(&got);
}

static void check_problem(const api *a, const problem *p, int inplace) {
  check_problem_f(a, p, inplace, random_floors(p));
}

static void check_spec(const api *a, rng *r, const spec *s, int inplace) {
  problem *p = problem_make(a, r, s);
  check_problem(a, p, inplace);
  problem_free(p);
}

/* ------------------------------------------------------- random tests */

/* Every combination of the options that select a code path, with the other
   options, the shape, the strides and the weights drawn at random. */
static void test_option_grid(const api *a, int entry) {
  rng r;
  unsigned combo, rep;
  char name[96];
  snprintf(name, sizeof name, "%s %s: option combinations", a->name, entry_name[entry]);
  r = rng_for(name);
  group_begin("%s", name);
  for (combo = 0; combo < 64; combo++)
    for (rep = 0; rep < 4; rep++) {
      spec s;
      spec_random(&r, &s, entry);
      s.reduction = (combo & 1) ? LINLOSS_SUM : LINLOSS_MEAN;
      s.cw = s.sw = (combo >> 1) & 1;
      if (is_svm(entry)) {
        s.variant = (combo >> 2) & 1 ? LINLOSS_SVM_CS : LINLOSS_SVM_WW;
        s.power = (combo >> 3) & 1 ? 2 : 1;
      } else {
        s.eps = (combo >> 2) & 1 ? (rep % 2 ? 0.5 : 0.1) : 0.0;
        if ((combo >> 3) & 1) s.cw = 0;
      }
      s.ignore = (combo >> 4) & 1 ? 1 + (int)rng_below(&r, 3) : 0;
      if (is_fused(entry)) {
        s.layout = (combo >> 5) & 1 ? LINLOSS_W_CD : LINLOSS_W_DC;
        s.bias = rep % 2;
        check_spec(a, &r, &s, 0);
      } else {
        check_spec(a, &r, &s, (combo >> 5) & 1);
      }
    }
  group_end();
}

/* Every D in 1..33 and every C in 2..33 (2 x the widest vector + 1). */
static void test_sizes(const api *a) {
  rng r;
  char name[96];
  size_t k;
  int e;
  snprintf(name, sizeof name, "%s: every D in 1..33 and C in 2..33, every entry point", a->name);
  r = rng_for(name);
  group_begin("%s", name);
  for (e = 0; e < E_COUNT; e++)
    for (k = 1; k <= 66; k++) {
      spec s;
      spec_random(&r, &s, e);
      s.d = (k - 1) % 33 + 1;
      if (!is_logistic(e)) s.c = s.d < 2 ? 2 + rng_below(&r, 32) : s.d;
      if (k > 33) s.d = 1 + rng_below(&r, 33); /* C alone */
      if (k == 1 || rng_below(&r, 4) == 0) s.n = 1 + rng_below(&r, 40);
      if (e == E_PREDICT) s.ints = rng_bit(&r);
      check_spec(a, &r, &s, is_scores(e) && rng_bit(&r));
    }
  group_end();
}

/* Shapes past the cache blocking of the fused entry points: W larger than
   the L2 budget (D in several panels, classes outer), a row block larger
   than one tile, rows and classes not multiples of the tiles; rows of X and
   of the gradient 4 KiB apart or 4 bytes more (D = 1024, 3073), which go
   through copies with spread rows. */
static void test_blocked(const api *a) {
  static const size_t shapes[][3] = {{70, 1700, 41}, {131, 3001, 12}, {67, 517, 11},
                                     {9, 2600, 29},  {45, 1024, 10},  {37, 3073, 7}};
  static const int entries[] = {E_SVM, E_SOFTMAX, E_PREDICT};
  rng r;
  char name[96];
  size_t k, e;
  snprintf(name, sizeof name, "%s: cache-blocked shapes up to 131 x 3001 x 41", a->name);
  r = rng_for(name);
  group_begin("%s", name);
  for (k = 0; k < sizeof shapes / sizeof shapes[0]; k++)
    for (e = 0; e < sizeof entries / sizeof entries[0]; e++) {
      spec s;
      spec_random(&r, &s, entries[e]);
      s.n = shapes[k][0];
      s.d = shapes[k][1];
      s.c = shapes[k][2];
      s.layout = (k + e) % 2 ? LINLOSS_W_CD : LINLOSS_W_DC;
      check_spec(a, &r, &s, 0);
    }
  group_end();
}

/* N = 0, N = 1 and C = 2 on every entry point and option. */
static void test_edges(const api *a) {
  rng r;
  char name[96];
  int e, k;
  snprintf(name, sizeof name, "%s: N = 0, N = 1, C = 2", a->name);
  r = rng_for(name);
  group_begin("%s", name);
  for (e = 0; e < E_COUNT; e++)
    for (k = 0; k < 24; k++) {
      spec s;
      spec_random(&r, &s, e);
      s.n = k % 3 == 2 ? 2 + rng_below(&r, 5) : (size_t)(k % 3);
      if (k % 2) s.c = 2;
      check_spec(a, &r, &s, is_scores(e) && rng_bit(&r));
    }
  group_end();
}

/* A few big shapes (kept modest for qemu and the sanitizers). */
static void test_large(const api *a) {
  rng r;
  char name[96];
  int e;
  snprintf(name, sizeof name, "%s: large shapes (N=300 D=100 C=10, C=1000)", a->name);
  r = rng_for(name);
  group_begin("%s", name);
  for (e = 0; e < E_COUNT; e++) {
    spec s;
    spec_random(&r, &s, e);
    s.n = 300;
    s.d = 100;
    s.c = 10;
    check_spec(a, &r, &s, is_scores(e));
    spec_random(&r, &s, e);
    s.n = is_logistic(e) ? 1000 : 24;
    s.d = 20;
    s.c = 1000;
    if (s.ignore == 2) s.ignore = 1;
    check_spec(a, &r, &s, 0);
  }
  group_end();
}

/* N just past a multiple of the row blocks the fused kernels work in (in
   the current implementation at most LINLOSS_BLOCK_ELEMS scores and
   LINLOSS_BLOCK_ROWS rows per block, a quarter for a W that fits in
   256 KiB): results may not depend on where the blocks end. For the two
   largest C, W is larger than that. */
static void test_blocks(const api *a) {
  static const size_t cs[] = {2, 3, 5, 16, 33, 100, 700, 1100};
  rng r;
  char name[96];
  size_t k;
  int e;
  snprintf(name, sizeof name, "%s: N across row blocks (N = 2 x block + 1 for several C)", a->name);
  r = rng_for(name);
  group_begin("%s", name);
  for (e = 0; e < E_COUNT; e++)
    for (k = 0; k < sizeof cs / sizeof cs[0]; k++) {
      spec s;
      const int big = k + 2 >= sizeof cs / sizeof cs[0];
      const size_t most = big ? LINLOSS_BLOCK_ROWS : LINLOSS_BLOCK_ROWS / 4;
      size_t rows = LINLOSS_BLOCK_ELEMS / cs[k] < most ? LINLOSS_BLOCK_ELEMS / cs[k] : most;
      spec_random(&r, &s, e);
      s.c = cs[k];
      s.n = 2 * rows + 1 + rng_below(&r, 3);
      s.d = big ? 262144 / a->esize / cs[k] + 1 + rng_below(&r, 4) : 1 + rng_below(&r, cs[k] > 100 ? 4 : 12);
      if (s.ignore == 2) s.ignore = 1;
      if (is_logistic(e) && k > 0) continue;
      check_spec(a, &r, &s, is_scores(e) && rng_bit(&r));
    }
  group_end();
}

/* Each output pointer NULL in turn, then all of them: the other outputs are
   unaffected, and a call with no outputs at all succeeds. */
static void test_null_outputs(const api *a) {
  rng r;
  char name[96];
  int e, k;
  snprintf(name, sizeof name, "%s: every output NULL in turn", a->name);
  r = rng_for(name);
  group_begin("%s", name);
  for (e = 0; e < E_COUNT; e++)
    for (k = 0; k < 6; k++) {
      spec s;
      problem *p;
      result ref, got;
      unsigned all = outputs_of(e), bit;
      spec_random(&r, &s, e);
      if (s.n == 0) s.n = 5;
      s.want_sl = 1;
      p = problem_make(a, &r, &s);
      run_ref(p, &ref);
      for (bit = 1; bit <= O_PRED; bit <<= 1) {
        unsigned mask = all & ~bit;
        if (!(all & bit)) continue;
        run_lib(a, p, mask, is_scores(e) && k % 2, &got);
        compare(a, p, &got, &ref, mask, random_floors(p), describe(a, p, is_scores(e) && k % 2));
        result_free(&got);
      }
      run_lib(a, p, 0, 0, &got);
      result_free(&got);
      result_free(&ref);
      problem_free(p);
    }
  group_end();
}

/* opt = NULL behaves as linloss_options_default(), whose values are the
   documented defaults. */
static void test_default_options(const api *a) {
  rng r;
  char name[96];
  int e;
  linloss_options d = linloss_options_default();
  snprintf(name, sizeof name, "%s: opt = NULL and linloss_options_default()", a->name);
  r = rng_for(name);
  group_begin("%s", name);
  G.checks++;
  if (d.delta != 1.0 || d.reg != 0.0 || d.w_layout != LINLOSS_W_DC || d.reduction != LINLOSS_MEAN ||
      d.svm_variant != LINLOSS_SVM_WW || d.hinge_power != 1 || d.ignore_label != LINLOSS_NO_IGNORE ||
      d.label_smoothing != 0.0 || d.class_weight || d.sample_weight || d.sample_loss)
    fail("linloss_options_default() does not hold the documented defaults");
  for (e = 0; e < E_COUNT; e++) {
    spec s;
    problem *p;
    result ref, got;
    call_args g;
    tbuf X = {0}, W = {0}, b = {0}, S = {0}, loss, dW, db, dS; /* {0}: for gcc -O3's -Wmaybe-uninitialized */
    int32_t *pred;
    size_t i;
    spec_random(&r, &s, e);
    spec_defaults(&s);
    s.n = 7;
    s.bias = 1;
    p = problem_make(a, &r, &s);
    run_ref(p, &ref);
    result_init(&got, p);
    memset(&g, 0, sizeof g);
    g.n = p->n;
    g.d = p->d;
    g.c = p->c;
    g.ldx = p->ldx;
    g.lds = g.ldds = p->lds;
    g.y = p->y;
    g.opt = NULL;
    if (p->X) {
      tb_from(a, &X, p->X, p->n * p->ldx);
      tb_from(a, &W, p->W, p->d * p->w);
      tb_from(a, &b, p->b, p->w);
      g.X = X.p;
      g.W = W.p;
      g.b = b.p;
    } else {
      tb_from(a, &S, p->S, p->n * p->lds);
      g.S = S.p;
    }
    tb_make(&loss, a->esize, 1, 0);
    tb_make(&dW, a->esize, p->d * p->w, 0);
    tb_make(&db, a->esize, p->w, 0);
    tb_make(&dS, a->esize, p->n * p->lds, 0);
    pred = (int32_t *)xmalloc(p->n * sizeof(int32_t));
    g.loss = loss.p;
    g.dW = dW.p;
    g.db = db.p;
    g.dS = dS.p;
    g.pred = pred;
    got.st = a->fn[e](&g);
    G.checks++;
    if (got.st != LINLOSS_OK) {
      fail("%s with opt = NULL returned %d", entry_name[e], (int)got.st);
    } else {
      got.loss = a->get(loss.p, 0);
      for (i = 0; i < p->d * p->w; i++) got.dW[i] = a->get(dW.p, i);
      for (i = 0; i < p->w; i++) got.db[i] = a->get(db.p, i);
      for (i = 0; i < p->n * p->w; i++) got.dS[i] = a->get(dS.p, (i / p->w) * p->lds + i % p->w);
      for (i = 0; i < p->n; i++) got.pred[i] = pred[i];
      compare(a, p, &got, &ref, outputs_of(e), random_floors(p), "opt = NULL");
    }
    if (p->X) {
      tb_free(&X);
      tb_free(&W);
      tb_free(&b);
    } else {
      tb_free(&S);
    }
    tb_free(&loss);
    tb_free(&dW);
    tb_free(&db);
    tb_free(&dS);
    free(pred);
    result_free(&ref);
    result_free(&got);
    problem_free(p);
  }
  group_end();
}

/* ------------------------------------------------------ special values */

/* A problem of hand-written rows: scores for the score-level entry points,
   or X (with W = identity-like weights given by the caller). */
static problem *manual_scores(const api *a, int entry, size_t n, size_t c, const double *rows,
                              const int32_t *y, const linloss_options *opt) {
  rng r = rng_for("manual");
  spec s;
  problem *p;
  size_t i, j;
  spec_random(&r, &s, entry);
  spec_defaults(&s);
  s.n = n;
  s.c = c;
  p = problem_make(a, &r, &s);
  p->opt = *opt;
  p->opt.sample_loss = NULL;
  p->want_sl = 1;
  for (i = 0; i < n; i++) {
    for (j = 0; j < p->w; j++) p->S[i * p->lds + j] = a->round(rows[i * p->w + j]);
    p->y[i] = y[i];
  }
  return p;
}

static linloss_options opts_with(int reduction, double eps) {
  linloss_options o = linloss_options_default();
  o.reduction = reduction;
  o.label_smoothing = eps;
  return o;
}

/* Softmax at the edges of the range: the maximum is shifted out, so 1e30
   and 3e38 give the exact finite answer; -inf in other classes is harmless
   (with smoothing it makes the loss +inf, by IEEE arithmetic). */
static void test_softmax_extremes(const api *a) {
  static const double rows[][3] = {
      {1e30, -1e30, 0},   {1e30, -1e30, 0},   {1e30, -1e30, 0},   {3e38, 3e38, -3e38},
      {3e38, 3e38, -3e38}, {-3e38, -3e38, -3e38}, {3e38, 1e30, -1e30}, {-3e38, 3e38, 0},
      {0, -INFINITY, 1},  {-INFINITY, 2, -INFINITY}, {5, 5, 5}, {-7.5, -7.5, -7.5},
      {1e30, 1e30, 1e30}, {100, -100, 50}};
  static const int32_t ys[] = {0, 1, 2, 0, 2, 1, 1, 1, 0, 1, 2, 0, 1, 2};
  size_t k, nrows = sizeof ys / sizeof ys[0];
  int red, ie, inplace;
  group_begin("%s: softmax with scores of 1e30, 3e38, -inf, all equal", a->name);
  for (ie = 0; ie < 2; ie++)
    for (k = 0; k < nrows; k++)
      for (red = 0; red < 2; red++)
        for (inplace = 0; inplace < 2; inplace++) {
          double eps = ie ? 0.1 : 0.0;
          linloss_options o = opts_with(red, eps);
          problem *p = manual_scores(a, E_SOFTMAX_S, 1, 3, rows[k], ys + k, &o);
          result ref;
          run_ref(p, &ref);
          if (a->esize == 4) { /* keep to cases whose loss fits in a float */
            const double *s = p->S;
            double m = fmax(s[0], fmax(s[1], s[2]));
            int fits = !(fabs(ref.loss) > 1e37) || isinf(ref.loss);
            size_t j;
            for (j = 0; j < 3; j++)
              if (eps > 0 && isfinite(s[j]) && m - s[j] > FLT_MAX) fits = 0;
            if (!fits) {
              result_free(&ref);
              problem_free(p);
              continue;
            }
          }
          result_free(&ref);
          check_problem_f(a, p, inplace, exact_floors());
          problem_free(p);
        }
  group_end();
}

/* SVM values known by hand: a margin exactly 0 (the kink has gradient 0),
   all scores equal, -inf in other classes, Crammer-Singer ties (the first
   class of largest score takes the gradient). */
static void test_svm_exact(const api *a) {
  static const double rows[][4] = {{0, 1, 0.5, -2},  {2, 2, 2, 2},       {-INFINITY, 0, -INFINITY, -INFINITY},
                                   {3, -INFINITY, 1, 2}, {1, 3, 3, 0},   {3, 3, 1, 3},
                                   {1, 1, 0, 0.25},   {-1e30, 1e30, 0, 5}, {0.5, 0.5, 0.5, 1.5}};
  static const int32_t ys[] = {1, 0, 1, 0, 0, 1, 0, 1, 3};
  static const double deltas[] = {1.0, 0.0, 0.5};
  size_t k, id, nrows = sizeof ys / sizeof ys[0];
  int variant, power, red;
  group_begin("%s: SVM kinks, ties, -inf and equal scores", a->name);
  for (id = 0; id < 3; id++)
    for (variant = 0; variant < 2; variant++)
      for (power = 1; power <= 2; power++)
        for (red = 0; red < 2; red++) {
          double all[4 * 9];
          int32_t yy[9];
          linloss_options o = opts_with(red, 0.0);
          problem *p;
          o.svm_variant = variant;
          o.hinge_power = power;
          o.delta = deltas[id];
          for (k = 0; k < nrows; k++) {
            /* one row per call and all rows in one batch */
            p = manual_scores(a, E_SVM_S, 1, 4, rows[k], ys + k, &o);
            check_problem_f(a, p, (int)(k & 1), exact_floors());
            problem_free(p);
            memcpy(all + 4 * k, rows[k], sizeof rows[k]);
            yy[k] = ys[k];
          }
          p = manual_scores(a, E_SVM_S, nrows, 4, all, yy, &o);
          check_problem_f(a, p, red, exact_floors());
          problem_free(p);
        }
  group_end();
}

/* NaN in a counted sample: the loss is NaN, and so are exactly the gradient
   entries that depend on it (SVM: the NaN margins and the target entry of
   their row; softmax: the whole row). Other rows are unaffected. */
static void test_nan(const api *a) {
  static const double rows[4][4] = {
      {0.5, -0.25, 1, 0}, {0.5, NAN, 0.25, 0}, {0.5, -1, NAN, 0.125}, {-0.5, 0.75, 0.25, 1}};
  static const int32_t ys[4] = {2, 0, 2, 1};
  static const double lrows[4] = {0.5, NAN, -2, 0.25};
  static const int32_t lys[4] = {1, 0, 1, 0};
  rng r;
  char name[96];
  int variant, power, red, ie, e, where;
  snprintf(name, sizeof name, "%s: NaN in S, X, W and b propagates as documented", a->name);
  r = rng_for(name);
  group_begin("%s", name);
  for (red = 0; red < 2; red++) {
    for (variant = 0; variant < 2; variant++)
      for (power = 1; power <= 2; power++) {
        linloss_options o = opts_with(red, 0.0);
        problem *p;
        o.svm_variant = variant;
        o.hinge_power = power;
        p = manual_scores(a, E_SVM_S, 4, 4, &rows[0][0], ys, &o);
        check_problem_f(a, p, power == 2, exact_floors());
        problem_free(p);
      }
    for (ie = 0; ie < 2; ie++) {
      linloss_options o = opts_with(red, ie ? 0.2 : 0.0);
      problem *p = manual_scores(a, E_SOFTMAX_S, 4, 4, &rows[0][0], ys, &o);
      check_problem_f(a, p, ie, exact_floors());
      problem_free(p);
      p = manual_scores(a, E_LOGISTIC_S, 4, 2, lrows, lys, &o);
      check_problem_f(a, p, ie, exact_floors());
      problem_free(p);
    }
  }
  /* the fused entry points: NaN in a row of X, in W, in b */
  for (e = E_SVM; e <= E_LOGISTIC; e++)
    for (where = 0; where < 3; where++) {
      spec s;
      problem *p;
      result ref;
      size_t i;
      spec_random(&r, &s, e);
      s.n = 6;
      s.bias = 1;
      s.ignore = 0;
      s.cw = 0;
      if (s.sw) s.reduction = LINLOSS_SUM;
      p = problem_make(a, &r, &s);
      if (p->sw)
        for (i = 0; i < p->n; i++) p->sw[i] = 1.0 + (double)i;
      if (where == 0) p->X[2 * p->ldx + rng_below(&r, p->d)] = NAN;
      if (where == 1) p->W[rng_below(&r, p->d * p->w)] = NAN;
      if (where == 2) p->b[rng_below(&r, p->w)] = NAN;
      run_ref(p, &ref);
      G.checks++;
      if (!isnan(ref.loss)) fail("reference.h: NaN did not reach the loss");
      result_free(&ref);
      check_problem_f(a, p, 0, exact_floors());
      problem_free(p);
    }
  group_end();
}

/* Fused problems with zero-weight samples: k = 0..3 two of five samples
   weigh 0 (sample weight 0, ignore label); 4, 5 every label ignored; 6..8
   every sample weight 0; 9..11 N = 0. Odd k: reg > 0. */
static problem *zero_weight_fused(const api *a, rng *r, int e, int k) {
  spec s;
  problem *p;
  size_t i;
  spec_random(r, &s, e);
  s.n = k >= 9 ? 0 : 5;
  s.reg = k % 2 ? 0.25 : 0.0;
  s.reduction = (k / 2) % 2 ? LINLOSS_SUM : LINLOSS_MEAN;
  s.ignore = 1;
  s.sw = 1;
  s.want_sl = 1;
  p = problem_make(a, r, &s);
  for (i = 0; i < p->n; i++) {
    p->sw[i] = 1.0;
    if (p->y[i] == -1) p->y[i] = 0;
  }
  if (p->n) {
    p->sw[1] = 0.0;
    p->y[3] = -1;
  }
  if (k >= 4 && k < 9)
    for (i = 0; i < p->n; i++) {
      if (k < 6)
        p->y[i] = -1; /* every label ignored */
      else
        p->sw[i] = 0.0; /* every weight zero */
    }
  if (is_svm(e)) svm_keep_off_kinks(a, r, &s, p);
  return p;
}

/* A sample of weight 0 (sample weight 0, class weight 0 or the ignore label)
   contributes exactly 0, even when its scores are NaN or infinite; when the
   total weight is 0 the loss is the regularization alone, with no NaN. */
static void test_zero_weight(const api *a) {
  static const double rows[5][4] = {{0.5, -0.25, 1, 0},
                                    {NAN, INFINITY, -INFINITY, 1},
                                    {INFINITY, NAN, 0, -INFINITY},
                                    {-0.5, 0.75, 0.25, 1},
                                    {NAN, NAN, NAN, NAN}};
  static const int32_t ys[5] = {0, 1, -1, 2, 3};
  static const double sws[5] = {1, 0, 1, 0.5, 1};
  static const double cws[4] = {1, 1.5, 1, 0};
  static const double lrows[5] = {0.3, NAN, INFINITY, -0.7, -INFINITY};
  static const int32_t lys[5] = {0, 1, -1, 1, 1};
  static const double lcws[2] = {1, 0};
  rng r;
  char name[96];
  int e, red, k;
  snprintf(name, sizeof name, "%s: zero weights, ignore label, all-ignored batches, N = 0", a->name);
  r = rng_for(name);
  group_begin("%s", name);
  for (e = E_SVM_S; e <= E_LOGISTIC_S; e++)
    for (red = 0; red < 2; red++)
      for (k = 0; k < 4; k++) {
        linloss_options o = opts_with(red, k & 1 ? 0.1 : 0.0);
        problem *p;
        o.ignore_label = -1;
        o.svm_variant = k >> 1;
        o.hinge_power = 1 + (k & 1);
        o.sample_weight = sws;
        o.class_weight = e == E_LOGISTIC_S ? lcws : cws;
        p = e == E_LOGISTIC_S ? manual_scores(a, e, 5, 2, lrows, lys, &o)
                              : manual_scores(a, e, 5, 4, &rows[0][0], ys, &o);
        if (e == E_SVM_S) p->opt.label_smoothing = 0.0;
        check_problem_f(a, p, k & 1, exact_floors());
        problem_free(p);
      }
  /* fused: zero-weight rows, all-ignored and all-zero-weight batches, N = 0 */
  for (e = E_SVM; e <= E_LOGISTIC; e++)
    for (k = 0; k < 12; k++) {
      problem *p = zero_weight_fused(a, &r, e, k);
      check_problem_f(a, p, 0, exact_floors());
      problem_free(p);
    }
  group_end();
}

/* The same with the zero-weight rows of X full of NaN and inf: they must
   not reach dW either ("contributes exactly 0 to the loss and the gradients,
   even if its scores are NaN or infinite"). */
static void test_zero_weight_nonfinite_x(const api *a) {
  rng r;
  char name[96];
  int e, k;
  snprintf(name, sizeof name, "%s: zero-weight samples with NaN / inf in X contribute nothing", a->name);
  r = rng_for(name);
  group_begin("%s", name);
  for (e = E_SVM; e <= E_LOGISTIC; e++)
    for (k = 0; k < 9; k++) {
      problem *p = zero_weight_fused(a, &r, e, k);
      size_t i, j;
      for (i = 0; i < p->n; i++)
        if (sample_w(p, i) == 0.0)
          for (j = 0; j < p->d; j++) p->X[i * p->ldx + j] = (i + j) % 2 ? NAN : INFINITY;
      check_problem_f(a, p, 0, exact_floors());
      problem_free(p);
    }
  group_end();
}

/* The logistic loss in both tails: L and dL/ds keep their relative accuracy
   (sigma(-80) = 1.8e-35 in float, sigma(-700) = 1e-304 in double). */
static void test_logistic_tails(const api *a) {
  static const double mags32[] = {0, 1e-3, 0.5, 1, 5, 10, 20, 30, 50, 80, 1e3, 1e4};
  static const double mags64[] = {0, 1e-3, 0.5, 1, 5, 10, 20, 30, 50, 80, 200, 500, 700, 1e3, 1e4};
  const double *mags = a->esize == 4 ? mags32 : mags64;
  size_t nm = a->esize == 4 ? sizeof mags32 / sizeof mags32[0] : sizeof mags64 / sizeof mags64[0];
  size_t n = 4 * nm, i, k;
  double *s = dalloc(n);
  int32_t *y = (int32_t *)xmalloc(n * sizeof(int32_t));
  int ie;
  group_begin("%s: logistic tails up to |s| = 1e4, relative accuracy", a->name);
  for (k = 0; k < nm; k++)
    for (i = 0; i < 4; i++) {
      s[4 * k + i] = i % 2 ? -mags[k] : mags[k];
      y[4 * k + i] = (int32_t)(i / 2);
    }
  for (ie = 0; ie < 2; ie++) {
    linloss_options o = opts_with(LINLOSS_SUM, ie ? 0.1 : 0.0);
    problem *p = manual_scores(a, E_LOGISTIC_S, n, 2, s, y, &o);
    result ref, got;
    const char *ctx = describe(a, p, ie);
    run_ref(p, &ref);
    run_lib(a, p, O_LOSS | O_DS | O_SL, ie, &got);
    if (got.st == LINLOSS_OK) {
      for (i = 0; i < n; i++) {
        double es = rel_err(got.sl[i], ref.sl[i], 0.0), eg = rel_err(got.dS[i], ref.dS[i], 0.0);
        G.checks += 2;
        if (!(es <= a->tol) || !(eg <= a->tol))
          fail("%s s = %g, y = %d: loss %.17g (expected %.17g), ds %.17g (expected %.17g)", ctx,
               p->S[i], (int)y[i], got.sl[i], ref.sl[i], got.dS[i], ref.dS[i]);
      }
      G.checks++;
      if (!(rel_err(got.loss, ref.loss, 0.0) <= a->tol))
        fail("%s loss %.17g, expected %.17g", ctx, got.loss, ref.loss);
    }
    result_free(&ref);
    result_free(&got);
    problem_free(p);
    /* the fused path, one sample s = x . 1 per call: dw = s ds, db = ds */
    for (i = 0; i < n; i++) {
      spec sp;
      rng r = rng_for("tails");
      problem *q;
      spec_random(&r, &sp, E_LOGISTIC);
      spec_defaults(&sp);
      sp.n = 1;
      sp.d = 1;
      sp.bias = 1;
      sp.want_sl = 1;
      sp.reduction = LINLOSS_SUM;
      sp.eps = ie ? 0.1 : 0.0;
      q = problem_make(a, &r, &sp);
      q->X[0] = a->round(s[i]);
      q->W[0] = 1.0;
      q->b[0] = 0.0;
      q->y[0] = y[i];
      run_ref(q, &ref);
      run_lib(a, q, O_LOSS | O_DW | O_DB | O_SL, 0, &got);
      G.checks += 3;
      if (got.st == LINLOSS_OK &&
          (!(rel_err(got.loss, ref.loss, 0.0) <= a->tol) || !(rel_err(got.dW[0], ref.dW[0], 0.0) <= a->tol) ||
           !(rel_err(got.db[0], ref.db[0], 0.0) <= a->tol)))
        fail("%s fused, x = %g, w = 1, y = %d: loss %.17g dw %.17g db %.17g (expected %.17g %.17g %.17g)",
             a->name, q->X[0], (int)y[i], got.loss, got.dW[0], got.db[0], ref.loss, ref.dW[0], ref.db[0]);
      result_free(&ref);
      result_free(&got);
      problem_free(q);
    }
  }
  free(s);
  free(y);
  group_end();
}

/* Prediction: argmax, the first index on ties, the first NaN wins. Integer
   data makes the scores (and so the ties) exact in both precisions. */
static void test_predict(const api *a) {
  rng r;
  char name[96];
  int k;
  snprintf(name, sizeof name, "%s: predict on random data, exact ties and NaN", a->name);
  r = rng_for(name);
  group_begin("%s", name);
  for (k = 0; k < 160; k++) {
    spec s;
    problem *p;
    size_t i, j;
    spec_random(&r, &s, E_PREDICT);
    s.ints = k % 4 != 3;
    if (s.n == 0) s.n = 1 + rng_below(&r, 20);
    if (k % 8 < 2) s.d = 1 + rng_below(&r, 3); /* few features: many ties */
    p = problem_make(a, &r, &s);
    switch (k % 10) {
    case 1: /* NaN bias entries: the first one wins in every row */
      if (p->b) {
        p->b[p->c - 1] = NAN;
        p->b[rng_below(&r, p->c)] = NAN;
      }
      break;
    case 2: /* a row of X with a NaN: every score NaN, pred 0 */
      p->X[rng_below(&r, p->n) * p->ldx + rng_below(&r, p->d)] = NAN;
      break;
    case 3: /* a NaN in W: one class is NaN everywhere */
      p->W[rng_below(&r, p->d * p->c)] = NAN;
      break;
    case 4: /* all scores equal: pred 0 */
      for (j = 0; j < p->d * p->c; j++) p->W[j] = 0.0;
      if (p->b)
        for (j = 0; j < p->c; j++) p->b[j] = 1.0;
      break;
    case 5: /* identical class columns: ties everywhere */
      for (i = 0; i < p->d; i++)
        for (j = 0; j < p->c; j++) {
          size_t dc = i * p->c + j, cd = j * p->d + i, src = p->opt.w_layout == LINLOSS_W_CD ? i : i * p->c;
          p->W[p->opt.w_layout == LINLOSS_W_CD ? cd : dc] = p->W[src];
        }
      free(p->b);
      p->b = NULL;
      break;
    default:
      break;
    }
    check_problem(a, p, 0);
    problem_free(p);
  }
  group_end();
}

/* -------------------------------------------------------------- errors */

/* A valid call whose outputs are sentinel-filled, to be broken on purpose. */
typedef struct errbase {
  int entry;
  size_t n, d, c, w;
  call_args g;
  linloss_options opt;
  int32_t *y, *y0;
  double *cw, *cw0, *sw, *sw0;
  tbuf X, W, b, S, loss, dW, db, dS, sl, pred;
} errbase;

static void tb_sentinel(tbuf *t) {
  memset(t->mem, SENTINEL, (t->off + t->count + t->guard) * t->esize);
}
static int tb_untouched(const tbuf *t) {
  size_t i, total = (t->off + t->count + t->guard) * t->esize;
  for (i = 0; i < total; i++)
    if (t->mem[i] != SENTINEL) return 0;
  return 1;
}

static void errbase_make(errbase *e, const api *a, int entry, size_t n, size_t d, size_t c, rng *r) {
  size_t i;
  memset(e, 0, sizeof *e);
  e->entry = entry;
  e->n = n;
  e->d = d;
  e->c = is_logistic(entry) ? 2 : c;
  e->w = is_logistic(entry) ? 1 : c;
  e->y = (int32_t *)xmalloc(n * sizeof(int32_t));
  e->y0 = (int32_t *)xmalloc(n * sizeof(int32_t));
  for (i = 0; i < n; i++) e->y[i] = (int32_t)(i % e->c);
  if (n) e->y[n - 1] = (int32_t)(e->c - 1); /* the last class, used by the last sample */
  memcpy(e->y0, e->y, n * sizeof(int32_t));
  e->cw = dalloc(e->c);
  e->cw0 = dalloc(e->c);
  for (i = 0; i < e->c; i++) e->cw[i] = e->cw0[i] = 0.5 + (double)(i % 3);
  e->sw = dalloc(n);
  e->sw0 = dalloc(n);
  for (i = 0; i < n; i++) e->sw[i] = e->sw0[i] = 1.0 + (double)(i % 2);
  tb_make(&e->X, a->esize, n * (d + 1), 0);
  tb_make(&e->W, a->esize, d * e->w, 0);
  tb_make(&e->b, a->esize, e->w, 0);
  tb_make(&e->S, a->esize, n * (e->w + 1), 0);
  for (i = 0; i < e->X.count; i++) a->set(e->X.p, i, a->round(rng_range(r, -1, 1)));
  for (i = 0; i < e->W.count; i++) a->set(e->W.p, i, a->round(rng_range(r, -1, 1)));
  for (i = 0; i < e->b.count; i++) a->set(e->b.p, i, a->round(rng_range(r, -1, 1)));
  for (i = 0; i < e->S.count; i++) a->set(e->S.p, i, a->round(rng_range(r, -2, 2)));
  tb_make(&e->loss, a->esize, 1, 2);
  tb_make(&e->dW, a->esize, d * e->w, 2);
  tb_make(&e->db, a->esize, e->w, 2);
  tb_make(&e->dS, a->esize, n * (e->w + 2), 2);
  tb_make(&e->sl, sizeof(double), n, 2);
  tb_make(&e->pred, sizeof(int32_t), n, 2);
  e->opt = linloss_options_default();
  e->opt.class_weight = e->cw;
  e->opt.sample_weight = e->sw;
  e->opt.sample_loss = (double *)e->sl.p;
  memset(&e->g, 0, sizeof e->g);
  e->g.n = n;
  e->g.d = d;
  e->g.c = c;
  e->g.ldx = d + 1;
  e->g.lds = is_logistic(entry) ? 1 : e->w + 1;
  e->g.ldds = is_logistic(entry) ? 1 : e->w + 2;
  e->g.X = e->X.p;
  e->g.W = e->W.p;
  e->g.b = e->b.p;
  e->g.S = e->S.p;
  e->g.y = e->y;
  e->g.opt = &e->opt;
  e->g.loss = e->loss.p;
  e->g.dW = e->dW.p;
  e->g.db = e->db.p;
  e->g.dS = e->dS.p;
  e->g.pred = (int32_t *)e->pred.p;
}

static void errbase_free(errbase *e) {
  tbuf *t[10];
  int k;
  t[0] = &e->X, t[1] = &e->W, t[2] = &e->b, t[3] = &e->S, t[4] = &e->loss;
  t[5] = &e->dW, t[6] = &e->db, t[7] = &e->dS, t[8] = &e->sl, t[9] = &e->pred;
  for (k = 0; k < 10; k++) tb_free(t[k]);
  free(e->y);
  free(e->y0);
  free(e->cw);
  free(e->cw0);
  free(e->sw);
  free(e->sw0);
}

static int errbase_untouched(const errbase *e) {
  return tb_untouched(&e->loss) && tb_untouched(&e->dW) && tb_untouched(&e->db) &&
         tb_untouched(&e->dS) && tb_untouched(&e->sl) && tb_untouched(&e->pred);
}

/* the breakages, combined up to three at a time */
enum {
  P_NONE, P_N0, P_X_NULL, P_Y_NULL, P_S_NULL, P_W_NULL, P_DS_NULL,
  P_C1, P_C0, P_D0, P_LDX, P_LDS, P_LDDS, P_OVF_N, P_OVF_NB, P_OVF_C, P_OVF_CB, P_OVF_D,
  P_DELTA_NEG, P_DELTA_NAN, P_DELTA_INF, P_REG_NEG, P_REG_NAN, P_REG_INF,
  P_EPS_NEG, P_EPS_ONE, P_EPS_NAN, P_POW0, P_POW3, P_VAR2, P_VARNEG, P_LAYOUT2, P_LAYOUTNEG,
  P_RED2, P_REDNEG, P_CW_NEG, P_CW_NAN, P_CW_INF, P_SW_NEG, P_SW_NAN, P_SW_INF,
  P_LAB_NEG, P_LAB_C, P_LAB_MIN, P_IGN_M1, P_LAB_M1, P_LAB_M2
};

static void apply_prim(const api *a, errbase *e, int prim) {
  call_args *g = &e->g;
  linloss_options *o = &e->opt;
  size_t last = e->n - 1, es = a->esize;
  switch (prim) {
  case P_NONE: break;
  case P_N0: g->n = 0; break;
  case P_X_NULL: g->X = NULL; break;
  case P_Y_NULL: g->y = NULL; break;
  case P_S_NULL: g->S = NULL; break;
  case P_W_NULL: g->W = NULL; break;
  case P_DS_NULL: g->dS = NULL; break;
  case P_C1: g->c = 1; break;
  case P_C0: g->c = 0; break;
  case P_D0: g->d = 0; break;
  case P_LDX: g->ldx = g->d - 1; break;
  case P_LDS: g->lds = g->c - 1; break;
  case P_LDDS: g->ldds = g->c - 1; break;
  case P_OVF_N: /* the element count overflows */
    g->n = SIZE_MAX / 2;
    if (is_fused(e->entry) || e->entry == E_PREDICT) g->ldx = 4;
    break;
  case P_OVF_NB: /* the element count fits, the byte count does not */
    if (is_fused(e->entry) || e->entry == E_PREDICT) g->n = SIZE_MAX / (g->ldx * es) + 1;
    else if (is_logistic(e->entry)) g->n = SIZE_MAX / es + 1;
    else g->n = SIZE_MAX / (g->lds * es) + 1;
    break;
  case P_OVF_C: g->c = SIZE_MAX / 2; break;
  case P_OVF_CB: g->c = SIZE_MAX / (g->d * es) + 1; break;
  case P_OVF_D: g->d = g->ldx = SIZE_MAX / es + 1; g->n = 1; break;
  case P_DELTA_NEG: o->delta = -1.0; break;
  case P_DELTA_NAN: o->delta = NAN; break;
  case P_DELTA_INF: o->delta = INFINITY; break;
  case P_REG_NEG: o->reg = -1e-3; break;
  case P_REG_NAN: o->reg = NAN; break;
  case P_REG_INF: o->reg = INFINITY; break;
  case P_EPS_NEG: o->label_smoothing = -0.1; break;
  case P_EPS_ONE: o->label_smoothing = 1.0; break;
  case P_EPS_NAN: o->label_smoothing = NAN; break;
  case P_POW0: o->hinge_power = 0; break;
  case P_POW3: o->hinge_power = 3; break;
  case P_VAR2: o->svm_variant = 2; break;
  case P_VARNEG: o->svm_variant = -1; break;
  case P_LAYOUT2: o->w_layout = 2; break;
  case P_LAYOUTNEG: o->w_layout = -1; break;
  case P_RED2: o->reduction = 2; break;
  case P_REDNEG: o->reduction = -1; break;
  case P_CW_NEG: e->cw[e->c - 1] = -1.0; break;
  case P_CW_NAN: e->cw[e->c - 1] = NAN; break;
  case P_CW_INF: e->cw[e->c - 1] = INFINITY; break;
  case P_SW_NEG: e->sw[last] = -0.5; break;
  case P_SW_NAN: e->sw[last] = NAN; break;
  case P_SW_INF: e->sw[last] = INFINITY; break;
  case P_LAB_NEG: e->y[last] = -1; break;
  case P_LAB_C: e->y[last] = (int32_t)e->c; break;
  case P_LAB_MIN: e->y[last] = INT32_MIN; break;
  case P_IGN_M1: o->ignore_label = -1; break;
  case P_LAB_M1: e->y[last] = -1; break;
  case P_LAB_M2: e->y[last] = -2; break;
  default: break;
  }
}

/* entry masks */
#define M_(e) (1u << (e))
#define M_FUSED_MC (M_(E_SVM) | M_(E_SOFTMAX))
#define M_FUSED (M_FUSED_MC | M_(E_LOGISTIC))
#define M_SCORES_MC (M_(E_SVM_S) | M_(E_SOFTMAX_S))
#define M_SCORES (M_SCORES_MC | M_(E_LOGISTIC_S))
#define M_LOSS (M_FUSED | M_SCORES)
#define M_MC_LOSS (M_FUSED_MC | M_SCORES_MC)
#define M_MC (M_MC_LOSS | M_(E_PREDICT))
#define M_PRED M_(E_PREDICT)
#define M_SVMS (M_(E_SVM) | M_(E_SVM_S))
#define M_SMOOTH (M_(E_SOFTMAX) | M_(E_SOFTMAX_S) | M_(E_LOGISTIC) | M_(E_LOGISTIC_S))

typedef struct bad_input {
  const char *name;
  unsigned entries;
  int expect;
  int prim[3];
} bad_input;

static const bad_input bad_inputs[] = {
    /* valid corner cases */
    {"n = 0 with X and y NULL", M_FUSED | M_PRED, LINLOSS_OK, {P_N0, P_X_NULL, P_Y_NULL}},
    {"n = 0 with S and y NULL", M_SCORES, LINLOSS_OK, {P_N0, P_S_NULL, P_Y_NULL}},
    {"ldds < C without dS", M_SCORES_MC, LINLOSS_OK, {P_LDDS, P_DS_NULL, P_NONE}},
    {"label -1 with ignore_label -1", M_LOSS, LINLOSS_OK, {P_IGN_M1, P_LAB_M1, P_NONE}},
    /* NULL */
    {"W NULL", M_FUSED | M_PRED, LINLOSS_ERR_NULL, {P_W_NULL, P_NONE, P_NONE}},
    {"W NULL with n = 0", M_FUSED | M_PRED, LINLOSS_ERR_NULL, {P_W_NULL, P_N0, P_NONE}},
    {"X NULL", M_FUSED | M_PRED, LINLOSS_ERR_NULL, {P_X_NULL, P_NONE, P_NONE}},
    {"y NULL", M_LOSS, LINLOSS_ERR_NULL, {P_Y_NULL, P_NONE, P_NONE}},
    {"S NULL", M_SCORES, LINLOSS_ERR_NULL, {P_S_NULL, P_NONE, P_NONE}},
    /* SHAPE */
    {"C = 1", M_MC, LINLOSS_ERR_SHAPE, {P_C1, P_NONE, P_NONE}},
    {"C = 0", M_MC, LINLOSS_ERR_SHAPE, {P_C0, P_NONE, P_NONE}},
    {"D = 0", M_FUSED | M_PRED, LINLOSS_ERR_SHAPE, {P_D0, P_NONE, P_NONE}},
    {"ldx < D", M_FUSED | M_PRED, LINLOSS_ERR_SHAPE, {P_LDX, P_NONE, P_NONE}},
    {"lds < C", M_SCORES_MC, LINLOSS_ERR_SHAPE, {P_LDS, P_NONE, P_NONE}},
    {"ldds < C", M_SCORES_MC, LINLOSS_ERR_SHAPE, {P_LDDS, P_NONE, P_NONE}},
    /* PARAM */
    {"delta = -1", M_SVMS, LINLOSS_ERR_PARAM, {P_DELTA_NEG, P_NONE, P_NONE}},
    {"delta = NaN", M_SVMS, LINLOSS_ERR_PARAM, {P_DELTA_NAN, P_NONE, P_NONE}},
    {"delta = inf", M_SVMS, LINLOSS_ERR_PARAM, {P_DELTA_INF, P_NONE, P_NONE}},
    {"reg = -1e-3", M_FUSED, LINLOSS_ERR_PARAM, {P_REG_NEG, P_NONE, P_NONE}},
    {"reg = NaN", M_FUSED, LINLOSS_ERR_PARAM, {P_REG_NAN, P_NONE, P_NONE}},
    {"reg = inf", M_FUSED, LINLOSS_ERR_PARAM, {P_REG_INF, P_NONE, P_NONE}},
    {"label_smoothing = -0.1", M_SMOOTH, LINLOSS_ERR_PARAM, {P_EPS_NEG, P_NONE, P_NONE}},
    {"label_smoothing = 1", M_SMOOTH, LINLOSS_ERR_PARAM, {P_EPS_ONE, P_NONE, P_NONE}},
    {"label_smoothing = NaN", M_SMOOTH, LINLOSS_ERR_PARAM, {P_EPS_NAN, P_NONE, P_NONE}},
    {"hinge_power = 0", M_SVMS, LINLOSS_ERR_PARAM, {P_POW0, P_NONE, P_NONE}},
    {"hinge_power = 3", M_SVMS, LINLOSS_ERR_PARAM, {P_POW3, P_NONE, P_NONE}},
    {"svm_variant = 2", M_SVMS, LINLOSS_ERR_PARAM, {P_VAR2, P_NONE, P_NONE}},
    {"svm_variant = -1", M_SVMS, LINLOSS_ERR_PARAM, {P_VARNEG, P_NONE, P_NONE}},
    {"w_layout = 2", M_FUSED_MC | M_PRED, LINLOSS_ERR_PARAM, {P_LAYOUT2, P_NONE, P_NONE}},
    {"w_layout = -1", M_FUSED_MC | M_PRED, LINLOSS_ERR_PARAM, {P_LAYOUTNEG, P_NONE, P_NONE}},
    {"reduction = 2", M_LOSS, LINLOSS_ERR_PARAM, {P_RED2, P_NONE, P_NONE}},
    {"reduction = -1", M_LOSS, LINLOSS_ERR_PARAM, {P_REDNEG, P_NONE, P_NONE}},
    {"class weight -1", M_LOSS, LINLOSS_ERR_PARAM, {P_CW_NEG, P_NONE, P_NONE}},
    {"class weight NaN", M_LOSS, LINLOSS_ERR_PARAM, {P_CW_NAN, P_NONE, P_NONE}},
    {"class weight inf", M_LOSS, LINLOSS_ERR_PARAM, {P_CW_INF, P_NONE, P_NONE}},
    {"last sample weight -0.5", M_LOSS, LINLOSS_ERR_PARAM, {P_SW_NEG, P_NONE, P_NONE}},
    {"last sample weight NaN", M_LOSS, LINLOSS_ERR_PARAM, {P_SW_NAN, P_NONE, P_NONE}},
    {"last sample weight inf", M_LOSS, LINLOSS_ERR_PARAM, {P_SW_INF, P_NONE, P_NONE}},
    /* LABEL, always at the last sample */
    {"last label -1", M_LOSS, LINLOSS_ERR_LABEL, {P_LAB_NEG, P_NONE, P_NONE}},
    {"last label C (2 for logistic)", M_LOSS, LINLOSS_ERR_LABEL, {P_LAB_C, P_NONE, P_NONE}},
    {"last label INT32_MIN with the default ignore_label", M_LOSS, LINLOSS_ERR_LABEL, {P_LAB_MIN, P_NONE, P_NONE}},
    {"last label -2 with ignore_label -1", M_LOSS, LINLOSS_ERR_LABEL, {P_IGN_M1, P_LAB_M2, P_NONE}},
    /* precedence: NULL, SHAPE, PARAM, LABEL */
    {"W NULL and C = 1", M_FUSED_MC | M_PRED, LINLOSS_ERR_NULL, {P_W_NULL, P_C1, P_NONE}},
    {"X NULL and ldx < D", M_FUSED | M_PRED, LINLOSS_ERR_NULL, {P_X_NULL, P_LDX, P_NONE}},
    {"S NULL and lds < C", M_SCORES_MC, LINLOSS_ERR_NULL, {P_S_NULL, P_LDS, P_NONE}},
    {"y NULL, bad reduction and bad label", M_LOSS, LINLOSS_ERR_NULL, {P_Y_NULL, P_RED2, P_LAB_C}},
    {"X NULL and w_layout = 2", M_FUSED_MC | M_PRED, LINLOSS_ERR_NULL, {P_X_NULL, P_LAYOUT2, P_NONE}},
    {"C = 1 and bad reduction", M_MC_LOSS, LINLOSS_ERR_SHAPE, {P_C1, P_RED2, P_NONE}},
    {"D = 0 and reg = -1e-3", M_FUSED, LINLOSS_ERR_SHAPE, {P_D0, P_REG_NEG, P_NONE}},
    {"ldds < C and a bad label", M_SCORES_MC, LINLOSS_ERR_SHAPE, {P_LDDS, P_LAB_C, P_NONE}},
    {"lds < C and delta = NaN", M_(E_SVM_S), LINLOSS_ERR_SHAPE, {P_LDS, P_DELTA_NAN, P_NONE}},
    {"bad reduction and a bad label", M_LOSS, LINLOSS_ERR_PARAM, {P_RED2, P_LAB_C, P_NONE}},
    {"NaN sample weight and a bad label", M_LOSS, LINLOSS_ERR_PARAM, {P_SW_NAN, P_LAB_NEG, P_NONE}},
    {"negative class weight and a bad label", M_LOSS, LINLOSS_ERR_PARAM, {P_CW_NEG, P_LAB_C, P_NONE}},
    {"delta = NaN and label INT32_MIN", M_SVMS, LINLOSS_ERR_PARAM, {P_DELTA_NAN, P_LAB_MIN, P_NONE}},
    {"label_smoothing = 1 and a bad label", M_SMOOTH, LINLOSS_ERR_PARAM, {P_EPS_ONE, P_LAB_C, P_NONE}},
    /* sizes whose byte count overflows: SHAPE before any memory is touched */
    {"N * ldx overflows (n = SIZE_MAX/2, ldx = 4)", M_FUSED | M_PRED, LINLOSS_ERR_SHAPE, {P_OVF_N, P_NONE, P_NONE}},
    {"N * ldx * sizeof(T) overflows", M_FUSED | M_PRED, LINLOSS_ERR_SHAPE, {P_OVF_NB, P_NONE, P_NONE}},
    {"N * lds overflows (n = SIZE_MAX/2)", M_SCORES, LINLOSS_ERR_SHAPE, {P_OVF_N, P_NONE, P_NONE}},
    {"N * lds * sizeof(T) overflows", M_SCORES, LINLOSS_ERR_SHAPE, {P_OVF_NB, P_NONE, P_NONE}},
    {"D * C overflows (C = SIZE_MAX/2)", M_FUSED_MC | M_PRED, LINLOSS_ERR_SHAPE, {P_OVF_C, P_NONE, P_NONE}},
    {"D * C * sizeof(T) overflows", M_FUSED_MC | M_PRED, LINLOSS_ERR_SHAPE, {P_OVF_CB, P_NONE, P_NONE}},
    {"D * sizeof(T) overflows", M_(E_LOGISTIC), LINLOSS_ERR_SHAPE, {P_OVF_D, P_NONE, P_NONE}},
    {"an overflowing N and a bad reduction", M_LOSS, LINLOSS_ERR_SHAPE, {P_OVF_N, P_RED2, P_NONE}},
};

static const char *status_name(int st) {
  switch (st) {
  case LINLOSS_OK: return "LINLOSS_OK";
  case LINLOSS_ERR_NULL: return "LINLOSS_ERR_NULL";
  case LINLOSS_ERR_SHAPE: return "LINLOSS_ERR_SHAPE";
  case LINLOSS_ERR_LABEL: return "LINLOSS_ERR_LABEL";
  case LINLOSS_ERR_PARAM: return "LINLOSS_ERR_PARAM";
  case LINLOSS_ERR_NOMEM: return "LINLOSS_ERR_NOMEM";
  default: return "(unknown status)";
  }
}

/* Calls the broken entry point: the status must be `expect` and, on an
   error, every output byte-identical to its sentinel fill. */
static void expect_status(const api *a, errbase *base, const int *prim, int nprim, int expect,
                          const char *what) {
  errbase e = *base;
  linloss_status st;
  int k;
  tb_sentinel(&e.loss);
  tb_sentinel(&e.dW);
  tb_sentinel(&e.db);
  tb_sentinel(&e.dS);
  tb_sentinel(&e.sl);
  tb_sentinel(&e.pred);
  memcpy(e.y, e.y0, e.n * sizeof(int32_t));
  memcpy(e.cw, e.cw0, e.c * sizeof(double));
  memcpy(e.sw, e.sw0, e.n * sizeof(double));
  e.g.opt = &e.opt;
  for (k = 0; k < nprim; k++) apply_prim(a, &e, prim[k]);
  st = a->fn[e.entry](&e.g);
  G.checks++;
  if ((int)st != expect)
    fail("%s %s, %s: returned %s, expected %s", entry_name[e.entry], a->name, what,
         status_name(st), status_name(expect));
  else if (expect != LINLOSS_OK && !errbase_untouched(&e))
    fail("%s %s, %s: returned %s but wrote to an output", entry_name[e.entry], a->name, what,
         status_name(st));
  memcpy(base->y, base->y0, base->n * sizeof(int32_t));
  memcpy(base->cw, base->cw0, base->c * sizeof(double));
  memcpy(base->sw, base->sw0, base->n * sizeof(double));
}

static void test_errors(const api *a, int entry) {
  rng r;
  char name[96];
  size_t k;
  errbase base;
  snprintf(name, sizeof name, "%s %s: every documented error, its precedence, outputs untouched",
           a->name, entry_name[entry]);
  r = rng_for(name);
  group_begin("%s", name);
  errbase_make(&base, a, entry, 4, 3, 5, &r);
  expect_status(a, &base, NULL, 0, LINLOSS_OK, "the valid base call");
  for (k = 0; k < sizeof bad_inputs / sizeof bad_inputs[0]; k++) {
    const bad_input *bi = &bad_inputs[k];
    if (bi->entries & M_(entry)) expect_status(a, &base, bi->prim, 3, bi->expect, bi->name);
  }
  errbase_free(&base);
  if (M_LOSS & M_(entry)) { /* a bad label anywhere in 37 samples: the check goes by blocks of 16 */
    static const size_t pos[] = {0, 15, 16, 31, 32, 36};
    errbase_make(&base, a, entry, 37, 3, 5, &r);
    for (k = 0; k < sizeof pos / sizeof pos[0]; k++) {
      const int32_t bad[3] = {-1, (int32_t)base.c, INT32_MIN}, y0 = base.y0[pos[k]];
      size_t b;
      for (b = 0; b < 3; b++) {
        char what[64];
        snprintf(what, sizeof what, "label %ld at sample %zu of 37", (long)bad[b], pos[k]);
        base.y0[pos[k]] = bad[b];
        expect_status(a, &base, NULL, 0, LINLOSS_ERR_LABEL, what);
      }
      base.y0[pos[k]] = base.y[pos[k]] = y0;
    }
    expect_status(a, &base, NULL, 0, LINLOSS_OK, "the valid call of 37 samples");
    errbase_free(&base);
  }
  group_end();
}

/* A C whose row of scores does not fit the stack scratch: the fused entry
   points take one block from LINLOSS_MALLOC and give it back; when it cannot
   be had they return LINLOSS_ERR_NOMEM with nothing written (but a bad label
   still comes first). Small C never allocates. */
static void test_scratch(const api *a) {
  rng r;
  char name[96];
  static const int entries[] = {E_SVM, E_SOFTMAX, E_PREDICT, E_SVM_S, E_SOFTMAX_S};
  size_t k;
  snprintf(name, sizeof name, "%s: scratch allocation for C = 5000, LINLOSS_ERR_NOMEM", a->name);
  r = rng_for(name);
  group_begin("%s", name);
  for (k = 0; k < sizeof entries / sizeof entries[0]; k++) {
    int e = entries[k], used;
    spec s;
    problem *p;
    errbase base;
    static const int lab[1] = {P_LAB_C};
    spec_random(&r, &s, e);
    s.n = 3;
    s.d = 2;
    s.c = 5000;
    if (s.ignore == 2) s.ignore = 1;
    p = problem_make(a, &r, &s);
    g_malloc_calls = g_malloc_ok = g_free_calls = 0;
    check_problem(a, p, 0);
    used = g_malloc_calls > 0;
    G.checks++;
    if (g_free_calls != g_malloc_ok)
      fail("%s %s C = 5000: %d scratch allocations, %d frees", entry_name[e], a->name, g_malloc_ok,
           g_free_calls);
    if (is_fused(e) || e == E_PREDICT) {
      if (!used) printf("# note: %s %s did not allocate at C = 5000\n", entry_name[e], a->name);
      errbase_make(&base, a, e, 3, 2, 5000, &r);
      g_malloc_fail = 1;
      g_malloc_calls = g_malloc_ok = g_free_calls = 0;
      expect_status(a, &base, NULL, 0, used ? LINLOSS_ERR_NOMEM : LINLOSS_OK, "LINLOSS_MALLOC fails");
      if (e != E_PREDICT)
        expect_status(a, &base, lab, 1, LINLOSS_ERR_LABEL, "LINLOSS_MALLOC fails and a bad label");
      g_malloc_fail = 0;
      G.checks++;
      if (g_free_calls != g_malloc_ok) fail("%s %s: unbalanced scratch frees", entry_name[e], a->name);
      errbase_free(&base);
    }
    problem_free(p);
    /* small C: no allocation at all */
    spec_random(&r, &s, e);
    s.n = 40;
    s.c = 10;
    p = problem_make(a, &r, &s);
    g_malloc_calls = 0;
    check_problem(a, p, 0);
    G.checks++;
    if (g_malloc_calls) fail("%s %s allocated at C = 10", entry_name[e], a->name);
    problem_free(p);
  }
  group_end();
}

/* MEMORY: scratch is a block of rows x C scores plus, for C x D at most
   256 KiB, an aligned copy of W (W_CD: only from N = 16 on) and for W_DC of
   dW; nothing grows with N (the C = 70000 case below runs W in place). So
   with LINLOSS_W_CD and N = 5 a small C never allocates whatever D; else at
   most one allocation of at most 2 C D elements plus a block of scores and
   the alignment; a C whose single row does not fit still works (one row per
   block). */
#if defined(LINLOSS_TEST_CHUNKED)
static size_t test_threads(void) {
#if defined(_OPENMP)
  return (size_t)omp_get_max_threads();
#else
  return 1;
#endif
}
#endif

static void test_memory_contract(const api *a) {
  static const int entries[] = {E_SVM, E_SOFTMAX, E_LOGISTIC, E_PREDICT};
  rng r;
  char name[112];
  size_t k;
  int layout;
  snprintf(name, sizeof name, "%s: scratch bounded by C x D, not N (MEMORY), C = 70000 works", a->name);
  r = rng_for(name);
  group_begin("%s", name);
  for (k = 0; k < sizeof entries / sizeof entries[0]; k++)
    for (layout = 0; layout < 4; layout++) {
      int e = entries[k];
      spec s;
      problem *p;
      spec_random(&r, &s, e);
      s.n = layout < 2 ? 5 : 40;
      s.c = 4;
      s.d = 3000;
      s.layout = layout % 2;
      p = problem_make(a, &r, &s);
      g_malloc_calls = g_malloc_ok = g_free_calls = 0;
      g_malloc_bytes = 0;
      check_problem(a, p, 0);
      G.checks++;
#if defined(LINLOSS_TEST_CHUNKED)
      /* chunks of a few rows (and threads): each thread also keeps the
         partial dW and db of a chunk (THREADS), and a block of scores */
      if (g_malloc_calls > 1 ||
          g_malloc_bytes > (2 * s.c * s.d + LINLOSS_BLOCK_ELEMS +
                            test_threads() * (s.c * s.d + s.c + LINLOSS_BLOCK_ELEMS)) * a->esize + 256)
#else
      if ((s.layout == LINLOSS_W_CD && s.n < 16) || e == E_LOGISTIC
              ? g_malloc_calls != 0
              : g_malloc_calls > 1 || g_malloc_bytes > (2 * s.c * s.d + LINLOSS_BLOCK_ELEMS) * a->esize + 256)
#endif
        fail("%s %s N = %zu, D = 3000, C = 4, %s: %d allocation(s) through LINLOSS_MALLOC, the largest of %zu bytes",
             entry_name[e], a->name, s.n, s.layout == LINLOSS_W_CD ? "CD" : "DC", g_malloc_calls, g_malloc_bytes);
      if (g_free_calls != g_malloc_ok) fail("%s %s D = 3000: unbalanced scratch frees", entry_name[e], a->name);
      problem_free(p);
      if (e == E_LOGISTIC || layout >= 2) continue;
      spec_random(&r, &s, e);
      s.n = 4;
      s.d = 1 + rng_below(&r, 2);
      s.c = 70000;
      s.layout = layout;
      s.ints = is_svm(e); /* exact scores: no kinks to steer clear of */
      if (s.ignore == 2) s.ignore = 1;
      p = problem_make(a, &r, &s);
      g_malloc_calls = g_malloc_ok = g_free_calls = 0;
      g_malloc_bytes = 0;
      check_problem(a, p, 0);
      G.checks += 2;
      if (g_free_calls != g_malloc_ok) fail("%s %s C = 70000: unbalanced scratch frees", entry_name[e], a->name);
      /* (a block of scores, here one row, and for a W larger than L2 its
         packed copy: MEMORY; rounded up to a tile of classes, and for W as
         C x D a row chunk of X: <= 160 elements per row more) */
      if (g_malloc_bytes > (2 * (s.c > LINLOSS_BLOCK_ELEMS ? s.c : LINLOSS_BLOCK_ELEMS) + 160) * a->esize + 256)
        fail("%s %s C = 70000, D = %zu: %zu bytes of scratch, more than two blocks of scores", entry_name[e],
             a->name, s.d, g_malloc_bytes);
      problem_free(p);
    }
  group_end();
}

/* ------------------------------------------------- finite differences */

static double loss_of(const problem *p, int use_lib) {
  result r;
  double loss;
  if (use_lib)
    run_lib(&api_f64, p, O_LOSS, 0, &r);
  else
    run_ref(p, &r);
  loss = r.loss;
  result_free(&r);
  return loss;
}

/* central differences of the loss in each entry of v (n entries, stride ld,
   rows of w entries) */
static void fd_grad(problem *p, int use_lib, double *v, size_t n, size_t w, size_t ld, double *out) {
  size_t i, j;
  for (i = 0; i < n; i++)
    for (j = 0; j < w; j++) {
      double *x = v + i * ld + j, keep = *x, h = 1e-6 * (1.0 + fabs(keep)), lp, lm;
      *x = keep + h;
      lp = loss_of(p, use_lib);
      *x = keep - h;
      lm = loss_of(p, use_lib);
      *x = keep;
      out[i * w + j] = (lp - lm) / (2.0 * h);
    }
}

/* dW, db (fused) or dS (score level) against central differences of the
   loss, through the public f64 API (use_lib) or through reference.h. */
static void fd_check(problem *p, int use_lib) {
  result an;
  /* the differences carry ~1e-16 |L| / h of rounding noise: a gradient
     that is (nearly) 0 is compared with an absolute floor */
  const double tol = 1e-6;
  double floor, *fd;
  char ctx[480];
  snprintf(ctx, sizeof ctx, "%s%s", use_lib ? "" : "reference.h ", describe(&api_f64, p, 0));
  if (use_lib)
    run_lib(&api_f64, p, outputs_of(p->entry), 0, &an);
  else
    run_ref(p, &an);
  floor = 1e-2 * (1.0 + fabs(an.loss));
  if (is_fused(p->entry)) {
    fd = dalloc(p->d * p->w);
    fd_grad(p, use_lib, p->W, 1, p->d * p->w, 0, fd);
    check_vec(ctx, "dW vs finite differences", an.dW, fd, p->d * p->w, floor, tol);
    if (p->b) {
      fd_grad(p, use_lib, p->b, 1, p->w, 0, fd);
      check_vec(ctx, "db vs finite differences", an.db, fd, p->w, floor, tol);
    }
  } else {
    fd = dalloc(p->n * p->w);
    fd_grad(p, use_lib, p->S, p->n, p->w, p->lds, fd);
    check_vec(ctx, "dS vs finite differences", an.dS, fd, p->n * p->w, floor, tol);
  }
  free(fd);
  result_free(&an);
}

static void test_finite_differences(int use_lib) {
  rng r;
  const char *name = use_lib ? "f64: gradients against central finite differences of the loss"
                             : "reference.h: its gradients against its own finite differences";
  int e, k;
  r = rng_for(name);
  group_begin("%s", name);
  for (e = E_SVM; e <= E_LOGISTIC_S; e++)
    for (k = 0; k < 16; k++) {
      spec s;
      problem *p;
      spec_random(&r, &s, e);
      s.n = 1 + rng_below(&r, 8);
      s.d = 1 + rng_below(&r, 5);
      s.c = 2 + rng_below(&r, 4);
      s.reduction = k & 1 ? LINLOSS_SUM : LINLOSS_MEAN;
      s.variant = (k >> 1) & 1 ? LINLOSS_SVM_CS : LINLOSS_SVM_WW;
      s.power = (k >> 2) & 1 ? 2 : 1;
      s.layout = (k >> 3) & 1 ? LINLOSS_W_CD : LINLOSS_W_DC;
      s.eps = (k >> 1) & 1 ? 0.2 : 0.0;
      s.reg = k % 3 ? 0.05 : 0.0;
      s.bias = 1;
      p = problem_make(&api_f64, &r, &s);
      fd_check(p, use_lib);
      problem_free(p);
    }
  group_end();
}

/* -------------------------------------------------------- miscellanea */

static void test_status_strings(void) {
  int k, j;
  const char *s[6];
  group_begin("linloss_status_string: a distinct string for every status");
  for (k = 0; k < 6; k++) {
    s[k] = linloss_status_string((linloss_status)k);
    G.checks++;
    if (!s[k] || !*s[k]) fail("linloss_status_string(%s) is NULL or empty", status_name(k));
  }
  for (k = 0; k < 6; k++)
    for (j = 0; j < k; j++)
      if (s[k] && s[j] && !strcmp(s[k], s[j]))
        fail("linloss_status_string gives \"%s\" for both %s and %s", s[k], status_name(j),
             status_name(k));
  group_end();
}

static void test_backend_name(void) {
  static const char *const known[] = {"scalar", "simde", "avx2", "avx512", "neon"};
  const char *name = linloss_backend_name();
  size_t k;
  int found = 0;
  group_begin("linloss_backend_name() is \"%s\"", name ? name : "(null)");
  G.checks++;
  for (k = 0; name && k < sizeof known / sizeof known[0]; k++) found |= !strcmp(name, known[k]);
  if (!found) fail("not one of the documented backend names");
#ifdef LINLOSS_TEST_EXPECT_BACKEND
  G.checks++;
  if (!name || strcmp(name, LINLOSS_TEST_EXPECT_BACKEND))
    fail("expected \"%s\", the backend this test was built for", LINLOSS_TEST_EXPECT_BACKEND);
#else
  printf("# LINLOSS_TEST_EXPECT_BACKEND not given: the backend name is not checked\n");
#endif
  group_end();
}

/* ---------------------------------------------------------------- main */

/* Can this CPU run what the test was compiled for? (meson counts exit 77
   as a skip: the tests of a backend the CPU lacks are skipped.) */
static int cpu_can_run(void) {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
  __builtin_cpu_init();
#if defined(__AVX512F__)
  if (!__builtin_cpu_supports("avx512f")) return 0;
#endif
#if defined(__AVX2__)
  if (!__builtin_cpu_supports("avx2")) return 0;
#endif
#if defined(__FMA__)
  if (!__builtin_cpu_supports("fma")) return 0;
#endif
#endif
  return 1;
}

int main(void) {
  const char *env;
  clock_t t0;
  int k, e;
  if (!cpu_can_run()) {
    printf("# this CPU lacks the instructions the %s backend was built for: skipped\n",
           linloss_backend_name());
    return 77;
  }
  env = getenv("LINLOSS_TEST_SEED");
  t0 = clock();
  g_verbose = getenv("LINLOSS_TEST_VERBOSE") && atoi(getenv("LINLOSS_TEST_VERBOSE")) > 0;
  if (env && *env) {
    char *end;
    g_seed = (uint64_t)strtoull(env, &end, 0);
    if (*end) {
      fprintf(stderr, "test_linloss: LINLOSS_TEST_SEED=%s is not a number\n", env);
      return 2;
    }
  }
  printf("# linloss %d.%d.%d, backend %s, seed %llu (set LINLOSS_TEST_SEED to change)\n",
         LINLOSS_VERSION_MAJOR, LINLOSS_VERSION_MINOR, LINLOSS_VERSION_PATCH, linloss_backend_name(),
         (unsigned long long)g_seed);
  test_backend_name();
  test_status_strings();
  for (k = 0; k < 2; k++) {
    const api *a = apis[k];
    test_default_options(a);
    for (e = 0; e < E_PREDICT; e++) test_option_grid(a, e);
    test_sizes(a);
    test_blocked(a);
    test_edges(a);
    test_large(a);
    test_blocks(a);
    test_null_outputs(a);
    test_softmax_extremes(a);
    test_svm_exact(a);
    test_nan(a);
    test_zero_weight(a);
    test_zero_weight_nonfinite_x(a);
    test_logistic_tails(a);
    test_predict(a);
    test_scratch(a);
    test_memory_contract(a);
  }
  test_finite_differences(0);
  test_finite_differences(1);
  for (k = 0; k < 2; k++)
    for (e = 0; e < E_COUNT; e++) test_errors(apis[k], e);
  printf("# %.2f s of CPU time\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
  printf("%d passed, %d failed\n", G.passed, G.failed);
  return G.failed ? 1 : 0;
}
