/* fuzz_common.h - the differential fuzzing harness of tests/fuzz/.

   Each target (fuzz_fused.c, fuzz_layer.c) includes this file and defines
   LLVMFuzzerTestOneInput as fz_run(data, size, its entry points). One input
   describes one call: the entry point and element type, the shapes (up to
   ~64, sometimes more, sometimes a size whose byte count overflows), strides,
   pointer offsets, NULL pointers, labels (valid, invalid, ignored), options
   (valid and invalid), which outputs are asked for, in-place use, a failing
   LINLOSS_MALLOC, and the data: small dyadic values, with a chosen rate of
   NaN, +-Inf, +-MAX, 1e30, denormals, -0 and raw bit patterns.

   Every call is checked against rules written from the manual (the ERRORS
   section and the SEMANTICS) and against tests/reference.h, which shares no
   code with linloss.h:
     - the status is the one the ERRORS section gives, in its order
       (LINLOSS_ERR_NOMEM only when LINLOSS_MALLOC was made to fail);
     - on an error every output, its offset prefix and its padding are
       byte-identical to their sentinel fill; inputs are never written;
     - on success nothing outside the outputs' rows is written, and every
       output is compared with the reference:
         "tame" data (every value at most 2^20 (f32) / 2^100 (f64) or
         non-finite): NaN-ness and infinities must match exactly, finite
         values within an error bound derived from the magnitudes involved
         (score errors (D+2)u sum|x w|, the exp/sum/log errors of each loss,
         the sums of dW and db). Small dyadic data makes the scores exact in
         both precisions, so SVM kinks and ties are decided exactly; where
         the data is not exact and a margin is within its error bound of the
         kink (or a Crammer-Singer tie is), the gradients are not compared.
         "wild" data (huge finite values or weights, where float arithmetic
         may overflow where double does not): only a NaN loss of the
         reference must be NaN in the library too, and only where no score
         can overflow (whether +inf meets -inf in an overflowing sum
         depends on its order).
   Out-of-bounds reads and writes: every buffer is allocated to its exact
   size, so AddressSanitizer sees any access past its end.

   A failure prints what was called and aborts (libFuzzer saves the input;
   tests/fuzz/replay.c replays inputs without libFuzzer). */
#ifndef LINLOSS_FUZZ_COMMON_H
#define LINLOSS_FUZZ_COMMON_H

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The library's scratch allocations: counted, and made to fail on demand. */
static int fz_malloc_fail;
static long fz_malloc_failed, fz_live;
static void *fz_malloc(size_t bytes) {
  if (fz_malloc_fail) {
    fz_malloc_failed++;
    return NULL;
  }
  fz_live++;
  return malloc(bytes ? bytes : 1);
}
static void fz_free(void *p) {
  if (p) fz_live--;
  free(p);
}
#define LINLOSS_MALLOC(bytes) fz_malloc(bytes)
#define LINLOSS_FREE(p) fz_free(p)

#include "linloss.h"
#include "reference.h"

/* The name of the input being replayed (set by replay.c), for messages;
   the backend, for replay.c's summary. */
const char *fz_current_input;
const char *linloss_fuzz_backend(void);
const char *linloss_fuzz_backend(void) { return linloss_backend_name(); }

enum { FZ_SVM, FZ_SOFTMAX, FZ_SVM_S, FZ_SOFTMAX_S, FZ_LOGISTIC, FZ_LOGISTIC_S, FZ_PREDICT, FZ_NENTRY };
static const char *const fz_entry_name[FZ_NENTRY] = {
    "svm", "softmax", "svm_scores", "softmax_scores", "logistic", "logistic_scores", "predict"};
static int fz_fused(int e) { return e == FZ_SVM || e == FZ_SOFTMAX; }
static int fz_scores(int e) { return e == FZ_SVM_S || e == FZ_SOFTMAX_S; }
static int fz_logistic(int e) { return e == FZ_LOGISTIC || e == FZ_LOGISTIC_S; }
static int fz_has_x(int e) { return fz_fused(e) || e == FZ_LOGISTIC || e == FZ_PREDICT; }
static int fz_kind(int e) {
  return (e == FZ_SVM || e == FZ_SVM_S) ? REF_SVM : fz_logistic(e) ? REF_LOGISTIC : REF_SOFTMAX;
}

/* ------------------------------------------------ the two element types */

typedef struct fz_args {
  size_t n, d, c, ldx, lds, ldds;
  const void *X, *W, *b, *S;
  const int32_t *y;
  const linloss_options *opt;
  void *loss, *dW, *db, *dS;
  int32_t *pred;
} fz_args;

typedef struct fz_api {
  const char *name;
  size_t es;        /* element size */
  double u;         /* unit roundoff */
  double tmin;      /* smallest denormal */
  double nmin;      /* smallest normal */
  double max;       /* largest finite */
  double tame_max;  /* larger magnitudes make the data "wild" */
  double (*get)(const void *p, size_t i);
  void (*set)(void *p, size_t i, double v);
  double (*round)(double v);
  double (*bits)(uint64_t b); /* a raw bit pattern */
  linloss_status (*call)(int entry, const fz_args *g);
} fz_api;

#define FZ_DEFINE_API(T, SFX, U, TMIN, NMIN, MAX, TAME, UINT)                               \
  static double fz_get_##SFX(const void *p, size_t i) { return (double)((const T *)p)[i]; } \
  static void fz_set_##SFX(void *p, size_t i, double v) { ((T *)p)[i] = (T)v; }             \
  static double fz_round_##SFX(double v) { return (double)(T)v; }                           \
  static double fz_bits_##SFX(uint64_t b) {                                                 \
    UINT k = (UINT)b;                                                                       \
    T v;                                                                                    \
    memcpy(&v, &k, sizeof v);                                                               \
    return (double)v;                                                                       \
  }                                                                                         \
  static linloss_status fz_call_##SFX(int e, const fz_args *g) {                           \
    switch (e) {                                                                            \
    case FZ_SVM:                                                                            \
      return linloss_svm_##SFX(g->n, g->d, g->c, (const T *)g->X, g->ldx, g->y,            \
                               (const T *)g->W, (const T *)g->b, g->opt, (T *)g->loss,     \
                               (T *)g->dW, (T *)g->db);                                    \
    case FZ_SOFTMAX:                                                                        \
      return linloss_softmax_##SFX(g->n, g->d, g->c, (const T *)g->X, g->ldx, g->y,        \
                                   (const T *)g->W, (const T *)g->b, g->opt, (T *)g->loss, \
                                   (T *)g->dW, (T *)g->db);                                \
    case FZ_SVM_S:                                                                          \
      return linloss_svm_scores_##SFX(g->n, g->c, (const T *)g->S, g->lds, g->y, g->opt,   \
                                      (T *)g->loss, (T *)g->dS, g->ldds);                  \
    case FZ_SOFTMAX_S:                                                                      \
      return linloss_softmax_scores_##SFX(g->n, g->c, (const T *)g->S, g->lds, g->y,       \
                                          g->opt, (T *)g->loss, (T *)g->dS, g->ldds);      \
    case FZ_LOGISTIC:                                                                       \
      return linloss_logistic_##SFX(g->n, g->d, (const T *)g->X, g->ldx, g->y,             \
                                    (const T *)g->W, (const T *)g->b, g->opt, (T *)g->loss, \
                                    (T *)g->dW, (T *)g->db);                               \
    case FZ_LOGISTIC_S:                                                                     \
      return linloss_logistic_scores_##SFX(g->n, (const T *)g->S, g->y, g->opt,            \
                                           (T *)g->loss, (T *)g->dS);                      \
    default:                                                                                \
      return linloss_predict_##SFX(g->n, g->d, g->c, (const T *)g->X, g->ldx,              \
                                   (const T *)g->W, (const T *)g->b, g->opt, g->pred);     \
    }                                                                                       \
  }                                                                                         \
  static const fz_api fz_api_##SFX = {#SFX,         sizeof(T),     U,             TMIN,     \
                                      NMIN,         MAX,           TAME,          fz_get_##SFX, \
                                      fz_set_##SFX, fz_round_##SFX, fz_bits_##SFX, fz_call_##SFX};
