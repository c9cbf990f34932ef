/* pass.c - the loss pass of the two-pass baseline: what a C programmer
   writes between two sgemm calls. One row at a time, simple loops over the C
   scores that the compiler vectorizes where it can (-O2, baseline ISA, no
   -ffast-math: the exp calls and the float sums stay scalar), dS written in
   place or to a separate array. Mean reduction, SVM margin 1.

   bench_impl_twopass times this pass alone (the score-level baseline). */
#ifndef PASS_T
#include <math.h>
#include <stddef.h>

#include "bench.h"

#define PASS_T float
#define PASS_S f32
#define PASS_EXP expf
#define PASS_LOG logf
#include "pass.c" /* this file, again: the template below */
#undef PASS_T
#undef PASS_S
#undef PASS_EXP
#undef PASS_LOG

#define PASS_T double
#define PASS_S f64
#define PASS_EXP exp
#define PASS_LOG log
#include "pass.c" /* this file, again: the template below */

static int pass_svm_scores_f32(size_t n, size_t c, const float *S, const int32_t *y, float *loss,
                               float *dS) {
  *loss = (float)bench_pass_svm_f32(n, c, S, y, dS);
  return 0;
}

static int pass_softmax_scores_f32(size_t n, size_t c, const float *S, const int32_t *y,
                                   float *loss, float *dS) {
  *loss = (float)bench_pass_softmax_f32(n, c, S, y, dS);
  return 0;
}

const bench_impl bench_impl_twopass = {"twopass", "baseline", NULL, NULL, NULL, NULL,
                                       pass_svm_scores_f32, pass_softmax_scores_f32, NULL, NULL, NULL, NULL};

#else /* the template, for T = PASS_T */

#define PASS_CAT_(a, b) a##b
#define PASS_CAT(a, b) PASS_CAT_(a, b)
#define PASS_FN(name) PASS_CAT(name, PASS_S)
#define T PASS_T

double PASS_FN(bench_pass_svm_)(size_t n, size_t c, const T *S, const int32_t *y, T *dS) {
  const T scale = (T)1 / (T)n;
  double loss = 0;
  size_t i, j;
  for (i = 0; i < n; i++) {
    const T *s = S + i * c;
    T *g = dS + i * c;
    const size_t yi = (size_t)y[i];
    const T sy = s[yi];
    T l = 0, cnt = 0;
    for (j = 0; j < c; j++) {
      const T m = s[j] - sy + 1;
      const T pos = m > 0 ? 1 : 0;
      l += m > 0 ? m : 0;
      cnt += pos;
      g[j] = pos * scale;
    }
    /* the target class has margin exactly 1: take it back out */
    loss += (double)(l - 1);
    g[yi] = -(cnt - 1) * scale;
  }
  return loss / (double)n;
}

double PASS_FN(bench_pass_softmax_)(size_t n, size_t c, const T *S, const int32_t *y, T *dS) {
  const T scale = (T)1 / (T)n;
  double loss = 0;
  size_t i, j;
  for (i = 0; i < n; i++) {
    const T *s = S + i * c;
    T *g = dS + i * c;
    const size_t yi = (size_t)y[i];
    const T sy = s[yi];
    T mx = s[0], sum = 0, p;
    for (j = 1; j < c; j++) mx = s[j] > mx ? s[j] : mx;
    for (j = 0; j < c; j++) {
      g[j] = PASS_EXP(s[j] - mx);
      sum += g[j];
    }
    loss += (double)(PASS_LOG(sum) + mx - sy);
    p = scale / sum;
    for (j = 0; j < c; j++) g[j] *= p;
    g[yi] -= scale;
  }
  return loss / (double)n;
}

#undef T
#endif
