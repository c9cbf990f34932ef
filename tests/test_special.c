/* test_special.c - special values on one backend of linloss.h, against
   closed forms.

   Build:  cc -std=c99 -I. tests/test_special.c -lm
           (-DLINLOSS_BACKEND=LINLOSS_BACKEND_xxx and its flags for a backend)
   Run:    ./test_special     LINLOSS_TEST_SPECIAL_BIG_C=<n> replaces C = 100000
                              (slow machines, valgrind)

   test_linloss.c checks every entry point on random data against
   reference.h, with a few extreme rows (C = 3). This file adds, on f32 and
   f64, what a kernel gets wrong only at the edges, each checked against its
   closed form (computed in long double from the manual's formulas):
     - softmax rows of +-1e30, +-FLT_MAX (and +-DBL_MAX in f64), -inf in
       non-target classes (and in the target), all-equal scores, for C = 2, 3,
       8, 33 (past the one-row-per-lane kernel) and 100000; the gradient is
       softmax - onehot, exactly where that is a representable number (0, +-1,
       1/C for C = 2 and 8), through the loss layer (in place and not) and the
       fused path (X = 0, W = 0, b = the scores: the scores are exact);
     - the same rows for the SVM (Weston-Watkins and Crammer-Singer, hinge
       and squared hinge, delta 1 and 0), every margin computed in the tested
       precision: losses and gradients exact;
     - the logistic loss and gradient in both tails, |s| up to 1e4 (and into
       the denormal results, s = +-87 .. +-104 in f32), with label smoothing,
       against the stable forms max(s,0) - s t + log1p(e^-|s|) and
       (1-t) sigma(s) - t sigma(-s), relative accuracy;
     - denormal scores, inputs and weights (a batch whose total weight is a
       denormal double still gives the weighted mean);
     - all of the above again with flush-to-zero and denormals-are-zero on
       (MXCSR FTZ/DAZ on x86, FPCR.FZ on AArch64), where results may differ
       only by what flushing the denormals changes; and random ordinary data
       giving bitwise the same results with and without it;
     - every entry point with its arrays flush against an unmapped page
       (after their end, then before their start), for C and D around the
       vector widths: a read or write past an array faults;
     - the byte-count overflow of the logistic loss's D (LINLOSS_ERR_SHAPE).

   Output: one line per group, "ok N - name" or "not ok N - name: first
   failure" (and up to 5 more failures as "#" lines), then "N passed, N
   failed". Exit 1 on a failure, 77 (skipped) when the CPU lacks the
   backend's instructions. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linloss.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

/* ------------------------------------------------------------ reporting */

static int g_ftz; /* the library calls run with FTZ/DAZ on */

static struct {
  int number, passed, failed;
  char name[200];
  long checks, fails;
  char first[600];
} G;

static void group_begin(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(G.name, sizeof G.name, fmt, ap);
  va_end(ap);
  if (g_ftz) strncat(G.name, " [FTZ/DAZ on]", sizeof G.name - strlen(G.name) - 1);
  G.checks = G.fails = 0;
  G.first[0] = 0;
}

static void fail(const char *fmt, ...) {
  char msg[sizeof G.first];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (G.fails == 0)
    memcpy(G.first, msg, sizeof msg);
  else if (G.fails <= 5)
    printf("#   %s\n", msg);
  G.fails++;
}

static void group_end(void) {
  G.number++;
  if (G.fails) {
    G.failed++;
    printf("not ok %d - %s: %s (%ld of %ld checks failed)\n", G.number, G.name, G.first, G.fails, G.checks);
  } else {
    G.passed++;
    printf("ok %d - %s (%ld checks)\n", G.number, G.name, G.checks);
  }
  fflush(stdout);
}

/* ------------------------------------------------------------ flush to zero */

static int ftz_supported(void) {
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__)
  return 1;
#else
  return 0;
#endif
}

/* On: flush denormal results to zero and read denormal inputs as zero. */
static void ftz_set(int on) {
#if defined(__x86_64__) || defined(__i386__)
  const unsigned bits = 0x8040; /* FTZ (bit 15) | DAZ (bit 6) */
  _mm_setcsr(on ? _mm_getcsr() | bits : _mm_getcsr() & ~bits);
#elif defined(__aarch64__)
  uint64_t fpcr;
  __asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
  fpcr = on ? fpcr | (1ull << 24) : fpcr & ~(1ull << 24); /* FZ */
  __asm__ __volatile__("msr fpcr, %0" : : "r"(fpcr));
#else
  (void)on;
#endif
}

/* A library call, with FTZ/DAZ on around it in the FTZ pass (the test's own
   arithmetic always runs without). */
#define CALL(st, expr)          \
  do {                          \
    if (g_ftz) ftz_set(1);      \
    st = (expr);                \
    if (g_ftz) ftz_set(0);      \
  } while (0)

/* ------------------------------------------------------------ the two types */

typedef struct api {
  const char *name;
  size_t es;
  double u, tmin, nmin, max;
  double (*get)(const void *p, size_t i);
  void (*put)(void *p, size_t i, double v);
  double (*round)(double v);
  linloss_status (*svm)(size_t, size_t, size_t, const void *, size_t, const int32_t *, const void *,
                        const void *, const linloss_options *, void *, void *, void *);
  linloss_status (*softmax)(size_t, size_t, size_t, const void *, size_t, const int32_t *, const void *,
                            const void *, const linloss_options *, void *, void *, void *);
  linloss_status (*svm_scores)(size_t, size_t, const void *, size_t, const int32_t *,
                               const linloss_options *, void *, void *, size_t);
  linloss_status (*softmax_scores)(size_t, size_t, const void *, size_t, const int32_t *,
                                   const linloss_options *, void *, void *, size_t);
  linloss_status (*logistic)(size_t, size_t, const void *, size_t, const int32_t *, const void *,
                             const void *, const linloss_options *, void *, void *, void *);
  linloss_status (*logistic_scores)(size_t, const void *, const int32_t *, const linloss_options *,
                                    void *, void *);
  linloss_status (*predict)(size_t, size_t, size_t, const void *, size_t, const void *, const void *,
                            const linloss_options *, int32_t *);
} api;

#define DEFINE_API(T, SFX, U, TMIN, NMIN, MAX)                                                     \
  static double get_##SFX(const void *p, size_t i) { return (double)((const T *)p)[i]; }         \
  static void put_##SFX(void *p, size_t i, double v) { ((T *)p)[i] = (T)v; }                      \
  static double round_##SFX(double v) { return (double)(T)v; }                                    \
  static linloss_status svm_##SFX(size_t n, size_t d, size_t c, const void *X, size_t ldx,        \
                                  const int32_t *y, const void *W, const void *b,                 \
                                  const linloss_options *o, void *l, void *dW, void *db) {        \
    return linloss_svm_##SFX(n, d, c, (const T *)X, ldx, y, (const T *)W, (const T *)b, o,        \
                             (T *)l, (T *)dW, (T *)db);                                           \
  }                                                                                               \
  static linloss_status softmax_##SFX(size_t n, size_t d, size_t c, const void *X, size_t ldx,    \
                                      const int32_t *y, const void *W, const void *b,             \
                                      const linloss_options *o, void *l, void *dW, void *db) {    \
    return linloss_softmax_##SFX(n, d, c, (const T *)X, ldx, y, (const T *)W, (const T *)b, o,    \
                                 (T *)l, (T *)dW, (T *)db);                                       \
  }                                                                                               \
  static linloss_status svm_scores_##SFX(size_t n, size_t c, const void *S, size_t lds,           \
                                         const int32_t *y, const linloss_options *o, void *l,     \
                                         void *dS, size_t ldds) {                                 \
    return linloss_svm_scores_##SFX(n, c, (const T *)S, lds, y, o, (T *)l, (T *)dS, ldds);        \
  }                                                                                               \
  static linloss_status softmax_scores_##SFX(size_t n, size_t c, const void *S, size_t lds,       \
                                             const int32_t *y, const linloss_options *o, void *l, \
                                             void *dS, size_t ldds) {                             \
    return linloss_softmax_scores_##SFX(n, c, (const T *)S, lds, y, o, (T *)l, (T *)dS, ldds);    \
  }                                                                                               \
  static linloss_status logistic_##SFX(size_t n, size_t d, const void *X, size_t ldx,             \
                                       const int32_t *y, const void *w, const void *b,            \
                                       const linloss_options *o, void *l, void *dw, void *db) {   \
    return linloss_logistic_##SFX(n, d, (const T *)X, ldx, y, (const T *)w, (const T *)b, o,      \
                                  (T *)l, (T *)dw, (T *)db);                                      \
  }                                                                                               \
  static linloss_status logistic_scores_##SFX(size_t n, const void *s, const int32_t *y,          \
                                              const linloss_options *o, void *l, void *ds) {      \
    return linloss_logistic_scores_##SFX(n, (const T *)s, y, o, (T *)l, (T *)ds);                 \
  }                                                                                               \
  static linloss_status predict_##SFX(size_t n, size_t d, size_t c, const void *X, size_t ldx,    \
                                      const void *W, const void *b, const linloss_options *o,     \
                                      int32_t *pred) {                                            \
    return linloss_predict_##SFX(n, d, c, (const T *)X, ldx, (const T *)W, (const T *)b, o,       \
                                 pred);                                                           \
  }                                                                                               \
  static const api api_##SFX = {#SFX,          sizeof(T),         U,                   TMIN,      \
                                NMIN,          MAX,               get_##SFX,           put_##SFX, \
                                round_##SFX,   svm_##SFX,         softmax_##SFX,       svm_scores_##SFX, \
                                softmax_scores_##SFX, logistic_##SFX, logistic_scores_##SFX,      \
                                predict_##SFX};