FZ_DEFINE_API(float, f32, 0x1p-24, 0x1p-149, 0x1p-126, FLT_MAX, 0x1p20, uint32_t)
FZ_DEFINE_API(double, f64, 0x1p-53, 0x1p-1074, 0x1p-1022, DBL_MAX, 0x1p100, uint64_t)

/* ---------------------------------------------------------- the input */

typedef struct fz_in {
  const uint8_t *p;
  size_t n, i;
  uint64_t r; /* past the end of the input, bytes come from this xorshift */
} fz_in;

static unsigned fz_u8(fz_in *in) {
  if (in->i < in->n) return in->p[in->i++];
  in->r ^= in->r << 13;
  in->r ^= in->r >> 7;
  in->r ^= in->r << 17;
  return (unsigned)(in->r >> 56);
}
static uint64_t fz_uint(fz_in *in, int bytes) {
  uint64_t v = 0;
  while (bytes--) v = v << 8 | fz_u8(in);
  return v;
}
#define FZ_PICK(in, table) (table)[fz_u8(in) % (sizeof(table) / sizeof((table)[0]))]

/* What the data holds: non-finite values, inexact ones (not small dyadic),
   "wild" ones (finite but so large that float arithmetic may overflow). */
typedef struct fz_flags {
  int nan, inf, inexact, wild;
} fz_flags;

/* small dyadic: a multiple of 1/16 of magnitude <= 8 (products and sums of
   up to 64 of those are exact in float); dyadic: a multiple of 1/16 up to
   2^15 (differences exact) */
static int fz_small(double v) { return fabs(v) <= 8 && v * 16 == floor(v * 16); }
static int fz_dyadic(double v) { return fabs(v) <= 32768 && v * 16 == floor(v * 16); }

/* One data value of the tested type: a small dyadic one unless the byte
   falls under `rate`, then a special one. */
static double fz_value(fz_in *in, const fz_api *a, unsigned rate) {
  double v;
  if (fz_u8(in) >= rate) return (double)(int8_t)fz_u8(in) / 16.0;
  switch (fz_u8(in) % 28) {
  case 0: v = NAN; break;
  case 1: v = -NAN; break;
  case 2: v = a->bits(a->es == 4 ? 0x7f800001u : 0x7ff0000000000001ull); break; /* signaling */
  case 3: v = INFINITY; break;
  case 4: v = -INFINITY; break;
  case 5: v = a->max; break;
  case 6: v = -a->max; break;
  case 7: v = 1e30; break;
  case 8: v = -1e30; break;
  case 9: v = a->tmin; break;
  case 10: v = -a->tmin; break;
  case 11: v = a->nmin; break;
  case 12: v = -(a->nmin - a->tmin); break; /* the largest denormal */
  case 13: v = -0.0; break;
  case 14: v = 0.3; break;
  case 15: v = (double)(int16_t)fz_uint(in, 2); break;
  case 16: v = 1e4; break;
  case 17: v = -1e4; break;
  case 18: v = 88.75; break;
  case 19: v = -103.5; break;
  case 20: v = 1e10; break;
  case 21: v = -1e-30; break;
  case 22: v = 1.0 / 3; break;
  case 23: v = 1048576.5; break;
  case 24: v = -745.5; break;
  case 25: v = 709.5; break;
  default: v = a->bits(fz_uint(in, (int)a->es)); break; /* anything */
  }
  return a->round(v);
}

static void fz_note(const fz_api *a, double v, fz_flags *f) {
  if (v != v)
    f->nan = 1;
  else if (isinf(v))
    f->inf = 1;
  else if (fabs(v) > a->tame_max)
    f->wild = 1;
  else if (!fz_small(v))
    f->inexact = 1;
}

/* ------------------------------------------------------------ buffers */

/* An array of `count` elements of `es` bytes, `off` elements into an
   allocation of exactly (off + count) elements. */
typedef struct fz_buf {
  unsigned char *mem;
  void *p;
  size_t bytes, off_bytes;
  unsigned char *copy; /* its bytes before the call */
} fz_buf;

static void fz_buf_make(fz_buf *b, size_t es, size_t count, unsigned off, int fill) {
  b->off_bytes = off * es;
  b->bytes = (off + count) * es;
  b->mem = (unsigned char *)malloc(b->bytes ? b->bytes : 1);
  if (!b->mem) abort();
  memset(b->mem, fill, b->bytes);
  b->p = b->mem + b->off_bytes;
  b->copy = NULL;
}
static void fz_buf_snap(fz_buf *b) {
  if (!b->mem) return;
  b->copy = (unsigned char *)malloc(b->bytes ? b->bytes : 1);
  if (!b->copy) abort();
  memcpy(b->copy, b->mem, b->bytes);
}
static int fz_buf_same(const fz_buf *b) { return !b->mem || memcmp(b->mem, b->copy, b->bytes) == 0; }
static void fz_buf_free(fz_buf *b) {
  free(b->mem);
  free(b->copy);
  b->mem = b->copy = NULL;
}

/* ---------------------------------------------------------- one case */

typedef struct fz_case {
  const fz_api *a;
  int entry;
  size_t n, d, c, w, ldx, lds, ldds; /* as allocated; w = score columns */
  size_t cn, cd, cc, cldx, clds, cldds; /* as passed (a size may be huge) */
  int huge;
  double *X, *W, *b, *S; /* the data, in double */
  int32_t *y;
  int null_X, null_W, null_y, null_S, has_b, opt_null;
  double *cw, *sw;
  size_t ncw;
  linloss_options opt;
  int want_loss, want_dW, want_db, want_dS, want_pred, want_sl, inplace;
  unsigned off[10];
  fz_flags fl, fl_opt;
  int malloc_fail;
} fz_case;

static const fz_case *fz_cur;
static void fz_describe(const fz_case *k) {
  const linloss_options *o = &k->opt;
  fprintf(stderr,
          "  backend %s, %s_%s, n %zu d %zu c %zu ldx %zu lds %zu ldds %zu%s\n"
          "  opt%s: delta %g reg %g eps %g layout %d reduction %d variant %d power %d ignore %ld"
          " cw %s sw %s sl %s\n"
          "  outputs: loss %d dW %d db %d dS %d pred %d, in place %d; NULL X %d W %d y %d S %d;"
          " b %d; malloc fails %d; data nan %d inf %d inexact %d wild %d\n",
          linloss_backend_name(), fz_entry_name[k->entry], k->a->name, k->cn, k->cd, k->cc,
          k->cldx, k->clds, k->cldds, k->huge ? " (a huge size)" : "", k->opt_null ? " NULL" : "",
          o->delta, o->reg, o->label_smoothing, o->w_layout, o->reduction, o->svm_variant,
          o->hinge_power, (long)o->ignore_label, o->class_weight ? "yes" : "no",
          o->sample_weight ? "yes" : "no", o->sample_loss ? "yes" : "no", k->want_loss,
          k->want_dW, k->want_db, k->want_dS, k->want_pred, k->inplace, k->null_X, k->null_W,
          k->null_y, k->null_S, k->has_b, k->malloc_fail, k->fl.nan, k->fl.inf, k->fl.inexact,
          k->fl.wild || k->fl_opt.wild);
}

