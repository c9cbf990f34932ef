/* openblas.c - the two-pass baseline: the best one can do in C today
   without fusing.

     S  = X W + b             cblas_sgemm (S pre-filled with b, beta = 1)
     loss, dS in place        the loss pass of pass.c
     dW = X^T dS + 2 lambda W cblas_sgemm (dW pre-filled with W, beta = 2 lambda)
     db = column sums of dS

   S is a scratch array of n x c kept between calls (a caller would keep it
   too); it is only reallocated when a larger one is needed. Run on one
   thread: bench_blas_config() sets that. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static void *tp_scratch;
static size_t tp_scratch_size;

static void *tp_buffer(size_t bytes) {
  if (bytes > tp_scratch_size) {
    free(tp_scratch);
    tp_scratch = malloc(bytes);
    tp_scratch_size = tp_scratch ? bytes : 0;
  }
  return tp_scratch;
}

#define TP_DEFINE(S, T, GEMM, DOT)                                                              \
  static int tp_fused_##S(int svm, size_t n, size_t d, size_t c, const T *X, const int32_t *y, \
                          const T *W, const T *b, int layout, double reg, T *loss, T *dW,      \
                          T *db) {                                                             \
    T *Sc = (T *)tp_buffer(n * c * sizeof(T));                                                 \
    const int cd = layout == BENCH_W_CD;                                                       \
    const int in = (int)n, id = (int)d, ic = (int)c;                                           \
    double data;                                                                               \
    size_t i, j;                                                                               \
    if (!Sc) return 1;                                                                         \
    for (i = 0; i < n; i++) memcpy(Sc + i * c, b, c * sizeof(T));                             \
    /* S = X W + b  or  X W^T + b */                                                           \
    GEMM(CblasRowMajor, CblasNoTrans, cd ? CblasTrans : CblasNoTrans, in, ic, id, 1, X, id, W, \
         cd ? id : ic, 1, Sc, ic);                                                             \
    data = svm ? bench_pass_svm_##S(n, c, Sc, y, Sc) : bench_pass_softmax_##S(n, c, Sc, y, Sc); \
    memset(db, 0, c * sizeof(T));                                                              \
    for (i = 0; i < n; i++)                                                                    \
      for (j = 0; j < c; j++) db[j] += Sc[i * c + j];                                          \
    memcpy(dW, W, d * c * sizeof(T));                                                          \
    if (!cd) /* dW (d x c) = X^T dS + 2 reg W */                                               \
      GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, id, ic, in, 1, X, id, Sc, ic, (T)(2 * reg), \
           dW, ic);                                                                            \
    else /* dW (c x d) = dS^T X + 2 reg W */                                                   \
      GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, ic, id, in, 1, Sc, ic, X, id, (T)(2 * reg), \
           dW, id);                                                                            \
    *loss = (T)(data + reg * (double)DOT((int)(d * c), W, 1, W, 1));                            \
    return 0;                                                                                  \
  }                                                                                            \
  static int tp_svm_##S(size_t n, size_t d, size_t c, const T *X, const int32_t *y, const T *W, \
                        const T *b, int layout, double reg, T *loss, T *dW, T *db) {           \
    return tp_fused_##S(1, n, d, c, X, y, W, b, layout, reg, loss, dW, db);                    \
  }                                                                                            \
  static int tp_softmax_##S(size_t n, size_t d, size_t c, const T *X, const int32_t *y,        \
                            const T *W, const T *b, int layout, double reg, T *loss, T *dW,    \
                            T *db) {                                                           \
    return tp_fused_##S(0, n, d, c, X, y, W, b, layout, reg, loss, dW, db);                    \
  }

TP_DEFINE(f32, float, cblas_sgemm, cblas_dsdot)
TP_DEFINE(f64, double, cblas_dgemm, cblas_ddot)

#ifdef BENCH_OPENBLAS
#define TP_NAME "openblas"
#else
#define TP_NAME "cblas"
#endif
/* isa "blas": main.cpp asks bench_blas_isa() */
const bench_impl bench_impl_openblas = {TP_NAME, "blas", tp_svm_f32, tp_softmax_f32, tp_svm_f64,
                                        tp_softmax_f64, NULL, NULL, NULL, NULL, NULL, NULL};

#ifdef BENCH_OPENBLAS
/* OpenBLAS's own API (cblas.h of OpenBLAS declares these). */
const char *bench_blas_config(void) {
  static char buf[256];
  openblas_set_num_threads(1);
  snprintf(buf, sizeof buf, "%s; core %s", openblas_get_config(), openblas_get_corename());
  return buf;
}

int bench_blas_threads(void) { return openblas_get_num_threads(); }

/* The ISA of the kernels OpenBLAS picked for this CPU (DYNAMIC_ARCH). */
const char *bench_blas_isa(void) {
  char core[64];
  size_t i;
  snprintf(core, sizeof core, "%s", openblas_get_corename());
  for (i = 0; core[i]; i++)
    if (core[i] >= 'A' && core[i] <= 'Z') core[i] = (char)(core[i] - 'A' + 'a');
  if (strstr(core, "skylakex") || strstr(core, "cooperlake") || strstr(core, "sapphire"))
    return "avx512";
  if (strstr(core, "haswell") || strstr(core, "zen")) return "avx2";
  if (strstr(core, "neoverse") || strstr(core, "armv8") || strstr(core, "cortex")) return "neon";
  return "sse2";
}
#else
/* Another CBLAS: its threads are its own business (set its environment). */
const char *bench_blas_config(void) { return "CBLAS (not OpenBLAS)"; }
int bench_blas_threads(void) { return 0; }
const char *bench_blas_isa(void) {
#if defined(__aarch64__)
  return "neon";
#else
  return "sse2";
#endif
}
#endif