DEFINE_API(float, f32, 0x1p-24, 0x1p-149, 0x1p-126, FLT_MAX)
DEFINE_API(double, f64, 0x1p-53, 0x1p-1074, 0x1p-1022, DBL_MAX)
static const api *const apis[2] = {&api_f32, &api_f64};

static void *xmalloc(size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (!p) {
    fprintf(stderr, "test_special: out of memory\n");
    exit(2);
  }
  return p;
}

/* n values of the tested type, from doubles (NULL: filled with fill) */
static void *tbuf(const api *a, const double *v, size_t n, double fill) {
  void *p = xmalloc(n * a->es);
  size_t i;
  for (i = 0; i < n; i++) a->put(p, i, v ? v[i] : fill);
  return p;
}

static linloss_options opts(int reduction, double eps) {
  linloss_options o = linloss_options_default();
  o.reduction = reduction;
  o.label_smoothing = eps;
  return o;
}

/* got matches want within allow: NaN for NaN, infinities exactly, allow 0
   means the same number. */
static int matches(double got, double want, double allow) {
  if (want != want) return got != got;
  if (isinf(want)) return got == want;
  if (got != got || isinf(got)) return 0;
  return fabs(got - want) <= allow;
}

/* ------------------------------------------------------------ closed forms */

/* *acc += v, Neumaier's compensated summation (*comp: the lost low part) */
static void ksum(long double *acc, long double *comp, long double v) {
  const long double t = *acc + v;
  if (!(t - t == 0)) /* inf or NaN: nothing to compensate */
    *comp = 0;
  else if (fabsl(*acc) >= fabsl(v))
    *comp += (*acc - t) + v;
  else
    *comp += (v - t) + *acc;
  *acc = t;
}

/* Softmax cross-entropy of one row (already rounded to the tested type):
   L and g = softmax - q, in long double. */
static void softmax_want(const double *s, size_t c, size_t y, double eps, double *L, double *g) {
  long double m = -INFINITY, sum = 0, lse, qs = 0;
  size_t j;
  for (j = 0; j < c; j++) {
    if (s[j] != s[j]) {
      *L = NAN;
      for (j = 0; j < c; j++) g[j] = NAN;
      return;
    }
    if (s[j] > m) m = s[j];
  }
  if (m == -INFINITY) { /* every score -inf: -inf - -inf */
    *L = NAN;
    for (j = 0; j < c; j++) g[j] = NAN;
    return;
  }
  /* compensated sums: C is up to 100000, and long double may be no wider
     than double (valgrind emulates the x87 in double) */
  {
    long double cs = 0, cq = 0;
    for (j = 0; j < c; j++) ksum(&sum, &cs, expl((long double)s[j] - m));
    sum += cs;
    lse = logl(sum);
    for (j = 0; j < c; j++) {
      const long double q = (long double)eps / (long double)c + (j == y ? 1 - (long double)eps : 0);
      /* halved: s_j - m may overflow when long double is double */
      if (q != 0) ksum(&qs, &cq, q * ((long double)s[j] * 0.5L - m * 0.5L));
      g[j] = (double)(expl((long double)s[j] - m) / sum - q);
    }
    qs += cq;
  }
  *L = (double)(lse - 2 * qs);
}

/* The SVM on one row, every margin s_j - s_y + delta rounded as the tested
   type rounds it. */
static void svm_want(const api *a, const double *s, size_t c, size_t y, const linloss_options *o,
                     double *L, double *g) {
  const double delta = a->round(o->delta);
  size_t j, lo = 0, hi = c;
  double gy = 0, l = 0;
  for (j = 0; j < c; j++) g[j] = 0;
  if (o->svm_variant == LINLOSS_SVM_CS) { /* the first j != y of largest score, NaN first */
    size_t best = c;
    for (j = 0; j < c; j++) {
      if (j == y) continue;
      if (s[j] != s[j]) {
        best = j;
        break;
      }
      if (best == c || s[j] > s[best]) best = j;
    }
    lo = best;
    hi = best + 1;
  }
  for (j = lo; j < hi; j++) {
    double m, h, d;
    if (j == y) continue;
    m = a->round(a->round(s[j] - s[y]) + delta);
    if (m != m) {
      h = d = m;
    } else if (m > 0) {
      h = o->hinge_power == 1 ? m : a->round(m * m);
      d = o->hinge_power == 1 ? 1 : a->round(2 * m);
    } else {
      h = d = 0;
    }
    l += h;
    g[j] = d;
    gy -= d;
  }
  g[y] = gy;
  *L = l;
}

/* sigma(x) without cancellation */
static long double sigmoidl(long double x) {
  return x >= 0 ? 1 / (1 + expl(-x)) : expl(x) / (1 + expl(x));
}

/* ------------------------------------------------------------ runners */

enum { K_SVM, K_SOFTMAX };

/* One special row, n copies, LINLOSS_SUM: the loss layer out of place and in
   place, and the fused path with X = 0, W = 0, b = the row (so the scores
   are exactly the row). exact: loss and gradient must be exactly the closed
   form; else within the allowances of each kind. */
static void check_rows(const api *a, int kind, const double *row, size_t c, size_t y,
                       const linloss_options *o, int exact, const char *what) {
  static const size_t ns_small[] = {1, 5, 17}, ns_big[] = {1, 2};
  const int big = c > 1000;
  const size_t *ns = big ? ns_big : ns_small;
  const size_t nns = big ? 2 : 3;
  double *rr = (double *)calloc(c, sizeof(double)), *g = (double *)calloc(c, sizeof(double));
  double *ga = (double *)calloc(c, sizeof(double));
  double L, La, hsum = 0;
  size_t k, i, j;
  if (!rr || !g || !ga) exit(2);
  for (j = 0; j < c; j++) rr[j] = a->round(row[j]);
  if (kind == K_SOFTMAX) {
    double dev = 0, m = -INFINITY;
    softmax_want(rr, c, y, o->label_smoothing, &L, g);
    for (j = 0; j < c; j++) m = rr[j] > m ? rr[j] : m;
    for (j = 0; j < c; j++) dev += isfinite(rr[j]) ? fabs(rr[j] - m) : 0;
    /* the row's sums (of the exponentials, and of s_j - m with smoothing)
       run over C terms in the tested type: relative error up to C u */
    La = exact ? 0 : 8 * a->u * fabs(L) + (double)c * a->u * (1 + o->label_smoothing * dev / (double)c);
    for (j = 0; j < c; j++) {
      const double q = o->label_smoothing / (double)c + (j == y ? 1 - o->label_smoothing : 0);
      ga[j] = exact ? 0 : 8 * a->u * (fabs(g[j] + q) + q) + 2 * a->tmin;
    }
    L = a->round(L);
    for (j = 0; j < c; j++) g[j] = a->round(g[j]);
  } else {
    svm_want(a, rr, c, y, o, &L, g);
    for (j = 0; j < c; j++)
      if (j != y && g[j] == g[j]) hsum += fabs(g[j]);
    /* the sums of the hinges and of their gradients, in other orders */
    La = 4 * a->u * fabs(L);
    for (j = 0; j < c; j++) ga[j] = j == y ? 4 * a->u * hsum : 0;
  }
  for (k = 0; k < nns; k++) {
    const size_t n = ns[k];
    double *S = (double *)xmalloc(n * c * sizeof(double));
    int32_t *ys = (int32_t *)xmalloc(n * sizeof(int32_t));
    void *tS, *tdS, *tl, *tX, *tW, *tb, *tdW, *tdb;
    linloss_status st;
    int inplace, bad = 0;
    for (i = 0; i < n; i++) {
      memcpy(S + i * c, rr, c * sizeof(double));
      ys[i] = (int32_t)y;
    }
    /* the loss layer */
    for (inplace = 0; inplace < 2; inplace++) {
      tS = tbuf(a, S, n * c, 0);
      tdS = inplace ? tS : tbuf(a, NULL, n * c, -12345);
      tl = tbuf(a, NULL, 1, -12345);
      CALL(st, (kind == K_SVM ? a->svm_scores : a->softmax_scores)(n, c, tS, c, ys, o, tl, tdS, c));
      G.checks++;
      if (st != LINLOSS_OK) {
        fail("%s %s, %s, n %zu: status %d", a->name, kind == K_SVM ? "svm_scores" : "softmax_scores", what, n, (int)st);
        bad = 1;
      } else {
        const double got = a->get(tl, 0), want = a->round((double)n * L);
        G.checks++;
        if (!matches(got, want, (double)n * La + (n > 1 ? (double)n * a->u * fabs(want) : 0)))
          fail("%s %s, %s, C %zu, n %zu%s: loss %.9g, want %.9g", a->name,
               kind == K_SVM ? "svm_scores" : "softmax_scores", what, c, n, inplace ? " in place" : "", got, want),
              bad = 1;
        for (i = 0; i < n && !bad; i++)
          for (j = 0; j < c; j++) {
            const double gj = a->get(tdS, i * c + j);
            G.checks++;
            if (!matches(gj, g[j], ga[j])) {
              fail("%s %s, %s, C %zu, n %zu%s: dS[%zu][%zu] = %.9g, want %.9g", a->name,
                   kind == K_SVM ? "svm_scores" : "softmax_scores", what, c, n, inplace ? " in place" : "", i, j,
                   gj, g[j]);
              bad = 1;
              break;
            }
          }
      }
      free(tS);
      if (!inplace) free(tdS);
      free(tl);
    }
    /* the fused path: X = 0 (n x 1), W = 0 (1 x c), b = the row; db = n g */
    if (!bad && n <= 5) {
      linloss_options of = *o;
      int layout;
      for (layout = 0; layout < 2; layout++) {
        int finite = 1;
        of.w_layout = layout ? LINLOSS_W_CD : LINLOSS_W_DC;
        tX = tbuf(a, NULL, n, 0);
        tW = tbuf(a, NULL, c, 0);
        tb = tbuf(a, rr, c, 0);
        tdW = tbuf(a, NULL, c, -12345);
        tdb = tbuf(a, NULL, c, -12345);
        tl = tbuf(a, NULL, 1, -12345);
        CALL(st, (kind == K_SVM ? a->svm : a->softmax)(n, 1, c, tX, 1, ys, tW, tb, &of, tl, tdW, tdb));
        G.checks++;
        if (st != LINLOSS_OK) {
          fail("%s %s fused, %s, C %zu, n %zu: status %d", a->name, kind == K_SVM ? "svm" : "softmax", what, c, n,
               (int)st);
        } else {
          const double got = a->get(tl, 0), want = a->round((double)n * L);
          G.checks++;
          if (!matches(got, want, (double)n * La + (n > 1 ? (double)n * a->u * fabs(want) : 0)))
            fail("%s %s fused, %s, C %zu, n %zu: loss %.9g, want %.9g", a->name, kind == K_SVM ? "svm" : "softmax",
                 what, c, n, got, want);
          for (j = 0; j < c; j++) {
            const double gj = a->get(tdb, j), want_j = a->round((double)n * g[j]);
            G.checks++;
            finite &= isfinite(g[j]);
            if (!matches(gj, want_j, (double)n * ga[j] + (n > 1 ? 2 * a->u * fabs(want_j) : 0))) {
              fail("%s %s fused, %s, C %zu, n %zu: db[%zu] = %.9g, want %.9g", a->name,
                   kind == K_SVM ? "svm" : "softmax", what, c, n, j, gj, want_j);
              break;
            }
          }
          for (j = 0; finite && j < c; j++) { /* dW = X^T dS = 0 */
            G.checks++;
            if (a->get(tdW, j) != 0) {
              fail("%s %s fused, %s, C %zu: dW[%zu] = %.9g, want 0", a->name, kind == K_SVM ? "svm" : "softmax",
                   what, c, j, a->get(tdW, j));
              break;
            }
          }
        }
        free(tX), free(tW), free(tb), free(tdW), free(tdb), free(tl);
      }
    }
    free(S);
    free(ys);
  }
  free(rr);
  free(g);
  free(ga);
}