/* FZ_DUMP=1 in the environment: the data of a failing case too. */
static void fz_dump(const char *name, const double *v, size_t rows, size_t cols, size_t ld) {
  size_t i, j;
  if (!v) return;
  fprintf(stderr, "  %s:", name);
  for (i = 0; i < rows; i++) {
    fprintf(stderr, rows > 1 ? "\n   " : " ");
    for (j = 0; j < cols; j++) fprintf(stderr, " %.17g", v[i * ld + j]);
  }
  fprintf(stderr, "\n");
}
static void fz_dump_case(const fz_case *k) {
  size_t i;
  fz_dump("X", k->X, k->n, k->d < k->ldx ? k->d : k->ldx, k->ldx);
  fz_dump("W", k->W, k->d, k->w, k->w);
  if (k->has_b) fz_dump("b", k->b, 1, k->w, k->w);
  fz_dump("S", k->S, k->n, k->w < k->lds ? k->w : k->lds, k->lds);
  fz_dump("class_weight", k->opt.class_weight, 1, k->ncw, k->ncw);
  fz_dump("sample_weight", k->opt.sample_weight, 1, k->n, k->n);
  fprintf(stderr, "  y:");
  for (i = 0; i < k->n; i++) fprintf(stderr, " %ld", (long)k->y[i]);
  fprintf(stderr, "\n");
}

static void fz_fail(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "\nlinloss fuzz FAILURE%s%s: ", fz_current_input ? " in " : "",
          fz_current_input ? fz_current_input : "");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  if (fz_cur) fz_describe(fz_cur);
  if (fz_cur && getenv("FZ_DUMP")) fz_dump_case(fz_cur);
  fflush(stderr);
  abort();
}

static const double fz_weights_ok[] = {1, 0.5, 2, 0, 3, 0.25, 1.5, 1e3};
static const double fz_weights_odd[] = {-0.0, 1e-310, 1e300, DBL_MAX, -1, NAN, INFINITY, -1e-320, 0.1, 1.0 / 3};

static double fz_weight(fz_in *in, fz_flags *fo) {
  unsigned b = fz_u8(in);
  double v = b < 200 ? fz_weights_ok[b % 8] : fz_weights_odd[b % 10];
  if (fabs(v) > 1e100) fo->wild = 1;
  return v;
}

/* Reads a case from the input. entries: the entry points of this target. */
static void fz_case_read(fz_case *k, fz_in *in, const int *entries, int nentries) {
  static const double deltas[] = {0, 0.5, 2, 0.25, 0.3, 1e-320, 1e300, DBL_MAX, -0.0,
                                  -1, NAN, INFINITY, -INFINITY, -1e-300, 3.5e38, 1e6};
  static const double regs[] = {1e-3, 0.5, 2, 1e-320, 1e300, -1, NAN, INFINITY, -0.0, 0.0625};
  static const double epss[] = {0.1, 0.25, 0.5, 0.999, 1e-320, -0.0, 1, 1.5, -0.1, NAN, INFINITY, 0.0625};
  static const int odd_ints[] = {2, -1, 7, INT_MIN, INT_MAX, 3};
  static const unsigned rates[] = {0, 0, 0, 1, 4, 16, 64, 256};
  const size_t huge[] = {SIZE_MAX, SIZE_MAX / 2 + 1, SIZE_MAX / 4 + 1};
  unsigned hdr, sb, pb, ob, ob2, nb, t, rx, rw, rb;
  size_t i, j, nclass;
  memset(k, 0, sizeof *k);
  hdr = fz_u8(in);
  k->entry = entries[hdr % (unsigned)nentries];
  k->a = (hdr / 16) % 2 ? &fz_api_f64 : &fz_api_f32;
  /* shapes */
  k->n = fz_u8(in) % 65;
  k->d = 1 + fz_u8(in) % 64;
  k->c = 2 + fz_u8(in) % 63;
  sb = fz_u8(in);
  if (sb % 8 == 0) {
    t = fz_u8(in) % 8;
    if (t == 0) k->d = 0;
    if (t == 1) k->c = fz_u8(in) % 2;
    if (t == 2) { /* more rows than a block */
      k->n = 65 + fz_u8(in) % 136;
      if (k->c > 8) k->c = 8;
      if (k->d > 16) k->d = 16;
    }
    if (t == 3) { /* more classes */
      k->c = 65 + (size_t)fz_uint(in, 2) % 400;
      if (k->n > 6) k->n = 6;
      if (k->d > 12) k->d = 12;
    }
    if (t == 4) k->huge = 1 + (int)(fz_u8(in) % 6);
    if (t == 5) { /* a longer D */
      k->d = 65 + fz_u8(in) % 200;
      if (k->n > 12) k->n = 12;
      if (k->c > 6) k->c = 6;
    }
  }
  if (fz_logistic(k->entry)) k->c = 2;
  k->w = fz_logistic(k->entry) ? 1 : k->c;
  if (!fz_has_x(k->entry)) k->d = 0;
  pb = fz_u8(in);
  k->ldx = k->d + (pb & 3);
  k->lds = k->w + (pb >> 2 & 3);
  k->ldds = k->w + (pb >> 4 & 3);
  if (pb >> 6 == 3) { /* one stride shorter than its row */
    t = fz_u8(in) % 3;
    if (t == 0 && k->d > 0) k->ldx = k->d - 1;
    if (t == 1 && k->w > 0) k->lds = k->w - 1;
    if (t == 2 && k->w > 0) k->ldds = k->w - 1;
  }
  if (k->entry == FZ_LOGISTIC_S) k->lds = k->ldds = 1;
  /* options */
  nclass = k->c;
  k->opt = linloss_options_default();
  k->opt_null = fz_u8(in) % 16 == 0;
  if ((t = fz_u8(in)) >= 160) k->opt.delta = deltas[t % 16];
  if ((t = fz_u8(in)) >= 128) k->opt.reg = regs[t % 10];
  if ((t = fz_u8(in)) >= 128) k->opt.label_smoothing = epss[t % 12];
  t = fz_u8(in);
  k->opt.w_layout = t < 120 ? LINLOSS_W_DC : t < 240 ? LINLOSS_W_CD : odd_ints[t % 6];
  t = fz_u8(in);
  k->opt.reduction = t < 120 ? LINLOSS_MEAN : t < 240 ? LINLOSS_SUM : odd_ints[t % 6];
  t = fz_u8(in);
  k->opt.svm_variant = t < 120 ? LINLOSS_SVM_WW : t < 240 ? LINLOSS_SVM_CS : odd_ints[t % 6];
  t = fz_u8(in);
  k->opt.hinge_power = t < 120 ? 1 : t < 240 ? 2 : (t % 3 == 0 ? 0 : t % 3 == 1 ? 3 : -1);
  t = fz_u8(in);
  if (t >= 160) {
    const int32_t ign[] = {-1, 0, 1, (int32_t)nclass - 1, 255, INT32_MAX, -100, (int32_t)nclass};
    k->opt.ignore_label = ign[t % 8];
  }
  if (fabs(k->opt.delta) > 1e100 || (k->a->es == 4 && fabs(k->opt.delta) > 1e30))
    k->fl_opt.wild = 1;
  if (fabs(k->opt.reg) > 1e100) k->fl_opt.wild = 1;
  /* a label smoothing so small that eps / 2 vanishes in the tested type:
     the library's logistic target of label 0, t = eps / 2, is 0 there, and
     an infinite score gives inf * 0 = NaN where the formula's s t is inf */
  if (fz_logistic(k->entry) && k->opt.label_smoothing > 0 && k->a->round(k->opt.label_smoothing / 2) == 0)
    k->fl_opt.wild = 1;
  if (fz_u8(in) >= 176) {
    k->ncw = nclass;
    k->cw = (double *)malloc((nclass ? nclass : 1) * sizeof(double));
    for (i = 0; i < nclass; i++) k->cw[i] = fz_weight(in, &k->fl_opt);
    k->opt.class_weight = k->cw;
  }
  if (fz_u8(in) >= 176) {
    k->sw = (double *)malloc((k->n ? k->n : 1) * sizeof(double));
    for (i = 0; i < k->n; i++) k->sw[i] = fz_weight(in, &k->fl_opt);
    k->opt.sample_weight = k->sw;
  }
  /* labels */
  k->y = (int32_t *)malloc((k->n ? k->n : 1) * sizeof(int32_t));
  for (i = 0; i < k->n; i++) {
    t = fz_u8(in);
    if (t < 232 && nclass > 0) {
      k->y[i] = (int32_t)(t % nclass);
    } else {
      const int32_t odd[] = {-1, (int32_t)nclass, (int32_t)nclass + 1, INT32_MIN,
                             INT32_MAX, k->opt.ignore_label, -2, 255};
      k->y[i] = odd[t % 8];
    }
  }
  /* outputs, NULL inputs, offsets, the allocator */
  ob = fz_u8(in);
  ob2 = fz_u8(in);
  k->want_loss = (ob & 3) != 0;
  k->want_dW = (ob >> 2 & 3) != 0;
  k->want_db = (ob >> 4 & 3) != 0;
  k->want_dS = (ob >> 6 & 3) != 0;
  k->want_pred = (ob2 & 7) != 0;
  k->want_sl = (ob2 >> 3 & 3) == 0;
  k->inplace = (fz_scores(k->entry) || k->entry == FZ_LOGISTIC_S) && k->want_dS && (ob2 >> 5 & 3) == 0;
  if (k->inplace) k->ldds = k->lds;
  k->has_b = (ob2 >> 7) == 0 || fz_u8(in) % 2;
  nb = fz_u8(in);
  if (nb < 16) {
    k->null_X = nb % 4 == 0;
    k->null_W = nb % 4 == 1;
    k->null_y = nb % 4 == 2;
    k->null_S = nb % 4 == 3;
  }
  t = (unsigned)fz_uint(in, 3);
  for (i = 0; i < 10; i++) k->off[i] = t >> (2 * i) & 3;
  k->malloc_fail = fz_u8(in) % 16 == 0;
  /* the data */
  rx = FZ_PICK(in, rates);
  rw = FZ_PICK(in, rates);
  rb = FZ_PICK(in, rates);
  if (fz_has_x(k->entry)) {
    k->X = (double *)malloc((k->n * k->ldx ? k->n * k->ldx : 1) * sizeof(double));
    k->W = (double *)malloc((k->d * k->w ? k->d * k->w : 1) * sizeof(double));
    k->b = (double *)malloc(k->w * sizeof(double));
    for (i = 0; i < k->n; i++)
      for (j = 0; j < k->ldx; j++)
        k->X[i * k->ldx + j] = j < k->d ? fz_value(in, k->a, rx) : NAN;
    for (i = 0; i < k->d * k->w; i++) k->W[i] = fz_value(in, k->a, rw);
    for (i = 0; i < k->w; i++) k->b[i] = fz_value(in, k->a, rb);
  } else {
    k->S = (double *)malloc((k->n * k->lds ? k->n * k->lds : 1) * sizeof(double));
    for (i = 0; i < k->n; i++)
      for (j = 0; j < k->lds; j++) k->S[i * k->lds + j] = j < k->w ? fz_value(in, k->a, rx) : NAN;
  }
  /* the sizes passed */
  k->cn = k->n;
  k->cd = k->d;
  k->cc = k->c;
  k->cldx = k->ldx;
  k->clds = k->lds;
  k->cldds = k->ldds;
  if (k->huge) {
    size_t h = FZ_PICK(in, huge);
    int f = k->huge;
    if (f == 2 && !fz_has_x(k->entry)) f = 1;
    if (f == 3 && fz_logistic(k->entry)) f = 1;
    if (f == 4 && !fz_has_x(k->entry)) f = 1;
    if ((f == 5 || f == 6) && fz_has_x(k->entry)) f = 1;
    if (f == 6 && k->inplace) f = 5;
    if (f == 3 && fz_scores(k->entry) && k->cn == 0) f = 1; /* C of no rows: not a byte count */
    if (f == 1) k->cn = h;
    if (f == 2) k->cd = h;
    if (f == 3) k->cc = h;
    if (f == 4) k->cldx = h;
    if (f == 5) k->clds = h;
    if (f == 6 || (f == 5 && k->inplace)) k->cldds = h;
    k->huge = f;
  }
  if (k->opt_null) { /* opt = NULL: the defaults, and so no weights */
    free(k->cw);
    free(k->sw);
    k->cw = k->sw = NULL;
    k->ncw = 0;
    k->opt = linloss_options_default();
    k->fl_opt.wild = 0;
  }
}

