/* naive.c - the seeds' "with loops" version, in plain C: the baseline every
   speed-up is measured against from below.

   For each sample: its scores by a loop over classes and a loop over
   features (S_ij = b_j + sum_k X_ik W_kj), then the margins or the softmax of
   that row, then dW accumulated one class column at a time from that sample
   (dW[:, j] += g_j X_i). Mean over the samples, L2 term last. Exactly the
   CS231n svm_loss_naive / softmax_loss_naive, with a bias. Compiled for the
   baseline ISA at -O2. */
#ifndef NAIVE_T
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "peak.h" /* the peak of the baseline ISA, for peak_frac */

#define NAIVE_T float
#define NAIVE_S f32
#define NAIVE_EXP expf
#define NAIVE_LOG logf
#define NAIVE_SCORES 1
#include "naive.c" /* this file, again: the template below */
#undef NAIVE_SCORES
#undef NAIVE_T
#undef NAIVE_S
#undef NAIVE_EXP
#undef NAIVE_LOG

#define NAIVE_T double
#define NAIVE_S f64
#define NAIVE_EXP exp
#define NAIVE_LOG log
#include "naive.c" /* this file, again: the template below */

const bench_impl bench_impl_naive = {
    "naive", BENCH_ISA, naive_svm_f32, naive_softmax_f32, naive_svm_f64, naive_softmax_f64,
    naive_svm_scores_f32, naive_softmax_scores_f32, bench_peak_f32, bench_peak_f64, NULL, NULL};

#else /* the template, for T = NAIVE_T */

#define NAIVE_CAT_(a, b) a##b
#define NAIVE_CAT(a, b) NAIVE_CAT_(a, b)
#define NAIVE_FN(name) NAIVE_CAT(name, NAIVE_S)
#define T NAIVE_T

/* W_kj lives at W[k * sk + j * sj] */
static void NAIVE_FN(naive_strides_)(int layout, size_t d, size_t c, size_t *sk, size_t *sj) {
  *sk = layout == BENCH_W_DC ? c : 1;
  *sj = layout == BENCH_W_DC ? 1 : d;
  (void)d;
}

static void NAIVE_FN(naive_scores_)(size_t d, size_t c, const T *x, const T *W, const T *b,
                                    size_t sk, size_t sj, T *s) {
  size_t j, k;
  for (j = 0; j < c; j++) {
    s[j] = b ? b[j] : 0;
    for (k = 0; k < d; k++) s[j] += x[k] * W[k * sk + j * sj];
  }
}

static void NAIVE_FN(naive_finish_)(size_t n, size_t d, size_t c, const T *W, double reg,
                                    double loss, T *lossp, T *dW, T *db) {
  size_t k;
  double reg_loss = 0;
  for (k = 0; k < d * c; k++) {
    reg_loss += (double)W[k] * W[k];
    dW[k] = dW[k] / (T)n + (T)(2 * reg) * W[k];
  }
  for (k = 0; k < c; k++) db[k] /= (T)n;
  *lossp = (T)(loss / (double)n + reg * reg_loss);
}

static int NAIVE_FN(naive_svm_)(size_t n, size_t d, size_t c, const T *X, const int32_t *y,
                                const T *W, const T *b, int layout, double reg, T *lossp, T *dW,
                                T *db) {
  size_t i, j, k, sk, sj;
  double loss = 0;
  T *s = (T *)malloc(c * sizeof(T));
  if (!s) return 1;
  NAIVE_FN(naive_strides_)(layout, d, c, &sk, &sj);
  memset(dW, 0, d * c * sizeof(T));
  memset(db, 0, c * sizeof(T));
  for (i = 0; i < n; i++) {
    const T *x = X + i * d;
    size_t yi = (size_t)y[i];
    NAIVE_FN(naive_scores_)(d, c, x, W, b, sk, sj, s);
    for (j = 0; j < c; j++) {
      T margin;
      if (j == yi) continue;
      margin = s[j] - s[yi] + 1;
      if (margin > 0) {
        loss += margin;
        for (k = 0; k < d; k++) {
          dW[k * sk + j * sj] += x[k];
          dW[k * sk + yi * sj] -= x[k];
        }
        db[j] += 1;
        db[yi] -= 1;
      }
    }
  }
  free(s);
  NAIVE_FN(naive_finish_)(n, d, c, W, reg, loss, lossp, dW, db);
  return 0;
}

static int NAIVE_FN(naive_softmax_)(size_t n, size_t d, size_t c, const T *X, const int32_t *y,
                                    const T *W, const T *b, int layout, double reg, T *lossp,
                                    T *dW, T *db) {
  size_t i, j, k, sk, sj;
  double loss = 0;
  T *s = (T *)malloc(c * sizeof(T));
  if (!s) return 1;
  NAIVE_FN(naive_strides_)(layout, d, c, &sk, &sj);
  memset(dW, 0, d * c * sizeof(T));
  memset(db, 0, c * sizeof(T));
  for (i = 0; i < n; i++) {
    const T *x = X + i * d;
    size_t yi = (size_t)y[i];
    T mx, sum = 0;
    NAIVE_FN(naive_scores_)(d, c, x, W, b, sk, sj, s);
    mx = s[0];
    for (j = 1; j < c; j++)
      if (s[j] > mx) mx = s[j];
    for (j = 0; j < c; j++) sum += NAIVE_EXP(s[j] - mx);
    loss += NAIVE_LOG(sum) - (s[yi] - mx);
    for (j = 0; j < c; j++) {
      T g = NAIVE_EXP(s[j] - mx) / sum - (j == yi ? 1 : 0);
      for (k = 0; k < d; k++) dW[k * sk + j * sj] += g * x[k];
      db[j] += g;
    }
  }
  free(s);
  NAIVE_FN(naive_finish_)(n, d, c, W, reg, loss, lossp, dW, db);
  return 0;
}

#ifdef NAIVE_SCORES
/* Score level, f32 only. */
static int NAIVE_FN(naive_svm_scores_)(size_t n, size_t c, const T *S, const int32_t *y, T *lossp,
                                       T *dS) {
  size_t i, j;
  double loss = 0;
  for (i = 0; i < n; i++) {
    const T *s = S + i * c;
    T *g = dS + i * c;
    size_t yi = (size_t)y[i];
    g[yi] = 0;
    for (j = 0; j < c; j++) {
      T margin;
      if (j == yi) continue;
      margin = s[j] - s[yi] + 1;
      if (margin > 0) {
        loss += margin;
        g[j] = (T)1 / (T)n;
        g[yi] -= (T)1 / (T)n;
      } else {
        g[j] = 0;
      }
    }
  }
  *lossp = (T)(loss / (double)n);
  return 0;
}

static int NAIVE_FN(naive_softmax_scores_)(size_t n, size_t c, const T *S, const int32_t *y,
                                           T *lossp, T *dS) {
  size_t i, j;
  double loss = 0;
  for (i = 0; i < n; i++) {
    const T *s = S + i * c;
    T *g = dS + i * c;
    size_t yi = (size_t)y[i];
    T mx = s[0], sum = 0;
    for (j = 1; j < c; j++)
      if (s[j] > mx) mx = s[j];
    for (j = 0; j < c; j++) sum += NAIVE_EXP(s[j] - mx);
    loss += NAIVE_LOG(sum) - (s[yi] - mx);
    for (j = 0; j < c; j++) g[j] = (NAIVE_EXP(s[j] - mx) / sum - (j == yi ? 1 : 0)) / (T)n;
  }
  *lossp = (T)(loss / (double)n);
  return 0;
}
#endif

#undef T
#endif