/* A row of c scores: all `fill`, then the listed (index, value) pairs. */
static double *make_row(size_t c, double fill, size_t npairs, const size_t *idx, const double *val) {
  double *r = (double *)xmalloc(c * sizeof(double));
  size_t j;
  for (j = 0; j < c; j++) r[j] = fill;
  for (j = 0; j < npairs; j++)
    if (idx[j] < c) r[idx[j]] = val[j];
  return r;
}

/* the class counts of the special rows; the last one is
   LINLOSS_TEST_SPECIAL_BIG_C (default 100000; over 1000) */
static size_t g_cs[] = {2, 3, 8, 33, 100000};
#define NCS (sizeof g_cs / sizeof g_cs[0])

/* ------------------------------------------------------------ softmax */

static void test_softmax_special(const api *a) {
  const double big = a->es == 4 ? FLT_MAX : DBL_MAX;
  const double equal[] = {0, -7.5, 1e30, -1e30, FLT_MAX, -FLT_MAX, big, -big, 3 * a->tmin};
  /* (top, rest): one score far above the others; e^(rest - top) is 0 */
  const double dom[][2] = {{1e30, -1e30}, {FLT_MAX, -FLT_MAX}, {big, -big}, {0, -1e30}, {1e30, 0},
                           {0, -INFINITY}, {-1e30, -INFINITY}, {big, -INFINITY}};
  size_t ci, k, ie;
  group_begin("%s softmax: +-1e30, +-FLT_MAX, +-%s, -inf, all-equal scores; C = 2 .. %zu;"
              " gradient = softmax - q exactly where representable",
              a->name, a->es == 4 ? "FLT_MAX" : "DBL_MAX", g_cs[NCS - 1]);
  for (ci = 0; ci < NCS; ci++) {
    const size_t c = g_cs[ci], y = c > 2 ? c / 2 : 1;
    if (c > 1000 && g_ftz) continue; /* the big C once is enough */
    for (ie = 0; ie < 2; ie++) {
      const double eps = ie ? 0.1 : 0.0;
      linloss_options o = opts(LINLOSS_SUM, eps);
      char what[160];
      /* all equal: log C, 1/C - q */
      for (k = 0; k < sizeof equal / sizeof equal[0]; k++) {
        double *r;
        if (c > 1000 && k % 3) continue; /* a few for the big C */
        r = make_row(c, equal[k], 0, NULL, NULL);
        snprintf(what, sizeof what, "all scores %g, eps %g", equal[k], eps);
        check_rows(a, K_SOFTMAX, r, c, y, &o, 0, what); /* exact cases: test_softmax_exact */
        free(r);
      }
      /* one dominant score, on the target or not: loss 0 or top - rest,
         gradient 0, or +1 / -1 (exact without smoothing) */
      for (k = 0; k < sizeof dom / sizeof dom[0]; k++) {
        const size_t tops[2] = {y, 0};
        int t;
        if (a->es == 8 && dom[k][0] == FLT_MAX) continue; /* same as 1e30 there */
        if (c > 1000 && k % 2) continue;
        /* with smoothing, rest - top overflowing the type: see
           test_softmax_smoothing_range */
        if (eps > 0 && isfinite(dom[k][1]) && isinf(a->round(dom[k][1] - dom[k][0]))) continue;
        for (t = 0; t < 2; t++) {
          double *r = make_row(c, dom[k][1], 1, &tops[t], &dom[k][0]);
          snprintf(what, sizeof what, "top %g at %s, others %g, eps %g", dom[k][0], t ? "class 0" : "the target",
                   dom[k][1], eps);
          check_rows(a, K_SOFTMAX, r, c, y, &o, eps == 0, what);
          free(r);
        }
      }
      /* -inf in the non-target classes but two: softmax over those two,
         exactly 0 on the others (without smoothing; loss +inf with it) */
      {
        const size_t idx[2] = {y, (y + 1) % c};
        const double val[2] = {0.5, -1.25};
        double *r = make_row(c, -INFINITY, 2, idx, val);
        snprintf(what, sizeof what, "-inf in the other classes, eps %g", eps);
        check_rows(a, K_SOFTMAX, r, c, y, &o, 0, what);
        free(r);
      }
      /* -inf in the target: loss +inf, gradient -1 there (softmax 0) */
      {
        const size_t idx[1] = {y};
        const double val[1] = {-INFINITY};
        double *r = make_row(c, 2.5, 1, idx, val);
        snprintf(what, sizeof what, "-inf in the target, eps %g", eps);
        check_rows(a, K_SOFTMAX, r, c, y, &o, 0, what);
        free(r);
      }
      /* every score -inf: NaN (-inf - -inf) */
      {
        double *r = make_row(c, -INFINITY, 0, NULL, NULL);
        snprintf(what, sizeof what, "every score -inf, eps %g", eps);
        check_rows(a, K_SOFTMAX, r, c, y, &o, 0, what);
        free(r);
      }
    }
  }
  group_end();
}

/* Label smoothing puts weight eps / C on every class, so the loss has the
   term eps / C sum_j (m - s_j): finite when the scores are, and so it must
   be ("any finite scores give the exact finite answer"), even when m - s_j
   itself overflows the type (scores of +-FLT_MAX, +-DBL_MAX). */