static void fz_case_free(fz_case *k) {
  free(k->X);
  free(k->W);
  free(k->b);
  free(k->S);
  free(k->y);
  free(k->cw);
  free(k->sw);
}

/* a * b * e overflows size_t */
static int fz_ovf(size_t a, size_t b, size_t e) {
  if (a == 0 || b == 0) return 0;
  if (b > SIZE_MAX / a) return 1;
  return a * b > SIZE_MAX / e;
}
static int fz_finite(double v) { return !isnan(v) && !isinf(v); }

/* The status the manual's ERRORS section gives, written from it alone:
   NULL, then SHAPE, then PARAM, then LABEL. */
static linloss_status fz_expect(const fz_case *k) {
  const int e = k->entry;
  const size_t n = k->cn, d = k->cd, c = k->cc, es = k->a->es;
  const linloss_options *o = &k->opt;
  const size_t nclass = fz_logistic(e) ? 2 : c;
  size_t i;
  int any_null;
  /* NULL: W (w) always; X, S, s and y when n > 0 */
  if (fz_has_x(e))
    any_null = k->null_W || (n > 0 && (k->null_X || (e != FZ_PREDICT && k->null_y)));
  else
    any_null = n > 0 && (k->null_S || k->null_y);
  if (any_null) return LINLOSS_ERR_NULL;
  /* SHAPE: C < 2, D = 0, a short stride, a byte count overflowing size_t */
  if (!fz_logistic(e) && c < 2) return LINLOSS_ERR_SHAPE;
  if (fz_has_x(e) && (d == 0 || k->cldx < d)) return LINLOSS_ERR_SHAPE;
  if (fz_scores(e) && (k->clds < c || (k->want_dS && k->cldds < c))) return LINLOSS_ERR_SHAPE;
  if (fz_ovf(n, 4, 1) || fz_ovf(n, 8, 1)) return LINLOSS_ERR_SHAPE; /* y, pred, weights */
  if (fz_has_x(e) && (fz_ovf(n, k->cldx, es) || fz_ovf(d, fz_logistic(e) ? 1 : c, es)))
    return LINLOSS_ERR_SHAPE;
  if (!fz_logistic(e) && fz_ovf(c, 8, 1)) return LINLOSS_ERR_SHAPE; /* b, class weights */
  if (fz_scores(e) && (fz_ovf(n, k->clds, es) || (k->want_dS && fz_ovf(n, k->cldds, es))))
    return LINLOSS_ERR_SHAPE;
  if (e == FZ_LOGISTIC_S && fz_ovf(n, es, 1)) return LINLOSS_ERR_SHAPE;
  /* PARAM */
  if (!fz_finite(o->delta) || o->delta < 0) return LINLOSS_ERR_PARAM;
  if (!fz_finite(o->reg) || o->reg < 0) return LINLOSS_ERR_PARAM;
  if (!(o->label_smoothing >= 0 && o->label_smoothing < 1)) return LINLOSS_ERR_PARAM;
  if (o->hinge_power != 1 && o->hinge_power != 2) return LINLOSS_ERR_PARAM;
  if (o->w_layout != LINLOSS_W_DC && o->w_layout != LINLOSS_W_CD) return LINLOSS_ERR_PARAM;
  if (o->reduction != LINLOSS_MEAN && o->reduction != LINLOSS_SUM) return LINLOSS_ERR_PARAM;
  if (o->svm_variant != LINLOSS_SVM_WW && o->svm_variant != LINLOSS_SVM_CS) return LINLOSS_ERR_PARAM;
  for (i = 0; o->class_weight && i < nclass; i++)
    if (!fz_finite(o->class_weight[i]) || o->class_weight[i] < 0) return LINLOSS_ERR_PARAM;
  for (i = 0; o->sample_weight && i < n; i++)
    if (!fz_finite(o->sample_weight[i]) || o->sample_weight[i] < 0) return LINLOSS_ERR_PARAM;
  /* LABEL: outside [0, C) ({0, 1}) and not the ignore label */
  if (e != FZ_PREDICT)
    for (i = 0; i < n; i++) {
      const int32_t yi = k->y[i];
      if (o->ignore_label != LINLOSS_NO_IGNORE && yi == o->ignore_label) continue;
      if (yi < 0 || (size_t)yi >= nclass) return LINLOSS_ERR_LABEL;
    }
  return LINLOSS_OK;
}

