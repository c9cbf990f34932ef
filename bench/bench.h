/* bench.h - the interface between the benchmark driver (main.cpp) and the
   implementations it times, each compiled as its own C object:

     backend.c   once per linloss.h backend (-DLINLOSS_BACKEND=... plus the
                 backend's flags): bench_impl_scalar, bench_impl_avx2, ...
     naive.c     the "with loops" seed version: bench_impl_naive
     pass.c      the loss pass of the two-pass baseline: bench_impl_twopass
     openblas.c  the two-pass baseline, sgemm + pass + sgemm: bench_impl_openblas

   Every function has the same meaning whoever implements it: X is n x d
   (row stride d), W is d x c (layout BENCH_W_DC) or c x d (BENCH_W_CD), b has
   c entries, labels y in [0, c); mean reduction, SVM margin 1, L2 strength
   reg; outputs loss, dW (W's layout), db. Score level: S is n x c, writes the
   loss and dS (n x c, separate from S). Return 0 on success. A NULL pointer in
   the table means "not provided". */
#ifndef LINLOSS_BENCH_H
#define LINLOSS_BENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { BENCH_W_DC = 0, BENCH_W_CD = 1 };

typedef int (*bench_fused_f32_fn)(size_t n, size_t d, size_t c, const float *X,
                                  const int32_t *y, const float *W, const float *b, int layout,
                                  double reg, float *loss, float *dW, float *db);
typedef int (*bench_fused_f64_fn)(size_t n, size_t d, size_t c, const double *X,
                                  const int32_t *y, const double *W, const double *b,
                                  int layout, double reg, double *loss, double *dW, double *db);
typedef int (*bench_scores_f32_fn)(size_t n, size_t c, const float *S, const int32_t *y,
                                   float *loss, float *dS);
/* Runs a register-only multiply-add loop `iters` times; returns the number of
   floating-point operations it did (an FMA counts 2). */
typedef double (*bench_peak_fn)(long iters);

typedef struct bench_impl {
  const char *name; /* "avx2", "naive", "openblas", ... */
  const char *isa;  /* what it is compiled for, the peak it is compared to:
                       "avx512", "avx2", "neon", "sse2" (the x86-64
                       baseline: no FMA) or "scalar" (BENCH_ISA of
                       peak.h); "baseline": that of naive.c (twopass);
                       "blas": that of the BLAS's kernels (bench_blas_isa). */
  bench_fused_f32_fn svm_f32, softmax_f32;
  bench_fused_f64_fn svm_f64, softmax_f64;
  bench_scores_f32_fn svm_scores_f32, softmax_scores_f32;
  bench_peak_fn peak_f32, peak_f64; /* of `isa`, or NULL */
  /* linloss.h built with OpenMP: the options.threads of the calls from now
     on (1 at start: one thread); NULL elsewhere */
  void (*set_threads)(int threads);
  /* y = e^x over n floats, the vector exp the softmax uses (linloss.h's
     backends; NULL elsewhere): a floor of the softmax at the loss layer */
  void (*exp_f32)(size_t n, const float *x, float *y);
} bench_impl;

/* Defined when the build has them (BENCH_HAVE_<NAME>). */
extern const bench_impl bench_impl_scalar, bench_impl_simde, bench_impl_avx2, bench_impl_avx512,
    bench_impl_neon, bench_impl_naive, bench_impl_twopass, bench_impl_openblas;
/* The vector backends built at -O2 (BENCH_HAVE_<NAME>_O2), for the O2/ pairs. */
extern const bench_impl bench_impl_avx2_o2, bench_impl_avx512_o2, bench_impl_neon_o2;

/* pass.c: the loss pass of the two-pass baseline over n rows of scores S
   (row stride c), dS = d loss / dS with the mean reduction; dS may be S.
   Returns the data term (already divided by n). */
double bench_pass_svm_f32(size_t n, size_t c, const float *S, const int32_t *y, float *dS);
double bench_pass_softmax_f32(size_t n, size_t c, const float *S, const int32_t *y, float *dS);
double bench_pass_svm_f64(size_t n, size_t c, const double *S, const int32_t *y, double *dS);
double bench_pass_softmax_f64(size_t n, size_t c, const double *S, const int32_t *y,
                              double *dS);

/* openblas.c: a description of the BLAS ("OpenBLAS 0.3.21 ... Haswell") and
   the ISA of its kernels, after setting it to one thread. */
const char *bench_blas_config(void);
const char *bench_blas_isa(void);
int bench_blas_threads(void);

#ifdef __cplusplus
}
#endif
#endif