static void test_softmax_smoothing_range(const api *a) {
  static const size_t cs[] = {2, 3, 33};
  const double big = a->es == 4 ? FLT_MAX : DBL_MAX;
  const double rows[][2] = {{big, -big}, {big / 2, -big}, {0, -big}};
  size_t ci, k;
  int t;
  group_begin("%s softmax, label smoothing 0.1, scores spanning more than the type's range"
              " (+-%s): finite loss eps (C-1)/C (top - rest)",
              a->name, a->es == 4 ? "FLT_MAX" : "DBL_MAX");
  for (ci = 0; ci < sizeof cs / sizeof cs[0]; ci++)
    for (k = 0; k < sizeof rows / sizeof rows[0]; k++)
      for (t = 0; t < 2; t++) {
        const size_t c = cs[ci], y = c - 1, top = t ? 0 : y;
        linloss_options o = opts(LINLOSS_SUM, 0.1);
        char what[160];
        double *r = make_row(c, rows[k][1], 1, &top, &rows[k][0]);
        snprintf(what, sizeof what, "top %g at %s, others %g, eps 0.1", rows[k][0], t ? "class 0" : "the target",
                 rows[k][1]);
        check_rows(a, K_SOFTMAX, r, c, y, &o, 0, what);
        free(r);
      }
  group_end();
}

/* The exact cases of the softmax: all-equal scores where 1/C is a binary
   fraction (C = 2, 8), the gradient bit for bit 1/C - onehot. */
static void test_softmax_exact(const api *a) {
  static const size_t cs[] = {2, 8, 64, 1024};
  const double vals[] = {0, 1e30, -1e30, -FLT_MAX, FLT_MAX};
  size_t ci, k;
  group_begin("%s softmax: all-equal scores, C = 2, 8, 64, 1024: gradient exactly 1/C - onehot", a->name);
  for (ci = 0; ci < sizeof cs / sizeof cs[0]; ci++)
    for (k = 0; k < sizeof vals / sizeof vals[0]; k++) {
      const size_t c = cs[ci], y = c - 1;
      linloss_options o = opts(LINLOSS_SUM, 0);
      double *S = make_row(c, vals[k], 0, NULL, NULL);
      void *tS = tbuf(a, S, c, 0), *tdS = tbuf(a, NULL, c, -1), *tl = tbuf(a, NULL, 1, -1);
      linloss_status st;
      size_t j;
      CALL(st, a->softmax_scores(1, c, tS, c, (const int32_t[]){(int32_t)y}, &o, tl, tdS, c));
      G.checks++;
      if (st != LINLOSS_OK) fail("C %zu: status %d", c, (int)st);
      for (j = 0; st == LINLOSS_OK && j < c; j++) {
        const double want = 1.0 / (double)c - (j == y);
        G.checks++;
        if (a->get(tdS, j) != want) {
          fail("C %zu, scores %g: dS[%zu] = %.9g, want exactly %.9g", c, vals[k], j, a->get(tdS, j), want);
          break;
        }
      }
      G.checks++;
      if (st == LINLOSS_OK && !matches(a->get(tl, 0), log((double)c), 4 * a->u * log((double)c)))
        fail("C %zu, scores %g: loss %.9g, want log C = %.9g", c, vals[k], a->get(tl, 0), log((double)c));
      free(S), free(tS), free(tdS), free(tl);
    }
  group_end();
}

/* ------------------------------------------------------------ SVM */

static void test_svm_special(const api *a) {
  const double big = a->es == 4 ? FLT_MAX : DBL_MAX;
  const double equal[] = {0, 1e30, -1e30, FLT_MAX, -FLT_MAX, big, -big, 3 * a->tmin};
  const double dom[][2] = {{1e30, -1e30}, {FLT_MAX, -FLT_MAX}, {big, -big}, {0, -INFINITY},
                           {1e30, 0},     {INFINITY, 0},      {0, -1e30}};
  static const double deltas[] = {1, 0, 1e39}; /* 1e39: +inf as a float */
  size_t ci, k, id;
  int variant, power;
  group_begin("%s SVM (WW and CS, hinge and squared): +-1e30, +-FLT_MAX, +-%s, +-inf, all-equal scores;"
              " one NaN; C = 2 .. %zu; exact",
              a->name, a->es == 4 ? "FLT_MAX" : "DBL_MAX", g_cs[NCS - 1]);
  for (ci = 0; ci < NCS; ci++)
    for (variant = 0; variant < 2; variant++)
      for (power = 1; power <= 2; power++)
        for (id = 0; id < sizeof deltas / sizeof deltas[0]; id++) {
          const size_t c = g_cs[ci], y = c > 2 ? c / 2 : 1;
          linloss_options o = opts(LINLOSS_SUM, 0);
          char what[200];
          o.svm_variant = variant ? LINLOSS_SVM_CS : LINLOSS_SVM_WW;
          o.hinge_power = power;
          o.delta = deltas[id];
          if (c > 1000 && (power == 2 || id || g_ftz)) continue; /* enough of the big C */
          if (deltas[id] > 1 && a->es != 4) continue;            /* finite in f64: its sums not exact */
          for (k = 0; k < sizeof equal / sizeof equal[0]; k++) {
            double *r;
            if (c > 1000 && k % 3) continue;
            r = make_row(c, equal[k], 0, NULL, NULL);
            snprintf(what, sizeof what, "%s power %d delta %g: all scores %g", variant ? "CS" : "WW", power,
                     deltas[id], equal[k]);
            check_rows(a, K_SVM, r, c, y, &o, 1, what);
            free(r);
          }
          for (k = 0; k < sizeof dom / sizeof dom[0]; k++) {
            const size_t tops[2] = {y, 0};
            int t;
            if (c > 1000 && k % 2) continue;
            for (t = 0; t < 2; t++) {
              double *r = make_row(c, dom[k][1], 1, &tops[t], &dom[k][0]);
              snprintf(what, sizeof what, "%s power %d delta %g: top %g at %s, others %g", variant ? "CS" : "WW",
                       power, deltas[id], dom[k][0], t ? "class 0" : "the target", dom[k][1]);
              check_rows(a, K_SVM, r, c, y, &o, 1, what);
              free(r);
            }
          }
          { /* -inf in the non-target classes but one */
            const size_t idx[2] = {y, (y + 1) % c};
            const double val[2] = {0, 0.5};
            double *r = make_row(c, -INFINITY, 2, idx, val);
            snprintf(what, sizeof what, "%s power %d delta %g: -inf in the other classes", variant ? "CS" : "WW",
                     power, deltas[id]);
            check_rows(a, K_SVM, r, c, y, &o, 1, what);
            free(r);
          }
          { /* -inf in the target: every margin +inf */
            const size_t idx[1] = {y};
            const double val[1] = {-INFINITY};
            double *r = make_row(c, 2.5, 1, idx, val);
            snprintf(what, sizeof what, "%s power %d delta %g: -inf in the target", variant ? "CS" : "WW", power,
                     deltas[id]);
            check_rows(a, K_SVM, r, c, y, &o, 1, what);
            free(r);
          }
          { /* one NaN: after the target, in the last class, in the target */
            const size_t at[3] = {(y + 1) % c, c - 1, y};
            const double val[2] = {0, NAN};
            int t;
            for (t = 0; t < 3; t++) {
              const size_t idx[2] = {y, at[t]};
              double *r = make_row(c, 0.5, 2, idx, val);
              snprintf(what, sizeof what, "%s power %d delta %g: NaN in class %zu (target %zu)", variant ? "CS" : "WW",
                       power, deltas[id], at[t], y);
              check_rows(a, K_SVM, r, c, y, &o, 1, what);
              free(r);
            }
          }
        }
  group_end();
}

/* f32 rows whose losses are FLT_MAX / 2: a block of them added in float
   overflows, their sum in double (the library's) and their mean do not.
   Rows one after the other, and with a stride. (In f64 the double sum
   itself overflows: not tested.) */
static void test_svm_block_overflow(const api *a) {
  static const size_t cs[] = {3, 5, 7, 10, 20};
  const double m = a->max / 4;
  const size_t n = 40;
  size_t ci, i, j;
  if (a->es != 4) return;
  group_begin("%s SVM: %zu rows of loss FLT_MAX / 2, mean reduction: the loss and dS finite and right", a->name, n);
  for (ci = 0; ci < sizeof cs / sizeof cs[0]; ci++) {
    const size_t c = cs[ci];
    int strided;
    for (strided = 0; strided < 2; strided++) {
      const size_t ld = c + (size_t)strided;
      double *v = (double *)xmalloc(n * ld * sizeof(double));
      int32_t *y = (int32_t *)xmalloc(n * sizeof(int32_t));
      void *S, *dS, *loss = tbuf(a, NULL, 1, -1);
      linloss_options o = opts(LINLOSS_MEAN, 0);
      const double want = a->round(a->round(m - -m) + 1), gl = a->round(1.0 / (double)n);
      linloss_status st;
      for (i = 0; i < n; i++) { /* s = (-m, m, -3m, ...), y = 0: one margin 2m + 1, the others -2m + 1 */
        y[i] = 0;
        for (j = 0; j < ld; j++) v[i * ld + j] = j == 0 ? -m : j == 1 ? m : -3 * m;
      }
      S = tbuf(a, v, n * ld, 0);
      dS = tbuf(a, NULL, n * ld, -7);
      CALL(st, a->svm_scores(n, c, S, ld, y, &o, loss, dS, ld));
      G.checks++;
      if (st != LINLOSS_OK) fail("C = %zu, stride %zu: status %d", c, ld, (int)st);
      else if (!matches(a->get(loss, 0), want, 4 * a->u * want))
        fail("C = %zu, stride %zu: loss %.9g, want %.9g", c, ld, a->get(loss, 0), want);
      else
        for (i = 0; i < n; i++)
          for (j = 0; j < c; j++) {
            const double g = a->get(dS, i * ld + j), gw = j == 0 ? -gl : j == 1 ? gl : 0;
            if (g != gw) {
              fail("C = %zu, stride %zu: dS[%zu][%zu] = %.9g, want %.9g", c, ld, i, j, g, gw);
              i = n;
              break;
            }
          }
      free(v), free(y), free(S), free(dS), free(loss);
    }
  }
  group_end();
}