/* ------------------------------------------------ the error allowances */

static double fz_nz(double v) { return v != v ? INFINITY : v; } /* NaN -> +inf: unchecked */

/* Bounds on the error the library may make on one counted sample, in its
   precision, with scores s (exact values s, each off by at most E[j] in the
   library): *al for L_i, ag[j] for dL_i/ds_j. Returns 0 when the gradient is
   ill-conditioned: an SVM margin within its error of the kink, or a
   Crammer-Singer choice within the error of a tie. */
static int fz_row_allow(const fz_case *k, const double *s, const double *E, size_t c, size_t y,
                        double L, const double *g, double *al, double *ag) {
  const fz_api *a = k->a;
  const double u = a->u, tm = a->tmin;
  const linloss_options *o = &k->opt;
  const int kind = fz_kind(k->entry), power = o->hinge_power;
  const double delta = o->delta, eps = o->label_smoothing;
  size_t j;
  int ok = 1;
  if (kind == REF_SVM) {
    size_t j0 = 0, j1 = c;
    double lerr = 0, hsum = 0, gy = 0, gsum = 0;
    if (o->svm_variant == LINLOSS_SVM_CS) { /* the one class the reference chose */
      size_t best = c, second = c;
      for (j = 0; j < c; j++)
        if (j != y && g[j] != 0) best = j;
      if (best == c) { /* no gradient: the first largest */
        for (j = 0; j < c; j++)
          if (j != y && (best == c || s[j] > s[best])) best = j;
      }
      for (j = 0; j < c; j++)
        if (j != y && j != best && (second == c || s[j] > s[second])) second = j;
      if (second < c && !isnan(s[best]) && !isnan(s[second]) && !isnan(s[y])) {
        const double gap = fabs(s[best] - s[second]);
        const double tol = E[best] + E[second] + 2 * u * (fabs(s[best]) + fabs(s[second]));
        if (tol > 0 && !(gap > 2 * tol)) ok = 0;
      }
      j0 = best;
      j1 = best + 1;
    }
    for (j = 0; j < c; j++) ag[j] = 0;
    for (j = j0; j < j1; j++) {
      double m, dm, h;
      int exact;
      if (j == y) continue;
      m = s[j] - s[y] + delta;
      if (!fz_finite(m)) continue; /* NaN, 0 or 1 (inf for the squared hinge): exact */
      exact = E[j] == 0 && E[y] == 0 && fz_dyadic(s[j]) && fz_dyadic(s[y]) && fz_dyadic(delta);
      dm = exact ? 0 : E[j] + E[y] + 2 * u * (fabs(s[j]) + fabs(s[y]) + fabs(delta)) + 2 * tm;
      if (power == 1 && dm > 0 && !(fabs(m) > 2 * dm)) ok = 0;
      h = m > 0 ? (power == 1 ? m : m * m) : 0;
      if (m + dm > 0) lerr += (power == 1 ? 1 : 2 * fabs(m) + dm) * dm;
      hsum += h;
      if (power == 2) {
        ag[j] = 2 * dm + 4 * u * fabs(m);
        gy += ag[j];
        gsum += fabs(g[j]);
      }
    }
    ag[y] = gy + (c + 2) * u * gsum;
    *al = lerr + (c + 2) * u * hsum;
  } else if (kind == REF_SOFTMAX) {
    double m = -INFINITY, Em = 0, sum = 0, dev = 0, rel;
    for (j = 0; j < c; j++)
      if (s[j] > m) m = s[j];
    for (j = 0; j < c; j++) {
      double Ej;
      if (s[j] == -INFINITY && m > -INFINITY) continue; /* exactly 0 (inf loss with eps) */
      Ej = E[j] + u * fabs(s[j] - m);
      if (Ej > Em) Em = Ej;
      sum += exp(s[j] - m);
      dev += fabs(s[j] - m);
    }
    rel = expm1(2 * Em + (c + 8) * u);
    /* sum_j q_j (s_j - m) is a sum of C terms in the library and in the
       reference (whose own rounding matters in f64) */
    *al = (c + 8) * u + 2 * Em + (c + 4) * u * (eps * dev / (double)c + (1 - eps) * fabs(s[y] - m)) +
          2 * u * fabs(L);
    for (j = 0; j < c; j++) {
      const double q = eps / (double)c + (j == y ? 1 - eps : 0);
      ag[j] = exp(s[j] - m) / sum * rel + 2 * u * q + 2 * tm;
    }
  } else {
    const double t = (1 - eps) * (double)y + eps / 2, s0 = s[0];
    const double sp = s0 >= 0 ? 1 / (1 + exp(-s0)) : exp(s0) / (1 + exp(s0));
    const double sn = 1 - sp;
    *al = 8 * u * (fabs(s0) + 1) + E[0] + 2 * u * fabs(L);
    ag[0] = 8 * u * ((1 - t) * sp + t * sn) + E[0] / 4 + 4 * tm;
  }
  return ok;
}

/* ------------------------------------------------------ the comparison */

static void fz_cmp(const char *what, size_t i, double got, double ref, double allow) {
  if (isnan(ref) || isnan(got)) {
    if (isnan(ref) != isnan(got)) fz_fail("%s[%zu] = %.17g, the reference gives %.17g", what, i, got, ref);
    return;
  }
  if (isinf(ref) || isinf(got)) {
    if (got != ref) fz_fail("%s[%zu] = %.17g, the reference gives %.17g", what, i, got, ref);
    return;
  }
  if (isnan(allow) || isinf(allow)) return;
  if (!(fabs(got - ref) <= allow))
    fz_fail("%s[%zu] = %.17g, the reference gives %.17g: off by %.3g, allowed %.3g", what, i, got,
            ref, fabs(got - ref), allow);
}

/* ------------------------------------------------------------ the run */

typedef struct fz_bufs {
  fz_buf X, W, b, S, y, loss, dW, db, dS, pred, sl;
} fz_bufs;

/* The reference: loss, dW, db, dS, sample losses, predictions, and the
   scores S (n x w) the data term saw. */
