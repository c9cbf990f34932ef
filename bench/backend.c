/* backend.c - one linloss.h backend behind plain extern functions.

   Compiled once per backend with -DLINLOSS_BACKEND=LINLOSS_BACKEND_<X>
   -DBENCH_BE=<x> and the backend's flags (-mavx2 -mfma, ...). Every function
   in linloss.h is static inline and the backend is a compile-time choice, so
   each object gets its own copy of the kernels; the names carry the backend
   (bench_softmax_f32_avx2, ...) and bench_impl_<x> lists them for main.cpp.

   The object also holds the register-only FMA loop of the ISA it is compiled
   for (peak.h), which main.cpp times at start-up to get the machine's peak. */
#include "linloss.h"

#include "bench.h"

#ifndef BENCH_BE
#error "define BENCH_BE to the backend's name (scalar, simde, avx2, avx512, neon)"
#endif

#define BENCH_CAT_(a, b) a##b
#define BENCH_CAT(a, b) BENCH_CAT_(a, b)
#define BENCH_STR_(a) #a
#define BENCH_STR(a) BENCH_STR_(a)
#define BENCH_FN(name) BENCH_CAT(name, BENCH_BE) /* bench_svm_f32_ -> bench_svm_f32_avx2 */

static int bench_threads = 1;
void BENCH_FN(bench_set_threads_)(int threads);
void BENCH_FN(bench_set_threads_)(int threads) { bench_threads = threads; }

static linloss_options bench_opts(int layout, double reg) {
  linloss_options o = linloss_options_default();
  o.threads = bench_threads;
  o.reg = reg;
  o.w_layout = layout == BENCH_W_CD ? LINLOSS_W_CD : LINLOSS_W_DC;
  return o;
}

#define BENCH_FUSED(loss, T, S)                                                              \
  int BENCH_FN(bench_##loss##_##S##_)(size_t n, size_t d, size_t c, const T *X,              \
                                      const int32_t *y, const T *W, const T *b, int layout,  \
                                      double reg, T *lossp, T *dW, T *db) {                  \
    linloss_options o = bench_opts(layout, reg);                                             \
    return (int)linloss_##loss##_##S(n, d, c, X, d, y, W, b, &o, lossp, dW, db);             \
  }

/* Declared first: -Wmissing-prototypes. */
#define BENCH_FUSED_DECL(loss, T, S)                                                         \
  int BENCH_FN(bench_##loss##_##S##_)(size_t n, size_t d, size_t c, const T *X,              \
                                      const int32_t *y, const T *W, const T *b, int layout,  \
                                      double reg, T *lossp, T *dW, T *db);
BENCH_FUSED_DECL(svm, float, f32)
BENCH_FUSED_DECL(softmax, float, f32)
BENCH_FUSED_DECL(svm, double, f64)
BENCH_FUSED_DECL(softmax, double, f64)
BENCH_FUSED(svm, float, f32)
BENCH_FUSED(softmax, float, f32)
BENCH_FUSED(svm, double, f64)
BENCH_FUSED(softmax, double, f64)

int BENCH_FN(bench_svm_scores_f32_)(size_t n, size_t c, const float *S, const int32_t *y,
                                    float *loss, float *dS);
int BENCH_FN(bench_softmax_scores_f32_)(size_t n, size_t c, const float *S, const int32_t *y,
                                        float *loss, float *dS);
int BENCH_FN(bench_svm_scores_f32_)(size_t n, size_t c, const float *S, const int32_t *y,
                                    float *loss, float *dS) {
  linloss_options o = bench_opts(BENCH_W_DC, 0);
  return (int)linloss_svm_scores_f32(n, c, S, c, y, &o, loss, dS, c);
}
int BENCH_FN(bench_softmax_scores_f32_)(size_t n, size_t c, const float *S, const int32_t *y,
                                        float *loss, float *dS) {
  linloss_options o = bench_opts(BENCH_W_DC, 0);
  return (int)linloss_softmax_scores_f32(n, c, S, c, y, &o, loss, dS, c);
}

void BENCH_FN(bench_exp_f32_)(size_t n, const float *x, float *y);
void BENCH_FN(bench_exp_f32_)(size_t n, const float *x, float *y) {
  size_t i = 0;
#if LINLOSS_BACKEND != LINLOSS_BACKEND_SCALAR
  for (; i + sizeof(linloss_i_v_f32) / sizeof(float) <= n; i += sizeof(linloss_i_v_f32) / sizeof(float)) {
    linloss_i_v_f32 v;
    memcpy(&v, x + i, sizeof v);
    v = linloss_i_vexp_f32(v);
    memcpy(y + i, &v, sizeof v);
  }
#endif
  for (; i < n; i++) y[i] = expf(x[i]); /* the scalar backend's exp */
}

#include "peak.h"

const bench_impl BENCH_FN(bench_impl_) = {
    BENCH_STR(BENCH_BE),
    BENCH_ISA,
    BENCH_FN(bench_svm_f32_),
    BENCH_FN(bench_softmax_f32_),
    BENCH_FN(bench_svm_f64_),
    BENCH_FN(bench_softmax_f64_),
    BENCH_FN(bench_svm_scores_f32_),
    BENCH_FN(bench_softmax_scores_f32_),
    bench_peak_f32,
    bench_peak_f64,
#if defined(_OPENMP)
    BENCH_FN(bench_set_threads_),
#else
    NULL,
#endif
    BENCH_FN(bench_exp_f32_),
};