/* ------------------------------------------------------------ logistic */

static void test_logistic_tails(const api *a) {
  static const double mags[] = {0,  1e-30, 1e-3, 0.5, 1,   5,   10,  20,  30,   50,  80,  87,
                                88, 89,    95,   100, 103, 104, 110, 200, 500,  700, 708, 740,
                                745, 746,  800,  1e3, 5e3, 1e4};
  /* results below the smallest normal lose relative accuracy: allowed
     absolute, in units of the smallest denormal (or normal, with FTZ) */
  const double dz = g_ftz ? a->nmin : a->tmin;
  size_t k;
  int y, sign, ie, fused;
  group_begin("%s logistic: both tails, |s| up to 1e4, label smoothing 0 and 0.1: loss and gradient against"
              " max(s,0) - s t + log1p(e^-|s|) and (1-t) sigma(s) - t sigma(-s)",
              a->name);
  for (ie = 0; ie < 2; ie++)
    for (k = 0; k < sizeof mags / sizeof mags[0]; k++)
      for (sign = 0; sign < 2; sign++)
        for (y = 0; y < 2; y++)
          for (fused = 0; fused < 2; fused++) {
            const double eps = ie ? 0.1 : 0.0;
            const double s = a->round(sign ? -mags[k] : mags[k]);
            const long double t = (1 - (long double)eps) * y + (long double)eps / 2;
            const long double Ll = (s > 0 ? (long double)s : 0) - (long double)s * t + log1pl(expl(-fabsl(s)));
            const long double gl = (1 - t) * sigmoidl(s) - t * sigmoidl(-(long double)s);
            const double L = (double)Ll, g = (double)gl;
            /* s t is exact without smoothing (t = 0 or 1) */
            const double La = 8 * a->u * (fabs(s) * (eps > 0) + fabs(L)) + 4 * dz;
            const double Ga = 8 * a->u * (fabs(g) + (double)((1 - t) * sigmoidl(s) + t * sigmoidl(-(long double)s)) * (eps > 0)) +
                              4 * dz;
            linloss_options o = opts(LINLOSS_SUM, eps);
            const int32_t yy[1] = {y};
            double sl[1] = {-1};
            void *ts = tbuf(a, &s, 1, 0), *tds = tbuf(a, NULL, 1, -1), *tl = tbuf(a, NULL, 1, -1);
            void *tw = tbuf(a, NULL, 1, 1), *tdw = tbuf(a, NULL, 1, -1);
            linloss_status st;
            double gotL, gotG;
            o.sample_loss = sl;
            if (fused)
              CALL(st, a->logistic(1, 1, ts, 1, yy, tw, NULL, &o, tl, tdw, tds)); /* s = s * 1, db = ds */
            else
              CALL(st, a->logistic_scores(1, ts, yy, &o, tl, tds));
            G.checks += 3;
            gotL = a->get(tl, 0);
            gotG = a->get(tds, 0);
            if (st != LINLOSS_OK)
              fail("%s: s = %g, y = %d: status %d", fused ? "fused" : "scores", s, y, (int)st);
            else if (!matches(gotL, a->round(L), La) || !matches(sl[0], L, La) || !matches(gotG, a->round(g), Ga))
              fail("%s: s = %g, y = %d, eps %g: loss %.9g (sample loss %.17g) and ds %.9g; want %.9g and %.9g"
                   " (allowed %.3g, %.3g)",
                   fused ? "fused" : "scores", s, y, eps, gotL, sl[0], gotG, L, g, La, Ga);
            free(ts), free(tds), free(tl), free(tw), free(tdw);
          }
  group_end();
}

/* ------------------------------------------------------------ denormals */

/* Denormal scores and inputs: softmax of denormal scores is that of equal
   scores; SVM margins of denormals (delta 0) are exact (0 with DAZ); the
   logistic loss at a denormal s is log 2. */
static void test_denormals(const api *a) {
  const double t = a->tmin;
  const double srow[5] = {3 * t, -2 * t, 0, 7 * t, -t};
  const size_t c = 5;
  size_t y, j;
  group_begin("%s denormal scores, inputs and weights%s", a->name, g_ftz ? " (FTZ/DAZ: read as 0)" : "");
  for (y = 0; y < c; y++) {
    linloss_options o = opts(LINLOSS_SUM, 0);
    void *tS = tbuf(a, srow, c, 0), *tdS = tbuf(a, NULL, c, -1), *tl = tbuf(a, NULL, 1, -1);
    linloss_status st;
    int32_t yy[1];
    yy[0] = (int32_t)y;
    /* softmax: log C, 1/C - onehot */
    CALL(st, a->softmax_scores(1, c, tS, c, yy, &o, tl, tdS, c));
    G.checks++;
    if (st != LINLOSS_OK || !matches(a->get(tl, 0), log(5.0), 4 * a->u * 2))
      fail("softmax of denormal scores, y = %zu: status %d loss %.9g, want log 5", y, (int)st, a->get(tl, 0));
    for (j = 0; st == LINLOSS_OK && j < c; j++) {
      G.checks++;
      if (!matches(a->get(tdS, j), 0.2 - (j == y), 4 * a->u)) {
        fail("softmax of denormal scores, y = %zu: dS[%zu] = %.9g", y, j, a->get(tdS, j));
        break;
      }
    }
    /* SVM, delta 0: loss = the sum of the positive differences, exact;
       with DAZ every margin reads 0 (loss 0, gradient 0) */
    o.delta = 0;
    CALL(st, a->svm_scores(1, c, tS, c, yy, &o, tl, tdS, c));
    {
      double L = 0, cnt = 0;
      int raw_ok = 1, flushed_ok = 1;
      for (j = 0; j < c; j++)
        if (j != y && srow[j] - srow[y] > 0) L += srow[j] - srow[y], cnt++;
      raw_ok = st == LINLOSS_OK && a->get(tl, 0) == L;
      flushed_ok = st == LINLOSS_OK && a->get(tl, 0) == 0;
      for (j = 0; j < c; j++) {
        const double gj = a->get(tdS, j);
        raw_ok &= gj == (j == y ? -cnt : srow[j] - srow[y] > 0 ? 1 : 0);
        flushed_ok &= gj == 0;
      }
      G.checks++;
      if (!(raw_ok || (g_ftz && flushed_ok)))
        fail("svm of denormal scores, delta 0, y = %zu: status %d, loss %.9g (want %.9g), dS[0] %.9g", y, (int)st,
             a->get(tl, 0), L, a->get(tdS, 0));
    }
    free(tS), free(tdS), free(tl);
  }
  { /* logistic at denormal scores: log 2 and 1/2 - t */
    const double s[4] = {t, -t, 5 * t, -3 * t};
    const int32_t ys[4] = {0, 1, 1, 0};
    linloss_options o = opts(LINLOSS_SUM, 0);
    void *ts = tbuf(a, s, 4, 0), *tds = tbuf(a, NULL, 4, -1), *tl = tbuf(a, NULL, 1, -1);
    linloss_status st;
    CALL(st, a->logistic_scores(4, ts, ys, &o, tl, tds));
    G.checks++;
    if (st != LINLOSS_OK || !matches(a->get(tl, 0), 4 * log(2.0), 16 * a->u))
      fail("logistic of denormal scores: status %d loss %.9g, want 4 log 2", (int)st, a->get(tl, 0));
    for (j = 0; st == LINLOSS_OK && j < 4; j++) {
      G.checks++;
      if (!matches(a->get(tds, j), 0.5 - ys[j], 4 * a->u)) fail("logistic of denormal scores: ds[%zu] = %.9g", j, a->get(tds, j));
    }
    free(ts), free(tds), free(tl);
  }
  { /* fused, denormal X times small integers W: scores denormal, softmax
       1/C - onehot, dW = X^T dS tiny (0 with DAZ) */
    const double X[2 * 3] = {t, 2 * t, -t, 3 * t, 0, -2 * t};
    const double W[3 * 4] = {1, 2, -3, 1, -1, 1, 2, 0, 3, -2, 1, 1};
    const int32_t ys[2] = {1, 3};
    linloss_options o = opts(LINLOSS_SUM, 0);
    void *tX = tbuf(a, X, 6, 0), *tW = tbuf(a, W, 12, 0), *tdW = tbuf(a, NULL, 12, -1), *tdb = tbuf(a, NULL, 4, -1);
    void *tl = tbuf(a, NULL, 1, -1);
    linloss_status st;
    CALL(st, a->softmax(2, 3, 4, tX, 3, ys, tW, NULL, &o, tl, tdW, tdb));
    G.checks++;
    if (st != LINLOSS_OK || !matches(a->get(tl, 0), 2 * log(4.0), 16 * a->u))
      fail("fused softmax of denormal X: status %d loss %.9g, want 2 log 4", (int)st, a->get(tl, 0));
    for (j = 0; st == LINLOSS_OK && j < 4; j++) {
      G.checks++;
      if (!matches(a->get(tdb, j), 0.5 - (j == 1) - (j == 3), 8 * a->u)) fail("fused softmax of denormal X: db[%zu] = %.9g", j, a->get(tdb, j));
    }
    for (j = 0; st == LINLOSS_OK && j < 12; j++) { /* |dW| <= sum |x| */
      G.checks++;
      if (!(fabs(a->get(tdW, j)) <= 5 * t)) fail("fused softmax of denormal X: dW[%zu] = %.9g", j, a->get(tdW, j));
    }
    free(tX), free(tW), free(tdW), free(tdb), free(tl);
  }
  group_end();
}