typedef struct fz_ref {
  double loss, *dW, *db, *dS, *sl, *S, *E;
  int32_t *pred;
  int overflow; /* a score may overflow in the tested type */
} fz_ref;

static ref_opts fz_ref_opts(const fz_case *k) {
  ref_opts r;
  memset(&r, 0, sizeof r);
  r.kind = fz_kind(k->entry);
  r.delta = k->opt.delta;
  r.reg = k->opt.reg;
  r.w_cd = k->opt.w_layout == LINLOSS_W_CD;
  r.sum = k->opt.reduction == LINLOSS_SUM;
  r.crammer_singer = k->opt.svm_variant == LINLOSS_SVM_CS;
  r.power = k->opt.hinge_power;
  r.has_ignore = k->opt.ignore_label != LINLOSS_NO_IGNORE;
  r.ignore = k->opt.ignore_label;
  r.eps = k->opt.label_smoothing;
  r.class_weight = k->opt.class_weight;
  r.sample_weight = k->opt.sample_weight;
  return r;
}

static void fz_reference(const fz_case *k, fz_ref *r) {
  const ref_opts ro = fz_ref_opts(k);
  const size_t n = k->n, d = k->d, w = k->w, nw = n * w;
  size_t i, j, q;
  r->S = (double *)calloc(nw ? nw : 1, sizeof(double));
  r->E = (double *)calloc(nw ? nw : 1, sizeof(double));
  r->dS = (double *)calloc(nw ? nw : 1, sizeof(double));
  r->sl = (double *)calloc(n ? n : 1, sizeof(double));
  r->dW = (double *)calloc(d * w ? d * w : 1, sizeof(double));
  r->db = (double *)calloc(w ? w : 1, sizeof(double));
  r->pred = (int32_t *)calloc(n ? n : 1, sizeof(int32_t));
  r->overflow = 0;
  if (k->entry == FZ_PREDICT) {
    ref_predict(&ro, n, d, w, k->X, k->ldx, k->W, k->b ? (k->has_b ? k->b : NULL) : NULL, r->pred, r->S);
  } else if (fz_has_x(k->entry)) {
    int finite_w = 1;
    double sq = 0;
    for (q = 0; q < d * w; q++) finite_w &= fz_finite(k->W[q]), sq += k->W[q] * k->W[q];
    if (ro.reg == 0 ? finite_w && fz_finite(sq) : finite_w || k->a->round(2 * ro.reg) != 0) {
      r->loss = ref_loss_fused(&ro, n, d, w, k->X, k->ldx, k->y, k->W, k->has_b ? k->b : NULL,
                               r->dW, r->db, r->sl, r->dS);
    } else {
      /* W (or sum W^2) not finite and reg = 0, or 2 reg = 0 in the tested type: the
         library leaves the regularization out where it vanishes (the loss
         when reg = 0, dW when 2 reg rounds to 0) instead of multiplying 0 by
         inf or NaN as the manual's formulas and the reference do (a
         difference the manual does not mention; arguably the better
         answer). The rest comes from the reference's own pieces. */
      ref_opts r0 = ro;
      r0.reg = 0;
      ref_scores(&r0, n, d, w, k->X, k->ldx, k->W, k->has_b ? k->b : NULL, r->S);
      r->loss = ref_loss_scores(&r0, n, w, r->S, w, k->y, r->dS, r->sl);
      if (ro.reg != 0) r->loss += ro.reg * sq;
      for (i = 0; i < n; i++) {
        if (ref_weight(&r0, i, k->y[i]) == 0.0) continue;
        for (j = 0; j < w; j++) {
          for (q = 0; q < d; q++)
            r->dW[r0.w_cd ? j * d + q : q * w + j] += k->X[i * k->ldx + q] * r->dS[i * w + j];
          r->db[j] += r->dS[i * w + j];
        }
      }
    }
    ref_scores(&ro, n, d, w, k->X, k->ldx, k->W, k->has_b ? k->b : NULL, r->S);
  } else {
    r->loss = ref_loss_scores(&ro, n, w, k->S, k->lds, k->y, r->dS, r->sl);
    for (i = 0; i < n; i++)
      for (j = 0; j < w; j++) r->S[i * w + j] = k->S[i * k->lds + j];
  }
  /* the error of each score as the library computes it */
  if (fz_has_x(k->entry)) {
    const int cd = k->opt.w_layout == LINLOSS_W_CD;
    for (i = 0; i < n; i++)
      for (j = 0; j < w; j++) {
        double mag = 0, fin = 0;
        int exact = !k->has_b || fz_small(k->b[j]);
        for (q = 0; q < d; q++) {
          const double x = k->X[i * k->ldx + q], wv = cd ? k->W[j * d + q] : k->W[q * w + j];
          mag += fabs(x * wv);
          if (fz_finite(x * wv)) fin += fabs(x * wv);
          else if (fz_finite(x) && fz_finite(wv)) fin = INFINITY; /* a product overflows */
          exact &= fz_small(x) && fz_small(wv);
        }
        if (k->has_b) mag += fabs(k->b[j]), fin += fz_finite(k->b[j]) ? fabs(k->b[j]) : 0;
        /* finite terms this large may overflow on the way (products, partial
           sums in any order): whether +inf meets -inf, a NaN, depends on the
           order of the sum then, the reference's as much as the library's */
        if (!(fin <= k->a->max / 4)) r->overflow = 1;
        r->E[i * w + j] = exact ? 0 : fz_nz((d + 2) * k->a->u * mag + (d + 2) * k->a->tmin);
      }
  }
}

static void fz_ref_free(fz_ref *r) {
  free(r->S);
  free(r->E);
  free(r->dS);
  free(r->sl);
  free(r->dW);
  free(r->db);
  free(r->pred);
}