/* Weights at the ends of the double range: the mean over a batch whose total
   weight is a denormal (1 / W_tot overflows) is still the weighted mean; a
   NaN score whose weight w_i / W_tot underflows in the tested type still
   gives NaN gradient entries (NaN times anything but 0). */
static void test_tiny_weights(const api *a) {
  static const double tiny[] = {1e-310, 4e-320, 5e-324, 1e-300};
  const double S[2] = {1, 0};
  size_t k;
  int e;
  group_begin("%s weights: a total weight below 1/DBL_MAX (denormal) still gives the weighted mean;"
              " a NaN score of negligible weight still gives NaN gradients",
              a->name);
  for (k = 0; k < sizeof tiny / sizeof tiny[0]; k++)
    for (e = 0; e < 3; e++) { /* softmax, svm, logistic: one sample, y = 0 */
      linloss_options o = opts(LINLOSS_MEAN, 0);
      double sw[1], L, g[2], ds_want[2];
      const int32_t yy[1] = {0};
      void *tS = tbuf(a, S, 2, 0), *tdS = tbuf(a, NULL, 2, -1), *tl = tbuf(a, NULL, 1, -1);
      linloss_status st;
      sw[0] = tiny[k];
      o.sample_weight = sw;
      if (e == 0) {
        softmax_want(S, 2, 0, 0, &L, g);
        CALL(st, a->softmax_scores(1, 2, tS, 2, yy, &o, tl, tdS, 2));
      } else if (e == 1) {
        L = 0; /* margin 0 - 1 + 1 = 0: the kink */
        g[0] = g[1] = 0;
        o.delta = 1;
        CALL(st, a->svm_scores(1, 2, tS, 2, yy, &o, tl, tdS, 2));
      } else {
        L = 1 + (double)log1pl(expl(-1.0L)); /* s = 1, y = 0: s + log1p(e^-1) */
        g[0] = (double)sigmoidl(1);
        g[1] = 0;
        CALL(st, a->logistic_scores(1, tS, yy, &o, tl, tdS));
      }
      ds_want[0] = g[0];
      ds_want[1] = g[1];
      G.checks++;
      if (st != LINLOSS_OK || !matches(a->get(tl, 0), a->round(L), 8 * a->u * (fabs(L) + 1)) ||
          !matches(a->get(tdS, 0), a->round(ds_want[0]), 8 * a->u) ||
          (e < 2 && !matches(a->get(tdS, 1), a->round(ds_want[1]), 8 * a->u)))
        fail("%s_scores, one sample of weight %g, LINLOSS_MEAN: status %d, loss %.9g, dS[0] %.9g;"
             " want %.9g and %.9g (the weight cancels)",
             e == 0 ? "softmax" : e == 1 ? "svm" : "logistic", tiny[k], (int)st, a->get(tl, 0), a->get(tdS, 0),
             L, ds_want[0]);
      free(tS), free(tdS), free(tl);
    }
  for (e = 0; e < 3; e++) { /* NaN in a sample of weight 1e-300 next to one of 1e30 */
    const double S2[4] = {NAN, 0.5, 1, 0};
    const double s1[2] = {NAN, 1};
    const int32_t yy[2] = {0, 1};
    double sw[2] = {1e-300, 1e30};
    linloss_options o = opts(LINLOSS_MEAN, 0);
    void *tS = e < 2 ? tbuf(a, S2, 4, 0) : tbuf(a, s1, 2, 0), *tdS = tbuf(a, NULL, 4, -1), *tl = tbuf(a, NULL, 1, -1);
    linloss_status st;
    o.sample_weight = sw;
    if (e == 0)
      CALL(st, a->softmax_scores(2, 2, tS, 2, yy, &o, tl, tdS, 2));
    else if (e == 1)
      CALL(st, a->svm_scores(2, 2, tS, 2, yy, &o, tl, tdS, 2));
    else
      CALL(st, a->logistic_scores(2, tS, yy, &o, tl, tdS));
    G.checks++;
    if (st != LINLOSS_OK || a->get(tl, 0) == a->get(tl, 0) || a->get(tdS, 0) == a->get(tdS, 0))
      fail("%s_scores, NaN score of weight 1e-300 (next to one of 1e30): status %d, loss %.9g, ds[0] %.9g;"
           " want NaN and NaN",
           e == 0 ? "softmax" : e == 1 ? "svm" : "logistic", (int)st, a->get(tl, 0), a->get(tdS, 0));
    free(tS), free(tdS), free(tl);
  }
  group_end();
}

/* Weights beyond the range of the tested type (f32; LINLOSS_SUM, where a
   sample's gradient factor is its weight w): dS = w dL/ds rounded once, with
   dL/ds as the type computes it: 0 where dL/ds is 0 (not 0 inf = NaN), finite
   where w dL/ds is, infinite where it overflows; the loss the sum of w L.
   Rows of every kernel: the softmax (one row per lane, blocks; with and
   without smoothing), the SVM (Weston-Watkins of power 1 and 2,
   Crammer-Singer; short rows and long), the logistic loss. */
static void test_huge_weights(const api *a) {
  static const size_t cs[] = {3, 17, 40, 100};
  static const double sw[3] = {1e39, 1e-3, 3e300};
  enum { N = 3 };
  const int32_t ys[N] = {0, 1, 2};
  size_t ci, i, j;
  int v;
  group_begin("%s weights beyond the type's range (LINLOSS_SUM): dS = w dL/ds rounded once, 0 where dL/ds is 0,"
              " inf where it overflows",
              a->name);
  for (ci = 0; ci < sizeof cs / sizeof cs[0]; ci++)
    for (v = 0; v < 6; v++) { /* softmax eps 0, 0.1; SVM WW power 1, 2; CS; logistic */
      const size_t c = v == 5 ? 1 : cs[ci];
      double *S = (double *)xmalloc(N * c * sizeof(double)), *g = (double *)xmalloc(c * sizeof(double));
      double Lw = 0, L;
      void *tS, *tdS, *tl;
      linloss_status st;
      linloss_options o = opts(LINLOSS_SUM, v == 1 ? 0.1 : 0);
      int bad = 0;
      if (v == 5 && ci > 0) {
        free(S), free(g);
        continue;
      }
      o.sample_weight = sw;
      o.delta = 1;
      o.hinge_power = v == 3 ? 2 : 1;
      o.svm_variant = v == 4 ? LINLOSS_SVM_CS : LINLOSS_SVM_WW;
      for (i = 0; i < N; i++)
        for (j = 0; j < c; j++) /* margins of both signs; softmax entries down to e^-52 */
          S[i * c + j] = a->round(v == 5 ? (i == 0 ? 200.0 : i == 1 ? -0.75 : 2.5)
                                         : j == i % c ? 1 : j % 3 == 0 ? 1.5 - 0.01 * (double)j
                                                        : j % 3 == 1 ? -50 : 0.25 * (double)(i + 1));
      tS = tbuf(a, S, N * c, 0);
      tdS = tbuf(a, NULL, N * c, -12345);
      tl = tbuf(a, NULL, 1, -12345);
      if (v <= 1)
        CALL(st, a->softmax_scores(N, c, tS, c, ys, &o, tl, tdS, c));
      else if (v <= 4)
        CALL(st, a->svm_scores(N, c, tS, c, ys, &o, tl, tdS, c));
      else {
        const int32_t yb[N] = {1, 0, 1};
        CALL(st, a->logistic_scores(N, tS, yb, &o, tl, tdS));
      }
      G.checks++;
      if (st != LINLOSS_OK) {
        fail("variant %d, C %zu: status %d", v, c, (int)st);
        bad = 1;
      }
      for (i = 0; i < N && !bad; i++) {
        double ga = 0; /* the allowance of the unit-weight gradient */
        if (v <= 1) {
          softmax_want(S + i * c, c, (size_t)ys[i], o.label_smoothing, &L, g);
          ga = (8 + (double)c) * a->u + 2 * a->tmin; /* the sum of C terms */
        } else if (v <= 4) {
          svm_want(a, S + i * c, c, (size_t)ys[i], &o, &L, g);
          ga = 4 * a->u;
        } else { /* s = 200, -0.75, 2.5 with y = 1, 0, 1: sigma(s) - y (-sigma(-s) for y = 1) in the type */
          const int32_t yb = i == 1 ? 0 : 1;
          L = (double)(S[i] >= 0 ? log1pl(expl(-(long double)S[i])) + (yb ? 0 : S[i])
                                 : log1pl(expl((long double)S[i])) - (yb ? S[i] : 0));
          g[0] = a->round((double)(yb ? -sigmoidl(-S[i]) : sigmoidl(S[i])));
          ga = 4 * a->u;
        }
        Lw += sw[i] * L;
        for (j = 0; j < c; j++) {
          const double want = a->round(sw[i] * g[j]), got = a->get(tdS, i * c + j);
          const double big = fabs(sw[i] * g[j]) / a->max;
          if (big > 0.99 && big < 1.01) continue; /* at the edge of the range: either */
          G.checks++;
          if (!matches(got, want, ga * fabs(sw[i] * g[j]) + 2 * a->u * fabs(want) + (g[j] == 0 ? 0 : a->tmin))) {
            fail("variant %d, C %zu, row %zu (weight %g), dS[%zu] = %.9g, want %.9g (unit gradient %.9g)", v, c, i,
                 sw[i], j, got, want, g[j]);
            bad = 1;
            break;
          }
        }
      }
      G.checks++;
      if (!bad && !matches(a->get(tl, 0), a->round(Lw), 64 * a->u * fabs(Lw)))
        fail("variant %d, C %zu: loss %.9g, want %.9g", v, c, a->get(tl, 0), a->round(Lw));
      if (!bad && v <= 4) { /* fused, X = 1 (N x 1), W = 0, b = row 0: db = dW = (sum w) g of row 0 */
        const double ones[N] = {1, 1, 1}, wt = sw[0] + sw[1] + sw[2];
        const int32_t y0[N] = {0, 0, 0};
        void *tX = tbuf(a, ones, N, 0), *tW = tbuf(a, NULL, c, 0), *tb = tbuf(a, S, c, 0);
        void *tdW = tbuf(a, NULL, c, -12345), *tdb = tbuf(a, NULL, c, -12345);
        if (v <= 1) {
          softmax_want(S, c, 0, o.label_smoothing, &L, g);
          CALL(st, a->softmax(N, 1, c, tX, 1, y0, tW, tb, &o, tl, tdW, tdb));
        } else {
          svm_want(a, S, c, 0, &o, &L, g);
          CALL(st, a->svm(N, 1, c, tX, 1, y0, tW, tb, &o, tl, tdW, tdb));
        }
        for (j = 0; j < c && st == LINLOSS_OK; j++) {
          const double want = a->round(wt * g[j]);
          if (fabs(sw[0] * g[j]) / a->max > 0.99 && fabs(sw[0] * g[j]) / a->max < 1.01) continue;
          G.checks++;
          if (!matches(a->get(tdb, j), want, 16 * a->u * fabs(wt * g[j]) + (double)c * a->u * fabs(want)) ||
              !matches(a->get(tdW, j), a->get(tdb, j), 0)) {
            fail("variant %d, C %zu, fused: db[%zu] = %.9g, dW[%zu] = %.9g, want %.9g", v, c, j, a->get(tdb, j), j,
                 a->get(tdW, j), want);
            break;
          }
        }
        G.checks++;
        if (st != LINLOSS_OK) fail("variant %d, C %zu, fused: status %d", v, c, (int)st);
        free(tX), free(tW), free(tb), free(tdW), free(tdb);
      }
      free(S), free(g), free(tS), free(tdS), free(tl);
    }
  group_end();
}

/* ------------------------------------------------------------ FTZ: ordinary data */