/* The checks of a successful call against the reference. */
static void fz_check_values(const fz_case *k, const fz_bufs *B, const fz_ref *r) {
  const fz_api *a = k->a;
  const ref_opts ro = fz_ref_opts(k);
  const size_t n = k->n, d = k->d, w = k->w, c = k->c;
  const double u = a->u, tm = a->tmin, K = 2;
  const int wild = k->fl.wild || k->fl_opt.wild;
  double *adS = (double *)calloc(n * w ? n * w : 1, sizeof(double));
  double *asl = (double *)calloc(n ? n : 1, sizeof(double));
  double *ag = (double *)calloc(w ? w : 1, sizeof(double));
  double wtot = 0, norm, aloss = 0, adn = 0;
  size_t i, j, q;
  int grad_ok = 1;
  char what[64];
  if (k->entry == FZ_PREDICT) {
    if (!k->want_pred || wild) goto done;
    for (i = 0; i < n; i++) {
      const int32_t got = ((const int32_t *)B->pred.p)[i], want = r->pred[i];
      if (got == want) continue;
      if (got >= 0 && (size_t)got < c && !isnan(r->S[i * c + got]) && !isnan(r->S[i * c + want])) {
        const double gap = fabs(r->S[i * c + got] - r->S[i * c + want]);
        if (gap <= r->E[i * c + got] + r->E[i * c + want]) continue; /* a tie within the error */
      }
      fz_fail("pred[%zu] = %d, the reference gives %d", i, (int)got, (int)want);
    }
    goto done;
  }
  if (wild) { /* only a NaN in the reference's loss is certain to be one here, */
    /* unless a score may overflow (r->overflow), or a weight is infinite
       (sample_weight * class_weight overflows): then the reference's NaN
       may be inf * 0, an L_i that is 0 in double but not in the library's
       rounding of the same wild data */
    int uncertain = r->overflow;
    for (i = 0; i < n; i++) uncertain |= isinf(ref_weight(&ro, i, k->y[i]));
    if (k->want_loss && !uncertain && isnan(r->loss) && !isnan(a->get(B->loss.p, 0)))
      fz_fail("loss = %.17g, the reference gives NaN", a->get(B->loss.p, 0));
    goto done;
  }
  for (i = 0; i < n; i++) wtot += ref_weight(&ro, i, k->y[i]);
  norm = ro.sum ? 1.0 : wtot;
  /* per sample */
  for (i = 0; i < n; i++) {
    const double wi = ref_weight(&ro, i, k->y[i]);
    const double gs = wi / norm;
    double al = 0, L;
    double *g = (double *)malloc((w ? w : 1) * sizeof(double));
    if (wi == 0) {
      free(g);
      continue;
    }
    for (j = 0; j < w; j++) g[j] = gs != 0 ? r->dS[i * w + j] / gs : 0;
    L = r->sl[i] / wi;
    if (!fz_row_allow(k, r->S + i * w, r->E + i * w, w, (size_t)k->y[i], L, g, &al, ag)) grad_ok = 0;
    asl[i] = fz_nz(K * wi * al + 2 * tm);
    /* (w_i / W_tot) al, not w_i al / W_tot: w_i al underflows where w_i is
       a denormal */
    aloss += fz_nz(gs > 0 ? gs * al : wi * al / norm);
    /* Rounding into double's denormals, which the relative terms below do
       not cover. The library sums the products w_i L_i in double, each off
       by up to 2^-1075 where it is below 2^-1022, and multiplies the sum by
       1 / W_tot under LINLOSS_MEAN (when W_tot < 1e-271 it first multiplies
       every weight and W_tot by pw = 2^1000, see linloss_i_scale). The
       reference rounds each term w_i L_i / W_tot once, off by up to 2^-1075
       where below 2^-1022. Allowed: 2^-1074 (the smallest double) each;
       2^-1021 as the threshold, as sl[i] is itself rounded. */
    {
      const double pw = ro.sum || norm >= 1e-271 ? 1 : 0x1p1000;
      if (fabs(r->sl[i]) * pw < 0x1p-1021) adn += 0x1p-1074 / (ro.sum ? 1 : norm * pw);
      if (fabs(r->sl[i]) / norm < 0x1p-1021) adn += 0x1p-1074;
    }
    for (j = 0; j < w; j++) /* gs itself may be a denormal, off by tm, and so may every product of it */
      adS[i * w + j] = fz_nz(K * gs * ag[j] + 4 * u * fabs(r->dS[i * w + j]) + 8 * tm * (fabs(g[j]) + 1));
    free(g);
  }
  /* the loss */
  if (k->want_loss) {
    double areg = 0;
    if (fz_has_x(k->entry) && ro.reg > 0) {
      double sq = 0;
      for (q = 0; q < d * w; q++) sq += k->W[q] * k->W[q];
      areg = ro.reg * (260 * u * sq) + 2 * tm;
    }
    /* the per-sample losses are summed in double, in another order than
       the reference sums them */
    aloss = (wtot > 0 ? K * aloss + adn : 0) + (double)(n + 4) * u * fabs(r->loss) + areg + 2 * tm;
    fz_cmp("loss", 0, a->get(B->loss.p, 0), a->round(r->loss), fz_nz(aloss));
  }
  if (k->opt.sample_loss)
    for (i = 0; i < n; i++) fz_cmp("sample_loss", i, ((const double *)B->sl.p)[i], r->sl[i], asl[i]);
  /* dS */
  if (k->want_dS && !fz_has_x(k->entry)) {
    const size_t ld = k->inplace ? k->lds : k->ldds;
    const void *p = k->inplace ? B->S.p : B->dS.p;
    for (i = 0; i < n; i++)
      for (j = 0; j < w; j++) {
        const double got = a->get(p, i * ld + j), ref = r->dS[i * w + j];
        if (!grad_ok) {
          if (isnan(got) != isnan(ref)) fz_fail("dS[%zu][%zu] = %.17g, the reference gives %.17g", i, j, got, ref);
          continue;
        }
        snprintf(what, sizeof what, "dS[%zu]", i);
        fz_cmp(what, j, got, ref, adS[i * w + j]);
      }
  }
  /* dW = X^T dS + 2 reg W, db = column sums of dS */
  if (fz_has_x(k->entry) && grad_ok && (k->want_dW || k->want_db)) {
    const int cd = ro.w_cd;
    for (j = 0; j < w; j++) {
      if (k->want_dW)
        for (q = 0; q < d; q++) {
          const size_t at = cd ? j * d + q : q * w + j;
          double al = 0, mag = 0;
          int under = 0; /* an infinite x times a gradient that may underflow to 0 */
          for (i = 0; i < n; i++) {
            const double x = k->X[i * k->ldx + q], ds = r->dS[i * w + j];
            const double wi = ref_weight(&ro, i, k->y[i]);
            if (wi == 0) continue;
            al += fabs(x) * adS[i * w + j];
            mag += fabs(x * ds);
            if (isinf(x) && ds != 0 && fabs(ds) < a->nmin) under = 1;
          }
          /* dW starts as 2 reg W and the rows are added to it: every partial
             sum is bounded by mag + |2 reg W| */
          al = fz_nz(K * al + (n + 4) * u * (mag + fabs(2 * ro.reg * k->W[at])) + (n + 2) * tm);
          /* a counted sample's gradient entry below the tested type's
             normals (the smallest denormal w_i / W_tot is raised to, times a
             logistic gradient below 1/2, say) may round to 0 there, and
             0 * inf is NaN where the reference's tiny * inf is inf */
          if (under && isinf(r->dW[at]) && isnan(a->get(B->dW.p, at))) continue;
          fz_cmp("dW", at, a->get(B->dW.p, at), r->dW[at], al);
        }
      if (k->want_db) {
        double al = 0, mag = 0;
        for (i = 0; i < n; i++) {
          if (ref_weight(&ro, i, k->y[i]) == 0) continue;
          al += adS[i * w + j];
          mag += fabs(r->dS[i * w + j]);
        }
        fz_cmp("db", j, a->get(B->db.p, j), r->db[j], fz_nz(K * al + (n + 4) * u * mag + (n + 2) * tm));
      }
    }
  }
done:
  free(adS);
  free(asl);
  free(ag);
}

/* Bytes of an output that must keep their sentinel: all of them on an
   error; on success the offset prefix and (dS) the padding of each row. */
static void fz_check_guard(const char *what, const fz_buf *b, size_t es, size_t rows, size_t cols,
                           size_t ld, int whole) {
  size_t i;
  if (!b->mem) return;
  if (whole) {
    if (memcmp(b->mem, b->copy, b->bytes) != 0) fz_fail("%s was written on an error", what);
    return;
  }
  if (memcmp(b->mem, b->copy, b->off_bytes) != 0) fz_fail("%s: written before its start", what);
  for (i = 0; i < rows && ld > cols; i++) {
    const size_t at = b->off_bytes + (i * ld + cols) * es;
    const size_t len = (i + 1 < rows ? ld - cols : (b->bytes - at) / es) * es;
    if (memcmp(b->mem + at, b->copy + at, len) != 0)
      fz_fail("%s: the padding after row %zu was written", what, i);
  }
}