static uint64_t rng_next(uint64_t *s) { /* splitmix64 */
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static double rng_range(uint64_t *s, double lo, double hi) {
  return lo + (hi - lo) * (double)(rng_next(s) >> 11) * 0x1p-53;
}

/* Every entry point on ordinary data (no value or intermediate near the
   denormals): bitwise the same outputs with FTZ/DAZ on as without. */
static void test_ftz_bitwise(const api *a) {
  static const size_t cs[] = {2, 5, 17, 40};
  uint64_t seed = 0x5eed;
  size_t ci, i;
  int e, layout;
  group_begin("%s FTZ/DAZ on: ordinary data gives bitwise the same results as with it off", a->name);
  for (ci = 0; ci < sizeof cs / sizeof cs[0]; ci++)
    for (e = 0; e < 7; e++)
      for (layout = 0; layout < 2; layout++) {
        const size_t n = 37, d = 11, c = e >= 4 && e <= 5 ? 1 : cs[ci], nc = e == 5 ? n : n * c;
        double *X = (double *)xmalloc(n * d * sizeof(double)), *W = (double *)xmalloc(d * c * sizeof(double));
        double *b = (double *)xmalloc(c * sizeof(double)), *S = (double *)xmalloc(nc * sizeof(double));
        int32_t *y = (int32_t *)xmalloc(n * sizeof(int32_t)), *p[2];
        void *out[2][4];
        double sl[2][37];
        int pass, same = 1;
        memset(sl, 0, sizeof sl);
        linloss_options o = opts(LINLOSS_MEAN, e % 2 ? 0.05 : 0);
        o.reg = 1e-3;
        o.w_layout = layout ? LINLOSS_W_CD : LINLOSS_W_DC;
        for (i = 0; i < n * d; i++) X[i] = rng_range(&seed, -1, 1);
        for (i = 0; i < d * c; i++) W[i] = rng_range(&seed, -1, 1);
        for (i = 0; i < c; i++) b[i] = rng_range(&seed, -1, 1);
        for (i = 0; i < nc; i++) S[i] = rng_range(&seed, -8, 8);
        for (i = 0; i < n; i++) y[i] = (int32_t)(rng_next(&seed) % (e >= 4 && e <= 5 ? 2 : c));
        for (pass = 0; pass < 2; pass++) {
          void *tX = tbuf(a, X, n * d, 0), *tW = tbuf(a, W, d * c, 0), *tb = tbuf(a, b, c, 0), *tS = tbuf(a, S, nc, 0);
          linloss_status st;
          out[pass][0] = tbuf(a, NULL, 1, 0);
          out[pass][1] = tbuf(a, NULL, d * c, 0);
          out[pass][2] = tbuf(a, NULL, c, 0);
          out[pass][3] = tbuf(a, NULL, nc, 0);
          p[pass] = (int32_t *)xmalloc(n * sizeof(int32_t));
          memset(p[pass], 0, n * sizeof(int32_t));
          o.sample_loss = sl[pass];
          if (pass) ftz_set(1);
          switch (e) {
          case 0: st = a->svm(n, d, c, tX, d, y, tW, tb, &o, out[pass][0], out[pass][1], out[pass][2]); break;
          case 1: st = a->softmax(n, d, c, tX, d, y, tW, tb, &o, out[pass][0], out[pass][1], out[pass][2]); break;
          case 2: st = a->svm_scores(n, c, tS, c, y, &o, out[pass][0], out[pass][3], c); break;
          case 3: st = a->softmax_scores(n, c, tS, c, y, &o, out[pass][0], out[pass][3], c); break;
          case 4: st = a->logistic(n, d, tX, d, y, tW, tb, &o, out[pass][0], out[pass][1], out[pass][2]); break;
          case 5: st = a->logistic_scores(n, tS, y, &o, out[pass][0], out[pass][3]); break;
          default: st = a->predict(n, d, c, tX, d, tW, tb, &o, p[pass]); break;
          }
          if (pass) ftz_set(0);
          G.checks++;
          if (st != LINLOSS_OK) fail("entry %d, C %zu: status %d", e, c, (int)st), same = 0;
          free(tX), free(tW), free(tb), free(tS);
        }
        same &= !memcmp(out[0][0], out[1][0], a->es) && !memcmp(out[0][1], out[1][1], d * c * a->es) &&
                !memcmp(out[0][2], out[1][2], c * a->es) && !memcmp(out[0][3], out[1][3], nc * a->es) &&
                !memcmp(p[0], p[1], n * sizeof(int32_t)) && (e == 6 || !memcmp(sl[0], sl[1], sizeof sl[0]));
        G.checks++;
        if (!same)
          fail("%s, C %zu, layout %d: the outputs differ with FTZ/DAZ on",
               (const char *[]){"svm", "softmax", "svm_scores", "softmax_scores", "logistic", "logistic_scores",
                                "predict"}[e],
               c, layout);
        for (i = 0; i < 2; i++) free(out[i][0]), free(out[i][1]), free(out[i][2]), free(out[i][3]), free(p[i]);
        free(X), free(W), free(b), free(S), free(y);
      }
  group_end();
}

/* ------------------------------------------------------------ guard pages */

static sigjmp_buf g_jmp;
static volatile sig_atomic_t g_in_call;
static void on_segv(int sig) {
  (void)sig;
  if (g_in_call) siglongjmp(g_jmp, 1);
  signal(sig, SIG_DFL);
  raise(sig);
}

/* bytes of memory flush against an unmapped page: after its end (at_end) or
   before its start. */
typedef struct guarded {
  unsigned char *map;
  size_t maplen;
  void *p;
} guarded;
static size_t g_page;
static void guarded_make(guarded *g, size_t bytes, int at_end) {
  const size_t data = (bytes + g_page - 1) / g_page * g_page;
  g->maplen = data + 2 * g_page;
  g->map = (unsigned char *)mmap(NULL, g->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (g->map == MAP_FAILED) {
    perror("test_special: mmap");
    exit(2);
  }
  if (mprotect(g->map, g_page, PROT_NONE) || mprotect(g->map + g_page + data, g_page, PROT_NONE)) {
    perror("test_special: mprotect");
    exit(2);
  }
  g->p = at_end ? g->map + g_page + data - bytes : g->map + g_page;
}
static void guarded_free(guarded *g) { munmap(g->map, g->maplen); }

/* Calls entry point e with the arrays q (X W b S y loss dW db dS pred);
   1 if it faulted. */
static int guarded_call(const api *a, int e, size_t n, size_t d, size_t c, void *const *q,
                        const linloss_options *o, linloss_status *st) {
  g_in_call = 1;
  if (sigsetjmp(g_jmp, 1)) {
    g_in_call = 0;
    return 1;
  }
  switch (e) {
  case 0: *st = a->svm(n, d, c, q[0], d, (int32_t *)q[4], q[1], q[2], o, q[5], q[6], q[7]); break;
  case 1: *st = a->softmax(n, d, c, q[0], d, (int32_t *)q[4], q[1], q[2], o, q[5], q[6], q[7]); break;
  case 2: *st = a->svm_scores(n, c, q[3], c, (int32_t *)q[4], o, q[5], q[8], c); break;
  case 3: *st = a->softmax_scores(n, c, q[3], c, (int32_t *)q[4], o, q[5], q[8], c); break;
  case 4: *st = a->logistic(n, d, q[0], d, (int32_t *)q[4], q[1], q[2], o, q[5], q[6], q[7]); break;
  case 5: *st = a->logistic_scores(n, q[3], (int32_t *)q[4], o, q[5], q[8]); break;
  default: *st = a->predict(n, d, c, q[0], d, q[1], q[2], o, (int32_t *)q[9]); break;
  }
  g_in_call = 0;
  return 0;
}

/* Every entry point with each array in guarded memory, results compared
   with the same call on ordinary buffers. */
static void test_guard_pages(const api *a) {
  static const size_t cs[] = {2, 3, 5, 8, 9, 16, 17, 33};
  static const size_t ds[] = {1, 3, 5, 8, 9, 16, 17, 33};
  struct sigaction sa, old;
  uint64_t seed = 77;
  size_t ci, di, i;
  int e, at_end;
  group_begin("%s every entry point with its arrays flush against unmapped pages (C, D = 1 .. 33)", a->name);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_segv;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &old);
  for (at_end = 1; at_end >= 0; at_end--)
    for (ci = 0; ci < sizeof cs / sizeof cs[0]; ci++)
      for (di = 0; di < sizeof ds / sizeof ds[0]; di++)
        for (e = 0; e < 7; e++) {
          const size_t n = 3, d = ds[di], c = e == 4 || e == 5 ? 1 : cs[ci], nc = n * c;
          /* inputs X W b S y; outputs loss dW db dS pred sample_loss */
          const size_t bytes[11] = {n * d * a->es, d * c * a->es, c * a->es, nc * a->es, n * 4,
                                    a->es, d * c * a->es, c * a->es, nc * a->es, n * 4, n * 8};
          guarded gm[11];
          void *plain[11];
          linloss_options o = opts(LINLOSS_MEAN, 0.05);
          linloss_status st[2] = {LINLOSS_OK, LINLOSS_OK};
          int run, k, faulted = 0;
          if ((e == 4 || e == 5) && ci > 0) continue;
          o.reg = 0.01;
          for (k = 0; k < 11; k++) {
            guarded_make(&gm[k], bytes[k], at_end);
            plain[k] = xmalloc(bytes[k]);
            memset(plain[k], 0, bytes[k]);
          }
          for (i = 0; i < n * d; i++) a->put(plain[0], i, rng_range(&seed, -2, 2));
          for (i = 0; i < d * c; i++) a->put(plain[1], i, rng_range(&seed, -2, 2));
          for (i = 0; i < c; i++) a->put(plain[2], i, rng_range(&seed, -1, 1));
          for (i = 0; i < nc; i++) a->put(plain[3], i, rng_range(&seed, -4, 4));
          for (i = 0; i < n; i++) ((int32_t *)plain[4])[i] = (int32_t)(rng_next(&seed) % (c == 1 ? 2 : c));
          for (k = 0; k < 5; k++) memcpy(gm[k].p, plain[k], bytes[k]);
          for (k = 5; k < 11; k++) memset(gm[k].p, 0, bytes[k]);
          for (run = 0; run < 2; run++) {
            void *const *v = run ? plain : NULL;
            void *q[11];
            for (k = 0; k < 11; k++) q[k] = run ? v[k] : gm[k].p;
            o.sample_loss = e == 6 ? NULL : (double *)q[10];
            if (guarded_call(a, e, n, d, c, q, &o, &st[run])) {
              faulted = 1;
              break;
            }
          }
          G.checks++;
          if (faulted) {
            fail("%s, C %zu, D %zu: memory fault with the arrays flush against an unmapped page %s them",
                 (const char *[]){"svm", "softmax", "svm_scores", "softmax_scores", "logistic", "logistic_scores",
                                  "predict"}[e],
                 c, d, at_end ? "after" : "before");
          } else if (st[0] != LINLOSS_OK || st[1] != LINLOSS_OK) {
            fail("entry %d, C %zu, D %zu: status %d / %d", e, c, d, (int)st[0], (int)st[1]);
          } else {
            for (k = 5; k < 11; k++)
              if (memcmp(gm[k].p, plain[k], bytes[k])) {
                fail("entry %d, C %zu, D %zu: output %d differs from the same call on ordinary buffers", e, c, d, k);
                break;
              }
          }
          for (k = 0; k < 11; k++) {
            guarded_free(&gm[k]);
            free(plain[k]);
          }
        }
  sigaction(SIGSEGV, &old, NULL);
  group_end();
}

/* ------------------------------------------------------------ sizes */

/* linloss_logistic with a D whose byte count overflows size_t: SHAPE (the
   manual: "a size whose byte count overflows size_t"), also with N = 0. */
static void test_logistic_overflow(const api *a) {
  const size_t d = SIZE_MAX / a->es + 1;
  double w[2] = {0, 0};
  linloss_options o = opts(LINLOSS_MEAN, 0);
  float loss32 = -1;
  double loss64 = -1;
  linloss_status st;
  group_begin("%s logistic: a D whose byte count overflows size_t is LINLOSS_ERR_SHAPE, also with N = 0", a->name);
  CALL(st, a->logistic(0, d, w, d, NULL, w, NULL, &o, a->es == 4 ? (void *)&loss32 : (void *)&loss64, NULL, NULL));
  G.checks++;
  if (st != LINLOSS_ERR_SHAPE) fail("N = 0, D = SIZE_MAX / %zu + 1 (ldx = D): status %d (%s)", a->es, (int)st, linloss_status_string(st));
  group_end();
}

/* ---------------------------------------------------------------- main */

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
  int k;
  if (!cpu_can_run()) {
    printf("# this CPU lacks the instructions the %s backend was built for: skipped\n",
           linloss_backend_name());
    return 77;
  }
  g_page = (size_t)sysconf(_SC_PAGESIZE);
  if (getenv("LINLOSS_TEST_SPECIAL_BIG_C")) {
    const long big = atol(getenv("LINLOSS_TEST_SPECIAL_BIG_C"));
    g_cs[NCS - 1] = big > 1000 ? (size_t)big : 1001;
  }
  printf("# linloss %d.%d.%d special values, backend %s\n", LINLOSS_VERSION_MAJOR, LINLOSS_VERSION_MINOR,
         LINLOSS_VERSION_PATCH, linloss_backend_name());
  for (k = 0; k < 2; k++) {
    const api *a = apis[k];
    test_softmax_special(a);
    test_softmax_smoothing_range(a);
    test_softmax_exact(a);
    test_svm_special(a);
    test_svm_block_overflow(a);
    test_logistic_tails(a);
    test_denormals(a);
    test_tiny_weights(a);
    test_huge_weights(a);
    test_guard_pages(a);
    test_logistic_overflow(a);
  }
  if (ftz_supported()) {
    printf("# again with flush-to-zero and denormals-are-zero on\n");
    g_ftz = 1;
    for (k = 0; k < 2; k++) {
      const api *a = apis[k];
      test_softmax_special(a);
      test_svm_special(a);
      test_logistic_tails(a);
      test_denormals(a);
      test_ftz_bitwise(a);
    }
    g_ftz = 0;
  } else {
    printf("# no flush-to-zero control on this architecture: the FTZ pass is skipped\n");
  }
  printf("%d passed, %d failed\n", G.passed, G.failed);
  return G.failed ? 1 : 0;
}