static int fz_run(const uint8_t *data, size_t size, const int *entries, int nentries) {
  fz_case k;
  fz_in in;
  fz_bufs B;
  fz_args g;
  fz_ref r;
  linloss_status want, got;
  const fz_api *a;
  size_t i, j, es, n, w;
  uint64_t h = 1469598103934665603ull;
  double *sl_mem = NULL;
  for (i = 0; i < size; i++) h = (h ^ data[i]) * 1099511628211ull;
  in.p = data;
  in.n = size;
  in.i = 0;
  in.r = h | 1;
  fz_case_read(&k, &in, entries, nentries);
  fz_cur = &k;
  a = k.a;
  es = a->es;
  n = k.n;
  w = k.w;
  /* what the data holds: the rows and weights that count */
  {
    const ref_opts ro = fz_ref_opts(&k);
    const linloss_status v = fz_expect(&k);
    for (i = 0; i < n; i++) {
      const int counted = k.entry == FZ_PREDICT || v != LINLOSS_OK || ref_weight(&ro, i, k.y[i]) != 0;
      if (!counted) continue;
      for (j = 0; k.X && j < k.d && j < k.ldx; j++) fz_note(a, k.X[i * k.ldx + j], &k.fl);
      for (j = 0; k.S && j < w && j < k.lds; j++) fz_note(a, k.S[i * k.lds + j], &k.fl);
    }
    for (i = 0; k.W && i < k.d * w; i++) fz_note(a, k.W[i], &k.fl);
    for (i = 0; k.b && k.has_b && i < w; i++) fz_note(a, k.b[i], &k.fl);
  }
  want = fz_expect(&k);
  if (k.huge && want != LINLOSS_ERR_NULL && want != LINLOSS_ERR_SHAPE && !(k.huge >= 4 && k.cn == 0)) {
    fz_case_free(&k); /* a huge size the library would rightly use */
    fz_cur = NULL;
    return 0;
  }
  /* the buffers: inputs surrounded by NaN, outputs by a sentinel */
  memset(&B, 0, sizeof B);
  if (k.X && !k.null_X) {
    fz_buf_make(&B.X, es, n * k.ldx, k.off[0], 0xff);
    for (i = 0; i < n * k.ldx; i++) a->set(B.X.p, i, k.X[i]);
  }
  if (k.W && !k.null_W) {
    fz_buf_make(&B.W, es, k.d * w, k.off[1], 0xff);
    for (i = 0; i < k.d * w; i++) a->set(B.W.p, i, k.W[i]);
  }
  if (k.b && k.has_b) {
    fz_buf_make(&B.b, es, w, k.off[2], 0xff);
    for (i = 0; i < w; i++) a->set(B.b.p, i, k.b[i]);
  }
  if (k.S && !k.null_S) {
    fz_buf_make(&B.S, es, n * k.lds, k.off[3], 0xff);
    for (i = 0; i < n * k.lds; i++) a->set(B.S.p, i, k.S[i]);
  }
  if (!k.null_y) {
    fz_buf_make(&B.y, sizeof(int32_t), n, k.off[4], 0xee);
    if (n) memcpy(B.y.p, k.y, n * sizeof(int32_t));
  }
  if (k.want_loss) fz_buf_make(&B.loss, es, 1, k.off[5], 0xa5);
  if (fz_has_x(k.entry) && k.entry != FZ_PREDICT) {
    if (k.want_dW) fz_buf_make(&B.dW, es, k.d * w, k.off[6], 0xa5);
    if (k.want_db) fz_buf_make(&B.db, es, w, k.off[7], 0xa5);
  } else {
    k.want_dW = k.want_db = 0;
  }
  if (k.entry == FZ_PREDICT) {
    if (k.want_pred) fz_buf_make(&B.pred, sizeof(int32_t), n, k.off[8], 0xa5);
  } else {
    k.want_pred = 0;
  }
  if (fz_has_x(k.entry)) k.want_dS = 0;
  if (k.want_dS && !k.inplace) fz_buf_make(&B.dS, es, n * k.ldds, k.off[8], 0xa5);
  if (k.opt_null) k.want_sl = 0;
  if (k.want_sl) {
    fz_buf_make(&B.sl, sizeof(double), n, k.off[9], 0xa5);
    sl_mem = (double *)B.sl.p;
    k.opt.sample_loss = sl_mem;
  }
  fz_buf_snap(&B.X), fz_buf_snap(&B.W), fz_buf_snap(&B.b), fz_buf_snap(&B.S), fz_buf_snap(&B.y);
  fz_buf_snap(&B.loss), fz_buf_snap(&B.dW), fz_buf_snap(&B.db), fz_buf_snap(&B.dS);
  fz_buf_snap(&B.pred), fz_buf_snap(&B.sl);
  /* the call */
  memset(&g, 0, sizeof g);
  g.n = k.cn;
  g.d = k.cd;
  g.c = k.cc;
  g.ldx = k.cldx;
  g.lds = k.clds;
  g.ldds = k.cldds;
  g.X = B.X.mem ? B.X.p : NULL;
  g.W = B.W.mem ? B.W.p : NULL;
  g.b = B.b.mem ? B.b.p : NULL;
  g.S = B.S.mem ? B.S.p : NULL;
  g.y = B.y.mem ? (const int32_t *)B.y.p : NULL;
  g.opt = k.opt_null ? NULL : &k.opt;
  g.loss = B.loss.mem ? B.loss.p : NULL;
  g.dW = B.dW.mem ? B.dW.p : NULL;
  g.db = B.db.mem ? B.db.p : NULL;
  g.dS = k.inplace ? (B.S.mem ? B.S.p : NULL) : B.dS.mem ? B.dS.p : NULL;
  g.pred = B.pred.mem ? (int32_t *)B.pred.p : NULL;
  if (k.inplace && !g.dS) k.inplace = 0, k.want_dS = 0;
  want = fz_expect(&k);
  fz_malloc_fail = k.malloc_fail;
  fz_malloc_failed = 0;
  got = a->call(k.entry, &g);
  fz_malloc_fail = 0;
  if (fz_live != 0) fz_fail("%ld scratch allocation(s) not freed", fz_live);
  if (got != want && !(got == LINLOSS_ERR_NOMEM && want == LINLOSS_OK && fz_malloc_failed > 0))
    fz_fail("status %d (%s), the manual's rules give %d (%s)", (int)got, linloss_status_string(got),
            (int)want, linloss_status_string(want));
  /* inputs are never written */
  if (!fz_buf_same(&B.X) || !fz_buf_same(&B.W) || !fz_buf_same(&B.b) || !fz_buf_same(&B.y) ||
      (!k.inplace && !fz_buf_same(&B.S)))
    fz_fail("an input was written");
  {
    const int whole = got != LINLOSS_OK;
    fz_check_guard("loss", &B.loss, es, 1, 1, 1, whole);
    fz_check_guard("dW", &B.dW, es, 1, k.d * w, k.d * w, whole);
    fz_check_guard("db", &B.db, es, 1, w, w, whole);
    fz_check_guard("dS", &B.dS, es, n, w, k.ldds, whole);
    if (k.inplace) fz_check_guard("S (in place)", &B.S, es, n, w, k.lds, whole);
    fz_check_guard("pred", &B.pred, sizeof(int32_t), 1, n, n, whole);
    if (k.entry != FZ_PREDICT) fz_check_guard("sample_loss", &B.sl, sizeof(double), 1, n, n, whole);
  }
  if (got == LINLOSS_OK && !k.huge) {
    if (!k.want_sl) k.opt.sample_loss = NULL;
    fz_reference(&k, &r);
    fz_check_values(&k, &B, &r);
    fz_ref_free(&r);
  }
  fz_buf_free(&B.X), fz_buf_free(&B.W), fz_buf_free(&B.b), fz_buf_free(&B.S), fz_buf_free(&B.y);
  fz_buf_free(&B.loss), fz_buf_free(&B.dW), fz_buf_free(&B.db), fz_buf_free(&B.dS);
  fz_buf_free(&B.pred), fz_buf_free(&B.sl);
  fz_case_free(&k);
  fz_cur = NULL;
  return 0;
}

#endif /* LINLOSS_FUZZ_COMMON_H */
