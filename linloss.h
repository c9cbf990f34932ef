/* linloss.h - losses and gradients of linear classifiers, in one header.

   The multiclass SVM (hinge) loss, the softmax cross-entropy and the binary
   logistic loss of a linear classifier, with their gradients, over scores

       S = X.W + b          (X is N x D, W is D x C or C x D, b has C entries)

   computed in one fused pass (the scores never leave the cache), or from a
   score matrix you computed yourself (the "loss layer", in place after any
   GEMM). Float and double, AVX-512, AVX2+FMA, NEON, a portable SIMDe path
   and plain C, chosen when you compile.

   USE
     #include "linloss.h"          -- that is all: every function is static
                                      inline, there is nothing to link but libm.
     cc -O2 -march=native app.c -lm

   Every entry point returns a linloss_status; LINLOSS_OK is 0. Inputs are
   validated before anything is written: on an error no output (loss,
   gradients, per-sample losses) is touched. Every output pointer may be NULL
   to skip that output. `opt` may be NULL for linloss_options_default().

       linloss_options o = linloss_options_default();
       o.reg = 1e-3;                                      // L2 strength
       float loss, dW[D * C], db[C];
       linloss_status st = linloss_softmax_f32(n, D, C, X, D, y, W, b, &o,
                                               &loss, dW, db);
       if (st != LINLOSS_OK) puts(linloss_status_string(st));

   SEMANTICS (s_i is row i of S, y_i its label, Delta = opt.delta)
     SVM, Weston-Watkins (default):  L_i = sum_{j != y_i} h(s_ij - s_iy + Delta)
     SVM, Crammer-Singer:            L_i = h(max_{j != y_i} s_ij - s_iy + Delta)
         h(m) = max(0, m) (hinge_power 1) or max(0, m)^2 (hinge_power 2).
         dL/ds_j = h'(m_j) for j != y (1[m > 0], or 2 max(0, m)), and
         dL/ds_y = -sum of those. Crammer-Singer puts the whole gradient on
         the first j != y of largest score.
     Softmax:   L_i = log sum_j exp(s_ij) - sum_j q_ij s_ij,
                dL/ds_ij = softmax(s_i)_j - q_ij,
                q_i = (1 - eps) onehot(y_i) + eps / C  (eps = label_smoothing).
                The maximum is shifted out: any finite scores (1e30, 3e38)
                give the exact finite answer.
     Logistic:  labels 0/1, one score per sample, t = (1 - eps) y + eps / 2,
                L_i = max(s, 0) - s t + log1p(exp(-|s|)),
                dL/ds = sigmoid(s) - t, computed as (1-t) sigmoid(s) - t sigmoid(-s)
                so both tails keep their relative accuracy.
     Weights:   sample i has weight w_i = sample_weight[i] * class_weight[y_i]
                (1 where a table is NULL; 0 for the ignore label).
                The data term is sum_i w_i L_i, divided by W_tot = sum_i w_i
                under LINLOSS_MEAN (the default). A sample of weight 0
                contributes exactly 0 to the loss and the gradients, even if
                its scores are NaN or infinite; if W_tot is 0 (say, every label
                ignored) the data term and its gradient are 0, never NaN.
     Total:     loss = data term + reg * sum(W^2);  dW = X^T dS + 2 reg W,
                db = column sums of dS (the bias is never regularized). The
                score-level entry points have no W: `reg` is not used there.
                The loss is accumulated in double.
     dS:        the score-level entry points write dS = dloss/dS, i.e. the
                per-sample gradients above times w_i / W_tot (or w_i).
     Prediction: the index of the largest score, the first one on ties; a NaN
                score counts as the largest (the first NaN wins), as numpy's
                argmax does.
     NaN:       a NaN that reaches a counted sample's loss makes the loss NaN,
                on every backend alike. Gradient entries that depend on a NaN
                are NaN (for the SVM: the entries of NaN margins and the target
                entry of their row; for softmax: the whole row).
     Infinity:  follows IEEE arithmetic through the formulas above: -inf scores
                in non-target classes are harmless (probability 0, no margin).
                A counted sample's factor w_i / W_tot that underflows the
                element type is its smallest denormal, so an infinite gradient
                stays infinite; a gradient entry that underflows to 0 there
                times an infinite x adds 0 inf = NaN to dW.

   ERRORS (checked in this order; nothing is written on an error)
     LINLOSS_ERR_NULL   a required pointer is NULL: W (w) always; X, S, s and y
                        when n > 0.
     LINLOSS_ERR_SHAPE  C < 2, D = 0, a row stride shorter than its row
                        (ldx < D, lds < C, ldds < C when dS is given), or a size
                        whose byte count overflows size_t.
     LINLOSS_ERR_PARAM  delta or reg negative or not finite; label_smoothing
                        outside [0, 1); hinge_power not 1 or 2; an unknown
                        w_layout, reduction or svm_variant; threads < 0; a
                        class or sample weight negative or not finite.
     LINLOSS_ERR_LABEL  a label outside [0, C) ({0, 1} for logistic) that is
                        not the ignore label.
     LINLOSS_ERR_NOMEM  the scratch buffer could not be allocated (only when
                        C is large; see MEMORY).

   MEMORY
     No allocation proportional to N. A fused call works on blocks of rows:
     their scores (rows x C, at most LINLOSS_BLOCK_ROWS rows and
     LINLOSS_BLOCK_ELEMS scores; for a W larger than 256 KiB with dW, a
     packed copy too, rounded up to a tile of classes, and for LINLOSS_W_CD
     a block of a few vectors of each row of X; for a W larger than 256 KiB
     as D x C, a packed panel of 256 of its rows, up to 64 KiB) and, for a
     small W (C x D at most 256 KiB), a cache-aligned class-major copy of W
     (for LINLOSS_W_CD only when N is at least 16) and, for LINLOSS_W_DC, of
     dW (for LINLOSS_W_CD too when its rows crowd into few L1 sets, as
     below; rows then spread, up to 128 bytes longer): about 512 KiB more at
     most, whatever N; a larger W is used in place. On the AVX2 and SIMDe
     backends, when W is small and the rows of X crowd into few sets of the
     L1 cache (a row stride near a multiple of 4 KiB, such as D = 3072 or
     3073 floats), a copy of the block's rows of X too, per thread (each row
     rounded up to whole cache lines plus at most one: about 384 KiB, at
     least 8 rows). Rows of D at most 128 with a small C (the rows going
     one per vector lane throughout: at most LINLOSS_SMALL_C classes that
     leave lanes of the vectors of classes empty, see linloss_i_lanes_ok):
     per thread, the block's X transposed and its scores, (D + C) x its
     rows rounded up to the vector width (at most LINLOSS_BLOCK_ROWS / 4),
     and no copy of W. A call of more than one chunk of rows (see THREADS)
     keeps, per thread, a block of scores and the partial dW and db of a
     chunk (C x D + C more). That memory comes from a stack buffer of
     LINLOSS_STACK_SCRATCH bytes when it fits, else from one LINLOSS_MALLOC /
     LINLOSS_FREE per call (overridable macros). The score-level entry
     points allocate nothing.

   ALIASING
     dS may be S itself (same pointer and ldds == lds), ds may be s: the loss
     layer works in place. No other output may overlap an input or another
     output.

   THREADS
     No global state, no printing, no abort: every call is independent and
     thread-safe on distinct outputs.
     Compiled with OpenMP (-fopenmp), a call also runs on several threads:
     it splits the rows into chunks fixed by the shape alone (fused: at
     least 256 rows, 2^18 multiply-adds and C D / 2048 rows; loss layer: 64
     rows and 2^16 scores), each chunk sums its rows' loss, dW and db on its own, and the
     chunks' sums are added in chunk order. So loss, dW, db, dS, sample_loss
     and pred are bitwise the same for any number of threads, and the same
     as a build without OpenMP (which adds the same chunks in the same
     order, on one thread). A call of one chunk stays on the calling thread,
     and so does a call made inside a parallel region. The threads: OpenMP's
     number (OMP_NUM_THREADS), at most options.threads when that is > 0, and
     at most the number of chunks. Without -fopenmp nothing else changes and
     nothing more is linked.

   BUILD MODIFIERS (define before including)
     LINLOSS_BACKEND       LINLOSS_BACKEND_SCALAR, _SIMDE, _AVX2, _AVX512 or
                           _NEON. Default: the best the compile flags enable
                           (AVX-512 > AVX2+FMA > NEON > scalar); SIMDe only when
                           asked. Asking for one the flags do not enable is an
                           #error, never a silent fallback.
     LINLOSS_MALLOC(n), LINLOSS_FREE(p)
                           default malloc/free.
     LINLOSS_STACK_SCRATCH bytes of stack scratch per call (default 16384).
     LINLOSS_HEADER_FILE   the name this file is included by, as a string
                           (default "linloss.h"); set it if you rename the file.
     Tuning: LINLOSS_BLOCK_ROWS (256; a quarter for a W in L2) and
     LINLOSS_BLOCK_ELEMS (262144), the most rows and scores (rows x C) of a
     block; LINLOSS_SMALL_C (32), up to this many classes softmax rows
     (and SVM rows shorter than two vectors) go one per vector lane.

   The license is at the end of the file.
*/
#if !defined(LINLOSS_I_TEMPLATE)
#ifndef LINLOSS_H
#define LINLOSS_H

#define LINLOSS_VERSION_MAJOR 0
#define LINLOSS_VERSION_MINOR 1
#define LINLOSS_VERSION_PATCH 0
#define LINLOSS_VERSION_NUMBER \
  (LINLOSS_VERSION_MAJOR * 10000 + LINLOSS_VERSION_MINOR * 100 + LINLOSS_VERSION_PATCH)

#include <stddef.h>
#include <stdint.h>
#if defined(_OPENMP)
#include <omp.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- the API */

typedef enum linloss_status {
  LINLOSS_OK = 0,
  LINLOSS_ERR_NULL,  /* a required pointer is NULL                        */
  LINLOSS_ERR_SHAPE, /* C < 2, D = 0, short stride, size overflow          */
  LINLOSS_ERR_LABEL, /* a label outside [0, C) that is not ignored         */
  LINLOSS_ERR_PARAM, /* an option out of range                             */
  LINLOSS_ERR_NOMEM  /* the scratch for a very large C could not be had    */
} linloss_status;

enum { LINLOSS_W_DC = 0, /* W is D x C, S = X W    (CS231n)      */
       LINLOSS_W_CD = 1  /* W is C x D, S = X W^T  (one row per class) */ };
enum { LINLOSS_MEAN = 0, /* data term divided by the total weight   */
       LINLOSS_SUM = 1   /* data term summed                        */ };
enum { LINLOSS_SVM_WW = 0, /* Weston-Watkins: sum of the hinges        */
       LINLOSS_SVM_CS = 1  /* Crammer-Singer: hinge of the worst class */ };

/* The ignore_label that ignores nothing (the default). */
#define LINLOSS_NO_IGNORE INT32_MIN

typedef struct linloss_options {
  double delta;            /* SVM margin, >= 0, finite. Default 1.               */
  double reg;              /* L2 strength lambda, >= 0, finite. Default 0.       */
  int w_layout;            /* LINLOSS_W_DC (default) or LINLOSS_W_CD.            */
  int reduction;           /* LINLOSS_MEAN (default) or LINLOSS_SUM.             */
  int svm_variant;         /* LINLOSS_SVM_WW (default) or LINLOSS_SVM_CS.        */
  int hinge_power;         /* 1 (hinge, default) or 2 (squared hinge).           */
  int32_t ignore_label;    /* samples with this label count for nothing.
                              Default LINLOSS_NO_IGNORE.                         */
  double label_smoothing;  /* eps in [0, 1), softmax and logistic. Default 0.    */
  const double *class_weight;  /* C weights (2 for logistic), or NULL.           */
  const double *sample_weight; /* N weights, or NULL.                            */
  double *sample_loss;     /* output, or NULL: N values w_i L_i (0 where the
                              weight is 0), in double whatever the data type.   */
  int threads;             /* with OpenMP (-fopenmp): at most this many threads,
                              0 (default) for OpenMP's own number; >= 0. The
                              results do not depend on it (see THREADS).       */
} linloss_options;

/* Declared for T = float (suffix _f32, loss is float*) and T = double (_f64):

   Fused linear classifier. X is n x d with row stride ldx; W is d x c
   (LINLOSS_W_DC) or c x d (LINLOSS_W_CD), contiguous; b has c entries or is
   NULL; dW has W's layout, db has c entries.
     linloss_svm_T     (n, d, c, X, ldx, y, W, b, opt, loss, dW, db)
     linloss_softmax_T (n, d, c, X, ldx, y, W, b, opt, loss, dW, db)
   Loss layer. S is n x c with row stride lds; dS (stride ldds) may be S.
     linloss_svm_scores_T     (n, c, S, lds, y, opt, loss, dS, ldds)
     linloss_softmax_scores_T (n, c, S, lds, y, opt, loss, dS, ldds)
   Binary logistic (sigmoid cross-entropy), labels 0/1. w has d entries, b is
   one value or NULL; s and ds are n values, ds may be s.
     linloss_logistic_T        (n, d, X, ldx, y, w, b, opt, loss, dw, db)
     linloss_logistic_scores_T (n, s, y, opt, loss, ds)
   Prediction: pred[i] = argmax_j S_ij (first on ties, NaN counts as largest).
     linloss_predict_T (n, d, c, X, ldx, W, b, opt, pred)
*/
#define LINLOSS_I_PROTOTYPES(T, S)                                                       \
  static inline linloss_status linloss_svm_##S(                                         \
      size_t n, size_t d, size_t c, const T *X, size_t ldx, const int32_t *y,           \
      const T *W, const T *b, const linloss_options *opt, T *loss, T *dW, T *db);       \
  static inline linloss_status linloss_softmax_##S(                                     \
      size_t n, size_t d, size_t c, const T *X, size_t ldx, const int32_t *y,           \
      const T *W, const T *b, const linloss_options *opt, T *loss, T *dW, T *db);       \
  static inline linloss_status linloss_svm_scores_##S(                                  \
      size_t n, size_t c, const T *S, size_t lds, const int32_t *y,                     \
      const linloss_options *opt, T *loss, T *dS, size_t ldds);                         \
  static inline linloss_status linloss_softmax_scores_##S(                              \
      size_t n, size_t c, const T *S, size_t lds, const int32_t *y,                     \
      const linloss_options *opt, T *loss, T *dS, size_t ldds);                         \
  static inline linloss_status linloss_logistic_##S(                                    \
      size_t n, size_t d, const T *X, size_t ldx, const int32_t *y, const T *w,         \
      const T *b, const linloss_options *opt, T *loss, T *dw, T *db);                   \
  static inline linloss_status linloss_logistic_scores_##S(                             \
      size_t n, const T *s, const int32_t *y, const linloss_options *opt, T *loss,      \
      T *ds);                                                                           \
  static inline linloss_status linloss_predict_##S(                                     \
      size_t n, size_t d, size_t c, const T *X, size_t ldx, const T *W, const T *b,     \
      const linloss_options *opt, int32_t *pred);
LINLOSS_I_PROTOTYPES(float, f32)
LINLOSS_I_PROTOTYPES(double, f64)

static inline linloss_options linloss_options_default(void);
static inline const char *linloss_status_string(linloss_status st);
/* "scalar", "simde", "avx2", "avx512" or "neon": the backend compiled in. */
static inline const char *linloss_backend_name(void);

/* ------------------------------------------------------ configuration */

#include <float.h>
#include <math.h>
#include <string.h>

#ifndef LINLOSS_MALLOC
#include <stdlib.h>
#define LINLOSS_MALLOC(n) malloc(n)
#define LINLOSS_FREE(p) free(p)
#endif
#ifndef LINLOSS_STACK_SCRATCH /* bytes of scores kept on the stack per call */
#define LINLOSS_STACK_SCRATCH 16384
#endif
#ifndef LINLOSS_BLOCK_ROWS /* at most this many rows of scores per block (a quarter for a W in L2) */
#define LINLOSS_BLOCK_ROWS 256
#endif
#ifndef LINLOSS_SMALL_C /* up to this many classes, softmax rows (and short SVM rows) go one per vector lane */
#define LINLOSS_SMALL_C 32
#endif
#ifndef LINLOSS_BLOCK_ELEMS /* and at most this many scores (rows x C) */
#define LINLOSS_BLOCK_ELEMS 262144
#endif
#ifndef LINLOSS_HEADER_FILE
#define LINLOSS_HEADER_FILE "linloss.h"
#endif

/* ----------------------------------------------------- backend ladder */

#define LINLOSS_BACKEND_SCALAR 1
#define LINLOSS_BACKEND_SIMDE 2
#define LINLOSS_BACKEND_AVX2 3
#define LINLOSS_BACKEND_AVX512 4
#define LINLOSS_BACKEND_NEON 5

#ifndef LINLOSS_BACKEND
#if defined(__AVX512F__)
#define LINLOSS_BACKEND LINLOSS_BACKEND_AVX512
#elif defined(__AVX2__) && defined(__FMA__)
#define LINLOSS_BACKEND LINLOSS_BACKEND_AVX2
#elif defined(__aarch64__) && defined(__ARM_NEON)
#define LINLOSS_BACKEND LINLOSS_BACKEND_NEON
#else
#define LINLOSS_BACKEND LINLOSS_BACKEND_SCALAR
#endif
#endif

#if LINLOSS_BACKEND == LINLOSS_BACKEND_AVX512
#if !defined(__AVX512F__)
#error "linloss.h: LINLOSS_BACKEND_AVX512 needs AVX-512F (e.g. -mavx512f or -march=x86-64-v4)"
#endif
#define LINLOSS_I_BACKEND_NAME "avx512"
#elif LINLOSS_BACKEND == LINLOSS_BACKEND_AVX2
#if !(defined(__AVX2__) && defined(__FMA__))
#error "linloss.h: LINLOSS_BACKEND_AVX2 needs AVX2 and FMA (e.g. -mavx2 -mfma or -march=x86-64-v3)"
#endif
#define LINLOSS_I_BACKEND_NAME "avx2"
#elif LINLOSS_BACKEND == LINLOSS_BACKEND_NEON
#if !(defined(__aarch64__) && defined(__ARM_NEON))
#error "linloss.h: LINLOSS_BACKEND_NEON needs AArch64 with Advanced SIMD"
#endif
#define LINLOSS_I_BACKEND_NAME "neon"
#elif LINLOSS_BACKEND == LINLOSS_BACKEND_SIMDE
#define LINLOSS_I_BACKEND_NAME "simde"
#elif LINLOSS_BACKEND == LINLOSS_BACKEND_SCALAR
#define LINLOSS_I_BACKEND_NAME "scalar"
#else
#error "linloss.h: unknown LINLOSS_BACKEND"
#endif

#define LINLOSS_I_CAT_(a, b) a##b
#define LINLOSS_I_CAT(a, b) LINLOSS_I_CAT_(a, b)
/* The same code at -O2 as at -O3. LINLOSS_I_INLINE: the vocabulary's
   functions (and the small kernels' helpers), which gcc -O2 would keep out
   of line when they are large (a transpose then went through memory);
   LINLOSS_I_UNROLL: a loop over the lanes or a register tile, unrolled. */
#ifndef LINLOSS_I_INLINE /* may be defined as static inline */
#if defined(__GNUC__)
#define LINLOSS_I_INLINE static inline __attribute__((always_inline))
#else
#define LINLOSS_I_INLINE static inline
#endif
#endif
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8
#define LINLOSS_I_UNROLL _Pragma("GCC unroll 16")
#else
#define LINLOSS_I_UNROLL
#endif
/* In the template below, LINLOSS_I_TS is f32 or f64 and LINLOSS_I_FN(name_)
   gives name_f32 or name_f64. */
#define LINLOSS_I_FN(name) LINLOSS_I_CAT(name, LINLOSS_I_TS)
#define LINLOSS_I_T LINLOSS_I_FN(linloss_i_t_)
typedef float linloss_i_t_f32;
typedef double linloss_i_t_f64;

/* ---------------------------------------------------- the vocabulary
   Each backend defines, for the template's element type LINLOSS_I_T:
     LINLOSS_I_V, LINLOSS_I_M      vector and mask types, LINLOSS_I_W lanes
     linloss_i_vzero() vset1(x) vload(p) vstore(p, v)      (unaligned)
     linloss_i_vadd vsub vmul vdiv(a, b), vfma(a, b, c) = a * b + c
     linloss_i_vmax(a, b)         either operand when one is NaN
     linloss_i_vrelu(a)           max(0, a), NaN stays NaN
     linloss_i_vabs(a)
     linloss_i_vgt(a, b) veq(a, b) visnan(a) -> mask;  vsel(m, a, b) = m ? a : b
     linloss_i_vhsum(v) vhmax(v)  -> LINLOSS_I_T (vhmax: any lane if NaN)
     linloss_i_vexp(a)            exp, see the accuracy notes of each backend
     linloss_i_vlog1p(a)          log(1 + a) for a in [0, 1]
     linloss_i_vlog(a)            log a for a in [2^-120, 2^120]
   and may define
     linloss_i_vmaskbits(m)       the lanes of a mask as the low W bits of an
                                  unsigned (lane i: bit i)
   The kernels in the template are written once against these. */


#if LINLOSS_BACKEND != LINLOSS_BACKEND_SCALAR
/* Per-type tokens of the vector backends. */
#define LINLOSS_I_W LINLOSS_I_FN(LINLOSS_I_W_)
#define LINLOSS_I_V LINLOSS_I_FN(linloss_i_v_)
#define LINLOSS_I_MANT LINLOSS_I_FN(LINLOSS_I_MANT_) /* mantissa bits */
#define LINLOSS_I_MANT_f32 23
#define LINLOSS_I_MANT_f64 52
/* linloss_i_vexp and linloss_i_vlog1p (in the template) are written once
   against the vocabulary; they need two more words:
     linloss_i_vround(a)      to nearest, ties to even
     linloss_i_vmin(a, b)     like vmax
     linloss_i_vshl_mant(a)   a's bit pattern shifted left by LINLOSS_I_MANT
     linloss_i_vshr_mant(a)   2^MANT + a's bit pattern shifted right by MANT
                              (for a >= 0: 2^MANT + the biased exponent)
   and may define linloss_i_vldexp(p, n), p 2^n for integral n rounded once
   (else vexp applies 2^n in two halves). */
#define linloss_i_vexp LINLOSS_I_FN(linloss_i_vexp_)
#define linloss_i_vlog1p LINLOSS_I_FN(linloss_i_vlog1p_)
#define linloss_i_vlog LINLOSS_I_FN(linloss_i_vlog_)
#endif

#if LINLOSS_BACKEND == LINLOSS_BACKEND_AVX2 || LINLOSS_BACKEND == LINLOSS_BACKEND_SIMDE
/* AVX2+FMA, natively or through SIMDe's prefixed API (simde_mm256_*), which
   maps to native instructions where it can and emulates them elsewhere. One
   block serves both: LINLOSS_I_X names an intrinsic, LINLOSS_I_XC a constant. */
#if LINLOSS_BACKEND == LINLOSS_BACKEND_AVX2
#include <immintrin.h>
#define LINLOSS_I_X(op) LINLOSS_I_CAT(_mm256_, op)
#define LINLOSS_I_XC(c) LINLOSS_I_CAT(_, c)
#define LINLOSS_I_Q(op) LINLOSS_I_CAT(_mm_, op) /* 128-bit halves */
typedef __m256 linloss_i_v_f32;
typedef __m256d linloss_i_v_f64;
typedef __m128 linloss_i_q_f32;
typedef __m128d linloss_i_q_f64;
#else
#include <simde/x86/avx2.h>
#include <simde/x86/fma.h>
#define LINLOSS_I_X(op) LINLOSS_I_CAT(simde_mm256_, op)
#define LINLOSS_I_XC(c) LINLOSS_I_CAT(SIMDE_, c)
#define LINLOSS_I_Q(op) LINLOSS_I_CAT(simde_mm_, op)
typedef simde__m256 linloss_i_v_f32;
typedef simde__m256d linloss_i_v_f64;
typedef simde__m128 linloss_i_q_f32;
typedef simde__m128d linloss_i_q_f64;
#endif
#define LINLOSS_I_W_f32 8
#define LINLOSS_I_W_f64 4
#define LINLOSS_I_M LINLOSS_I_V
#define LINLOSS_I_P LINLOSS_I_FN(LINLOSS_I_P_)
#define LINLOSS_I_P_f32 ps
#define LINLOSS_I_P_f64 pd
#define LINLOSS_I_EPI LINLOSS_I_FN(LINLOSS_I_EPI_)
#define LINLOSS_I_EPI_f32 epi32
#define LINLOSS_I_EPI_f64 epi64
#define LINLOSS_I_XP(op) LINLOSS_I_X(LINLOSS_I_CAT(op, LINLOSS_I_P)) /* add_ -> _mm256_add_ps */
#define linloss_i_vzero() LINLOSS_I_XP(setzero_)()
#define linloss_i_vset1(x) LINLOSS_I_XP(set1_)((LINLOSS_I_T)(x))
#define linloss_i_vload(p) LINLOSS_I_XP(loadu_)(p)
#define linloss_i_vstore(p, v) LINLOSS_I_XP(storeu_)(p, v)
#define linloss_i_vadd(a, b) LINLOSS_I_XP(add_)(a, b)
#define linloss_i_vsub(a, b) LINLOSS_I_XP(sub_)(a, b)
#define linloss_i_vmul(a, b) LINLOSS_I_XP(mul_)(a, b)
#define linloss_i_vdiv(a, b) LINLOSS_I_XP(div_)(a, b)
#define linloss_i_vfma(a, b, c) LINLOSS_I_XP(fmadd_)(a, b, c)
#define linloss_i_vmax(a, b) LINLOSS_I_XP(max_)(a, b) /* b when either is NaN */
#define linloss_i_vmin(a, b) LINLOSS_I_XP(min_)(a, b)
#define linloss_i_vrelu(a) LINLOSS_I_XP(max_)(linloss_i_vzero(), a)
#define linloss_i_vabs(a) LINLOSS_I_XP(andnot_)(linloss_i_vset1(-0.0), a)
#define linloss_i_vgt(a, b) LINLOSS_I_XP(cmp_)(a, b, LINLOSS_I_XC(CMP_GT_OQ))
#define linloss_i_veq(a, b) LINLOSS_I_XP(cmp_)(a, b, LINLOSS_I_XC(CMP_EQ_OQ))
#define linloss_i_visnan(a) LINLOSS_I_XP(cmp_)(a, a, LINLOSS_I_XC(CMP_UNORD_Q))
#define linloss_i_vsel(m, a, b) LINLOSS_I_XP(blendv_)(b, a, m)
#define linloss_i_vmaskbits(m) ((unsigned)LINLOSS_I_XP(movemask_)(m))
#define linloss_i_vround(a) \
  LINLOSS_I_XP(round_)(a, LINLOSS_I_XC(MM_FROUND_TO_NEAREST_INT) | LINLOSS_I_XC(MM_FROUND_NO_EXC))
#define linloss_i_vshl_mant(a)                                                      \
  LINLOSS_I_XP(castsi256_)(LINLOSS_I_X(LINLOSS_I_CAT(slli_, LINLOSS_I_EPI))(           \
      LINLOSS_I_X(LINLOSS_I_CAT(LINLOSS_I_CAT(cast, LINLOSS_I_P), _si256))(a), LINLOSS_I_MANT))
#define linloss_i_vshr_mant(a)                                                                  \
  LINLOSS_I_XP(or_)(LINLOSS_I_XP(castsi256_)(LINLOSS_I_X(LINLOSS_I_CAT(srli_, LINLOSS_I_EPI))(      \
                        LINLOSS_I_X(LINLOSS_I_CAT(LINLOSS_I_CAT(cast, LINLOSS_I_P), _si256))(a), LINLOSS_I_MANT)), \
                    linloss_i_vset1(LINLOSS_I_FN(LINLOSS_I_POW2_MANT_)))
/* Horizontal sums and maxima (op add or max): the two halves combined,
   then within the half. (The maxima went through memory, a loop of
   compares: the softmax at C = 100 spent 6 % of its instructions there.) */
#define LINLOSS_I_HREDUCE(name, op)                                                                        \
  LINLOSS_I_INLINE float name##_f32(linloss_i_v_f32 v) {                                                  \
    linloss_i_q_f32 h = LINLOSS_I_Q(op##_ps)(LINLOSS_I_X(castps256_ps128)(v), LINLOSS_I_X(extractf128_ps)(v, 1)); \
    h = LINLOSS_I_Q(op##_ps)(h, LINLOSS_I_Q(movehl_ps)(h, h));                                            \
    return LINLOSS_I_Q(cvtss_f32)(LINLOSS_I_Q(op##_ss)(h, LINLOSS_I_Q(movehdup_ps)(h)));                  \
  }                                                                                                       \
  LINLOSS_I_INLINE double name##_f64(linloss_i_v_f64 v) {                                                 \
    linloss_i_q_f64 h = LINLOSS_I_Q(op##_pd)(LINLOSS_I_X(castpd256_pd128)(v), LINLOSS_I_X(extractf128_pd)(v, 1)); \
    return LINLOSS_I_Q(cvtsd_f64)(LINLOSS_I_Q(op##_sd)(h, LINLOSS_I_Q(unpackhi_pd)(h, h)));               \
  }
#define linloss_i_vhsum LINLOSS_I_FN(linloss_i_vhsum_)
#define linloss_i_vhmax LINLOSS_I_FN(linloss_i_vhmax_)
LINLOSS_I_HREDUCE(linloss_i_vhsum, add)
LINLOSS_I_HREDUCE(linloss_i_vhmax, max)
/* A W x W block in registers transposed: v[i] (row i) becomes column i. */
#define linloss_i_vtranspose LINLOSS_I_FN(linloss_i_vtranspose_)
LINLOSS_I_INLINE void linloss_i_vtranspose_f32(linloss_i_v_f32 *v) {
  linloss_i_v_f32 t[8], u[8];
  int i;
  LINLOSS_I_UNROLL
  for (i = 0; i < 4; i++) { /* rows 2i, 2i+1 interleaved: columns 0 1 | 4 5 and 2 3 | 6 7 */
    t[2 * i] = LINLOSS_I_X(unpacklo_ps)(v[2 * i], v[2 * i + 1]);
    t[2 * i + 1] = LINLOSS_I_X(unpackhi_ps)(v[2 * i], v[2 * i + 1]);
  }
  LINLOSS_I_UNROLL
  for (i = 0; i < 2; i++) { /* rows 4i..4i+3 of each column, per half */
    u[4 * i] = LINLOSS_I_X(shuffle_ps)(t[4 * i], t[4 * i + 2], 0x44);
    u[4 * i + 1] = LINLOSS_I_X(shuffle_ps)(t[4 * i], t[4 * i + 2], 0xEE);
    u[4 * i + 2] = LINLOSS_I_X(shuffle_ps)(t[4 * i + 1], t[4 * i + 3], 0x44);
    u[4 * i + 3] = LINLOSS_I_X(shuffle_ps)(t[4 * i + 1], t[4 * i + 3], 0xEE);
  }
  LINLOSS_I_UNROLL
  for (i = 0; i < 4; i++) { /* the halves joined: columns i and i + 4 */
    v[i] = LINLOSS_I_X(permute2f128_ps)(u[i], u[4 + i], 0x20);
    v[i + 4] = LINLOSS_I_X(permute2f128_ps)(u[i], u[4 + i], 0x31);
  }
}
LINLOSS_I_INLINE void linloss_i_vtranspose_f64(linloss_i_v_f64 *v) {
  const linloss_i_v_f64 t0 = LINLOSS_I_X(unpacklo_pd)(v[0], v[1]), t1 = LINLOSS_I_X(unpackhi_pd)(v[0], v[1]);
  const linloss_i_v_f64 t2 = LINLOSS_I_X(unpacklo_pd)(v[2], v[3]), t3 = LINLOSS_I_X(unpackhi_pd)(v[2], v[3]);
  v[0] = LINLOSS_I_X(permute2f128_pd)(t0, t2, 0x20);
  v[1] = LINLOSS_I_X(permute2f128_pd)(t1, t3, 0x20);
  v[2] = LINLOSS_I_X(permute2f128_pd)(t0, t2, 0x31);
  v[3] = LINLOSS_I_X(permute2f128_pd)(t1, t3, 0x31);
}
/* Partial loads and stores: lanes below k, loads by masked moves, stores by
   pieces; neither touches memory in the other lanes. Not for SIMDe, whose
   emulated masked loads read whole vectors: it takes the generic copies
   through a buffer. */
#if LINLOSS_BACKEND == LINLOSS_BACKEND_AVX2
#define linloss_i_vload_n LINLOSS_I_FN(linloss_i_vload_n_)
#define linloss_i_vstore_n LINLOSS_I_FN(linloss_i_vstore_n_)
#define LINLOSS_I_XMASK_f32(k) \
  LINLOSS_I_X(cmpgt_epi32)(LINLOSS_I_X(set1_epi32)((int)(k)), LINLOSS_I_X(setr_epi32)(0, 1, 2, 3, 4, 5, 6, 7))
#define LINLOSS_I_XMASK_f64(k) \
  LINLOSS_I_X(cmpgt_epi64)(LINLOSS_I_X(set1_epi64x)((long long)(k)), LINLOSS_I_X(setr_epi64x)(0, 1, 2, 3))
LINLOSS_I_INLINE linloss_i_v_f32 linloss_i_vload_n_f32(const float *p, size_t k, float fill) {
  if (k >= 8) return LINLOSS_I_X(loadu_ps)(p); /* the common case, and masked moves are slow */
  return LINLOSS_I_X(blendv_ps)(LINLOSS_I_X(set1_ps)(fill), LINLOSS_I_X(maskload_ps)(p, LINLOSS_I_XMASK_f32(k)),
                               LINLOSS_I_X(castsi256_ps)(LINLOSS_I_XMASK_f32(k)));
}
LINLOSS_I_INLINE linloss_i_v_f64 linloss_i_vload_n_f64(const double *p, size_t k, double fill) {
  if (k >= 4) return LINLOSS_I_X(loadu_pd)(p);
  return LINLOSS_I_X(blendv_pd)(LINLOSS_I_X(set1_pd)(fill), LINLOSS_I_X(maskload_pd)(p, LINLOSS_I_XMASK_f64(k)),
                               LINLOSS_I_X(castsi256_pd)(LINLOSS_I_XMASK_f64(k)));
}
/* The stores by pieces of 16, 8 and 4 bytes (the lanes below k of either
   type): a masked store (vmaskmov) takes about 9 cycles on AMD's Zen 4,
   and every tile edge and row tail has one (the 64 x 65 x 10 shape 1.12x
   faster). bytes < 32. */
LINLOSS_I_INLINE void linloss_i_xstore_bytes(void *p, __m256i v, size_t bytes) {
  unsigned char *b = (unsigned char *)p;
  __m128i h = LINLOSS_I_X(castsi256_si128)(v);
  if (bytes & 16) {
    LINLOSS_I_Q(storeu_si128)((__m128i *)(void *)b, h);
    h = LINLOSS_I_X(extracti128_si256)(v, 1);
    b += 16;
  }
  if (bytes & 8) {
    LINLOSS_I_Q(storel_epi64)((__m128i *)(void *)b, h);
    h = LINLOSS_I_Q(unpackhi_epi64)(h, h);
    b += 8;
  }
  if (bytes & 4) LINLOSS_I_Q(store_ss)((float *)(void *)b, LINLOSS_I_Q(castsi128_ps)(h));
}
LINLOSS_I_INLINE void linloss_i_vstore_n_f32(float *p, linloss_i_v_f32 v, size_t k) {
  if (k >= 8) LINLOSS_I_X(storeu_ps)(p, v);
  else linloss_i_xstore_bytes(p, LINLOSS_I_X(castps_si256)(v), k * sizeof(float));
}
LINLOSS_I_INLINE void linloss_i_vstore_n_f64(double *p, linloss_i_v_f64 v, size_t k) {
  if (k >= 4) LINLOSS_I_X(storeu_pd)(p, v);
  else linloss_i_xstore_bytes(p, LINLOSS_I_X(castpd_si256)(v), k * sizeof(double));
}
#endif /* AVX2 */

#elif LINLOSS_BACKEND == LINLOSS_BACKEND_AVX512
#include <immintrin.h>
typedef __m512 linloss_i_v_f32;
typedef __m512d linloss_i_v_f64;
typedef __mmask16 linloss_i_m_f32;
typedef __mmask8 linloss_i_m_f64;
#define LINLOSS_I_W_f32 16
#define LINLOSS_I_W_f64 8
#define LINLOSS_I_M LINLOSS_I_FN(linloss_i_m_)
#define LINLOSS_I_P LINLOSS_I_FN(LINLOSS_I_P_)
#define LINLOSS_I_P_f32 ps
#define LINLOSS_I_P_f64 pd
#define LINLOSS_I_EPI LINLOSS_I_FN(LINLOSS_I_EPI_)
#define LINLOSS_I_EPI_f32 epi32
#define LINLOSS_I_EPI_f64 epi64
#define LINLOSS_I_ZP(op) LINLOSS_I_CAT(_mm512_, LINLOSS_I_CAT(op, LINLOSS_I_P)) /* add_ -> _mm512_add_ps */
#define linloss_i_vzero() LINLOSS_I_ZP(setzero_)()
#define linloss_i_vset1(x) LINLOSS_I_ZP(set1_)((LINLOSS_I_T)(x))
#define linloss_i_vload(p) LINLOSS_I_ZP(loadu_)(p)
#define linloss_i_vstore(p, v) LINLOSS_I_ZP(storeu_)(p, v)
#define linloss_i_vadd(a, b) LINLOSS_I_ZP(add_)(a, b)
#define linloss_i_vsub(a, b) LINLOSS_I_ZP(sub_)(a, b)
#define linloss_i_vmul(a, b) LINLOSS_I_ZP(mul_)(a, b)
#define linloss_i_vdiv(a, b) LINLOSS_I_ZP(div_)(a, b)
#define linloss_i_vfma(a, b, c) LINLOSS_I_ZP(fmadd_)(a, b, c)
#define linloss_i_vmax(a, b) LINLOSS_I_ZP(max_)(a, b) /* b when either is NaN */
#define linloss_i_vmin(a, b) LINLOSS_I_ZP(min_)(a, b)
#define linloss_i_vrelu(a) LINLOSS_I_ZP(max_)(linloss_i_vzero(), a)
#define linloss_i_vabs(a) LINLOSS_I_ZP(abs_)(a)
#define linloss_i_vgt(a, b) LINLOSS_I_CAT(LINLOSS_I_ZP(cmp_), _mask)(a, b, _CMP_GT_OQ)
#define linloss_i_veq(a, b) LINLOSS_I_CAT(LINLOSS_I_ZP(cmp_), _mask)(a, b, _CMP_EQ_OQ)
#define linloss_i_visnan(a) LINLOSS_I_CAT(LINLOSS_I_ZP(cmp_), _mask)(a, a, _CMP_UNORD_Q)
#define linloss_i_vsel(m, a, b) LINLOSS_I_ZP(mask_blend_)(m, b, a)
#define linloss_i_vmaskbits(m) ((unsigned)(m))
#define linloss_i_vhsum(v) LINLOSS_I_ZP(reduce_add_)(v)
#define linloss_i_vhmax(v) LINLOSS_I_ZP(reduce_max_)(v)
#define linloss_i_vround(a) LINLOSS_I_ZP(roundscale_)(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define linloss_i_vldexp(p, n) LINLOSS_I_ZP(scalef_)(p, n)
#define linloss_i_vshl_mant(a)                                                       \
  LINLOSS_I_ZP(castsi512_)(LINLOSS_I_CAT(_mm512_slli_, LINLOSS_I_EPI)(                 \
      LINLOSS_I_CAT(_mm512_cast, LINLOSS_I_CAT(LINLOSS_I_P, _si512))(a), LINLOSS_I_MANT))
#define LINLOSS_I_ZBITS(a) LINLOSS_I_CAT(_mm512_cast, LINLOSS_I_CAT(LINLOSS_I_P, _si512))(a)
#define linloss_i_vshr_mant(a)                                                                    \
  LINLOSS_I_ZP(castsi512_)(_mm512_or_si512(LINLOSS_I_CAT(_mm512_srli_, LINLOSS_I_EPI)(LINLOSS_I_ZBITS(a), LINLOSS_I_MANT), \
                                           LINLOSS_I_ZBITS(linloss_i_vset1(LINLOSS_I_FN(LINLOSS_I_POW2_MANT_)))))
/* Partial loads and stores: lanes below k, masked (no access to the others). */
#define linloss_i_vload_n(p, k, fill)                         \
  ((k) >= LINLOSS_I_W ? LINLOSS_I_ZP(loadu_)(p) /* the common case */ \
                      : LINLOSS_I_ZP(mask_loadu_)(linloss_i_vset1(fill), (LINLOSS_I_M)((1u << (k)) - 1), p))
#define linloss_i_vstore_n(p, v, k)                                             \
  ((k) >= LINLOSS_I_W ? LINLOSS_I_ZP(storeu_)(p, v)                             \
                      : LINLOSS_I_ZP(mask_storeu_)(p, (LINLOSS_I_M)((1u << (k)) - 1), v))

/* A W x W block in registers transposed (v[i], row i, becomes column i):
   a[4], each four 128-bit quarters, transposed by quarters (f32x4 / f64x2
   shuffles): a[q] quarter i becomes a[i] quarter q. */
#define linloss_i_vtranspose LINLOSS_I_FN(linloss_i_vtranspose_)
#if defined(__GNUC__) && !defined(__clang__) && defined(__cplusplus) && __GNUC__ < 13
/* g++ 12: the deliberately uninitialized _mm512_undefined_*() inside its
   own unpack and shuffle intrinsics (GCC bug 105593), as for the kernels */
#define LINLOSS_I_GCC_DIAG_Z
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#define LINLOSS_I_ZQUARTERS(type, sh, a)                                                         \
  do {                                                                                           \
    const type b0 = sh(a[0], a[1], 0x44), b1 = sh(a[0], a[1], 0xEE), b2 = sh(a[2], a[3], 0x44), \
               b3 = sh(a[2], a[3], 0xEE);                                                        \
    a[0] = sh(b0, b2, 0x88), a[1] = sh(b0, b2, 0xDD), a[2] = sh(b1, b3, 0x88);                   \
    a[3] = sh(b1, b3, 0xDD);                                                                     \
  } while (0)
LINLOSS_I_INLINE void linloss_i_vtranspose_f32(linloss_i_v_f32 *v) {
  linloss_i_v_f32 t[16], a[4];
  int i, q;
  LINLOSS_I_UNROLL
  for (i = 0; i < 8; i++) { /* rows 2i, 2i+1 interleaved, per quarter: columns 4L, 4L+1 and 4L+2, 4L+3 */
    t[2 * i] = _mm512_unpacklo_ps(v[2 * i], v[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(v[2 * i], v[2 * i + 1]);
  }
  LINLOSS_I_UNROLL
  for (i = 0; i < 4; i++) { /* u[4i + q], quarter L: column 4L + q, rows 4i..4i+3 */
    v[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
    v[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
    v[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
    v[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
  }
  LINLOSS_I_UNROLL
  for (q = 0; q < 4; q++) { /* column 4L + q: quarter L of u[q], u[4 + q], u[8 + q], u[12 + q] */
    LINLOSS_I_UNROLL
    for (i = 0; i < 4; i++) a[i] = v[4 * i + q];
    LINLOSS_I_ZQUARTERS(__m512, _mm512_shuffle_f32x4, a);
    LINLOSS_I_UNROLL
    for (i = 0; i < 4; i++) t[4 * i + q] = a[i];
  }
  LINLOSS_I_UNROLL
  for (i = 0; i < 16; i++) v[i] = t[i];
}
LINLOSS_I_INLINE void linloss_i_vtranspose_f64(linloss_i_v_f64 *v) {
  linloss_i_v_f64 t[8], a[4];
  int i, q;
  LINLOSS_I_UNROLL
  for (i = 0; i < 4; i++) { /* per quarter L: column 2L (lo) and 2L + 1 (hi) of rows 2i, 2i+1 */
    t[2 * i] = _mm512_unpacklo_pd(v[2 * i], v[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_pd(v[2 * i], v[2 * i + 1]);
  }
  LINLOSS_I_UNROLL
  for (q = 0; q < 2; q++) {
    LINLOSS_I_UNROLL
    for (i = 0; i < 4; i++) a[i] = t[2 * i + q];
    LINLOSS_I_ZQUARTERS(__m512d, _mm512_shuffle_f64x2, a);
    LINLOSS_I_UNROLL
    for (i = 0; i < 4; i++) v[2 * i + q] = a[i];
  }
}
#ifdef LINLOSS_I_GCC_DIAG_Z
#pragma GCC diagnostic pop
#undef LINLOSS_I_GCC_DIAG_Z
#endif

#elif LINLOSS_BACKEND == LINLOSS_BACKEND_NEON
#include <arm_neon.h>
typedef float32x4_t linloss_i_v_f32;
typedef float64x2_t linloss_i_v_f64;
typedef uint32x4_t linloss_i_m_f32;
typedef uint64x2_t linloss_i_m_f64;
#define LINLOSS_I_W_f32 4
#define LINLOSS_I_W_f64 2
#define LINLOSS_I_M LINLOSS_I_FN(linloss_i_m_)
#define LINLOSS_I_NQ(op) LINLOSS_I_CAT(op, LINLOSS_I_TS) /* vaddq_ -> vaddq_f32 */
#define linloss_i_vzero() LINLOSS_I_NQ(vdupq_n_)(0)
#define linloss_i_vset1(x) LINLOSS_I_NQ(vdupq_n_)((LINLOSS_I_T)(x))
#define linloss_i_vload(p) LINLOSS_I_NQ(vld1q_)(p)
#define linloss_i_vstore(p, v) LINLOSS_I_NQ(vst1q_)(p, v)
#define linloss_i_vadd(a, b) LINLOSS_I_NQ(vaddq_)(a, b)
#define linloss_i_vsub(a, b) LINLOSS_I_NQ(vsubq_)(a, b)
#define linloss_i_vmul(a, b) LINLOSS_I_NQ(vmulq_)(a, b)
#define linloss_i_vdiv(a, b) LINLOSS_I_NQ(vdivq_)(a, b)
#define linloss_i_vfma(a, b, c) LINLOSS_I_NQ(vfmaq_)(c, a, b)
#define linloss_i_vmax(a, b) LINLOSS_I_NQ(vmaxq_)(a, b) /* NaN when either is NaN */
#define linloss_i_vmin(a, b) LINLOSS_I_NQ(vminq_)(a, b)
#define linloss_i_vrelu(a) LINLOSS_I_NQ(vmaxq_)(linloss_i_vzero(), a)
#define linloss_i_vabs(a) LINLOSS_I_NQ(vabsq_)(a)
#define linloss_i_vgt(a, b) LINLOSS_I_NQ(vcgtq_)(a, b)
#define linloss_i_veq(a, b) LINLOSS_I_NQ(vceqq_)(a, b)
#define linloss_i_visnan(a) LINLOSS_I_NQ(linloss_i_visnan_)(a)
#define linloss_i_vsel(m, a, b) LINLOSS_I_NQ(vbslq_)(m, a, b)
#define linloss_i_vhsum(v) LINLOSS_I_NQ(vaddvq_)(v)
#define linloss_i_vhmax(v) LINLOSS_I_NQ(vmaxvq_)(v)
#define linloss_i_vround(a) LINLOSS_I_NQ(vrndnq_)(a)
#define linloss_i_vshl_mant(a) LINLOSS_I_NQ(linloss_i_vshl_mant_)(a)
#define linloss_i_vshr_mant(a) LINLOSS_I_NQ(linloss_i_vshr_mant_)(a)
static inline uint32x4_t linloss_i_visnan_f32(float32x4_t a) { return vmvnq_u32(vceqq_f32(a, a)); }
static inline uint64x2_t linloss_i_visnan_f64(float64x2_t a) {
  return vreinterpretq_u64_u32(vmvnq_u32(vreinterpretq_u32_u64(vceqq_f64(a, a))));
}
static inline float32x4_t linloss_i_vshl_mant_f32(float32x4_t a) {
  return vreinterpretq_f32_u32(vshlq_n_u32(vreinterpretq_u32_f32(a), 23));
}
static inline float64x2_t linloss_i_vshl_mant_f64(float64x2_t a) {
  return vreinterpretq_f64_u64(vshlq_n_u64(vreinterpretq_u64_f64(a), 52));
}
static inline float32x4_t linloss_i_vshr_mant_f32(float32x4_t a) {
  return vreinterpretq_f32_u32(vorrq_u32(vshrq_n_u32(vreinterpretq_u32_f32(a), 23), vdupq_n_u32(0x4b000000u)));
}
static inline float64x2_t linloss_i_vshr_mant_f64(float64x2_t a) {
  return vreinterpretq_f64_u64(
      vorrq_u64(vshrq_n_u64(vreinterpretq_u64_f64(a), 52), vdupq_n_u64(0x4330000000000000ull)));
}

#elif LINLOSS_BACKEND == LINLOSS_BACKEND_SCALAR
/* Plain C: a "vector" of one element, libm's exp and log1p. */
#define LINLOSS_I_W 1
#define LINLOSS_I_V LINLOSS_I_T
#define LINLOSS_I_M int
#define linloss_i_vzero() ((LINLOSS_I_T)0)
#define linloss_i_vset1(x) ((LINLOSS_I_T)(x))
#define linloss_i_vload(p) (*(p))
#define linloss_i_vstore(p, v) (*(p) = (v))
#define linloss_i_vadd(a, b) ((a) + (b))
#define linloss_i_vsub(a, b) ((a) - (b))
#define linloss_i_vmul(a, b) ((a) * (b))
#define linloss_i_vdiv(a, b) ((a) / (b))
#define linloss_i_vfma(a, b, c) ((a) * (b) + (c))
#define linloss_i_vmax(a, b) ((a) > (b) ? (a) : (b))
#define linloss_i_vrelu(a) (!((a) <= 0) ? (a) : (LINLOSS_I_T)0)
#define linloss_i_vabs(a) ((a) < 0 ? -(a) : (a))
#define linloss_i_vgt(a, b) ((a) > (b))
#define linloss_i_veq(a, b) ((a) == (b))
#define linloss_i_visnan(a) ((a) != (a))
#define linloss_i_vsel(m, a, b) ((m) ? (a) : (b))
#define linloss_i_vhsum(v) (v)
#define linloss_i_vhmax(v) (v)
#define linloss_i_vexp(a) LINLOSS_I_FN(linloss_i_exp_)(a)
#define linloss_i_vlog1p(a) LINLOSS_I_FN(linloss_i_log1p_)(a)
#define linloss_i_vlog(a) LINLOSS_I_FN(linloss_i_log_)(a)
static inline float linloss_i_exp_f32(float x) { return expf(x); }
static inline float linloss_i_log_f32(float x) { return logf(x); }
static inline double linloss_i_log_f64(double x) { return log(x); }
static inline double linloss_i_exp_f64(double x) { return exp(x); }
static inline float linloss_i_log1p_f32(float x) { return log1pf(x); }
static inline double linloss_i_log1p_f64(double x) { return log1p(x); }
#endif


/* Horizontal sums and maxima through memory, where the backend has no
   instruction for them. */
#ifndef linloss_i_vhsum
#define linloss_i_vhsum LINLOSS_I_FN(linloss_i_vhsum_)
#define LINLOSS_I_GENERIC_HSUM
#endif
#ifndef linloss_i_vhmax
#define linloss_i_vhmax LINLOSS_I_FN(linloss_i_vhmax_)
#define LINLOSS_I_GENERIC_HMAX
#endif
#ifndef linloss_i_vtranspose /* a W x W block transposed, through memory */
#define linloss_i_vtranspose LINLOSS_I_FN(linloss_i_vtranspose_)
#define LINLOSS_I_GENERIC_TRANSPOSE
#endif

/* exp(x) = 2^n e^r, n = round(x / ln 2), r = x - n ln 2 (two-part ln 2), e^r
   by a polynomial on |r| <= ln2 / 2: for f32 of degree 6, 1 + r + c2 r^2 + ..
   + c6 r^6 with float coefficients fitted for the least largest relative
   error (0.053 ulp of float over the interval; each coefficient rounded to
   float in turn, the later ones fitted again: scripts/fit_exp_poly.py), for
   f64 the Taylor polynomial to degree 13; 2^n applied in one step where the
   backend has an instruction for it (AVX-512's scalef), else in two halves,
   so that results down to the smallest denormal are rounded once. x is
   clamped first: exp gives +0 below -104 (f32) / -746 (f64) and -inf, +inf
   above 89 / 710, NaN for NaN. */
#if LINLOSS_BACKEND != LINLOSS_BACKEND_SCALAR
static const float linloss_i_exp_poly_f32[7] = {1.0f, 1.0f, 0.4999999403953552f, 0.1666652113199234f,
                                                 0.041668277233839035f, 0.008368692360818386f,
                                                 0.0013819965533912182f};
static const double linloss_i_exp_poly_f64[14] = {
    1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
    1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0};
#endif
#define LINLOSS_I_EXP_DEGREE_f32 6
#define LINLOSS_I_EXP_DEGREE_f64 13
#define LINLOSS_I_EXP_LO_f32 -104.0
#define LINLOSS_I_EXP_LO_f64 -746.0
#define LINLOSS_I_EXP_HI_f32 89.0
#define LINLOSS_I_EXP_HI_f64 710.0
#define LINLOSS_I_LN2_HI_f32 0.693359375
#define LINLOSS_I_LN2_LO_f32 -2.12194440e-4
#define LINLOSS_I_LN2_HI_f64 6.93145751953125e-1
#define LINLOSS_I_LN2_LO_f64 1.42860682030941723212e-6
#define LINLOSS_I_MAX_f32 FLT_MAX /* the largest finite values, and 2^EMAX > them / 2 */
#define LINLOSS_I_MAX_f64 DBL_MAX
#define LINLOSS_I_EMAX_f32 127
#define LINLOSS_I_EMAX_f64 1023
#define LINLOSS_I_TRUE_MIN_f32 1.40129846432481707e-45 /* the smallest denormals */
#define LINLOSS_I_TRUE_MIN_f64 4.9406564584124654e-324
/* 2^MANT + the exponent bias: n + this has n + bias in its low bits */
#define LINLOSS_I_POW2_MAGIC_f32 8388735.0          /* 2^23 + 127  */
#define LINLOSS_I_POW2_MAGIC_f64 4503599627371519.0 /* 2^52 + 1023 */
#define LINLOSS_I_POW2_MANT_f32 8388608.0            /* 2^23 */
#define LINLOSS_I_POW2_MANT_f64 4503599627370496.0   /* 2^52 */
#define LINLOSS_I_SQRT2 1.41421356237309504880
/* log1p(a) on [0, 1]: 2 atanh(f / (2 + f)) with f = a, or ln 2 plus that
   with f = (a - 1) / 2 (exact) when a > 1/2; the odd series in s = f/(2+f),
   |s| <= 0.2, to this many terms after s: */
#define LINLOSS_I_LOG_TERMS_f32 5
#define LINLOSS_I_LOG_TERMS_f64 11

/* LINLOSS_I_INREG(v): keep the vector v in a register. Without it compilers
   fold the loads of a tile's operands into its FMAs, loading each vector once
   per use instead of once: the loads, not the FMAs, then bound the speed. */
#if defined(__GNUC__) && (LINLOSS_BACKEND == LINLOSS_BACKEND_AVX2 || LINLOSS_BACKEND == LINLOSS_BACKEND_AVX512)
#define LINLOSS_I_INREG(v) __asm__("" : "+v"(v))
#elif defined(__GNUC__) && LINLOSS_BACKEND == LINLOSS_BACKEND_NEON
#define LINLOSS_I_INREG(v) __asm__("" : "+w"(v))
#else
#define LINLOSS_I_INREG(v) ((void)0)
#endif
#ifndef LINLOSS_I_L2_BYTES /* a W this size stays in the L2 cache */
#define LINLOSS_I_L2_BYTES 262144
#endif
#ifndef LINLOSS_I_CHUNK_ROWS /* the least rows of a thread's chunk of a fused call */
#define LINLOSS_I_CHUNK_ROWS 256
#endif
#ifndef LINLOSS_I_CHUNK_MACS /* and the least multiply-adds */
#define LINLOSS_I_CHUNK_MACS 262144
#endif
#ifndef LINLOSS_I_XBLOCK_BYTES /* the rows of X of a block, kept in L2 */
#define LINLOSS_I_XBLOCK_BYTES 393216
#endif
#ifndef LINLOSS_I_KC_BYTES /* else D goes in panels of this many bytes of a row */
#define LINLOSS_I_KC_BYTES 4096
#endif
/* The tile functions take their shape as arguments that are constants once
   inlined: they must be inlined for their loops to unroll into registers. */
#if defined(__GNUC__)
#define LINLOSS_I_TILE static inline __attribute__((always_inline))
#define LINLOSS_I_KERNEL static __attribute__((noinline, unused))
#define LINLOSS_I_PREFETCH(p, write) __builtin_prefetch((p), (write), 3)
#else
#define LINLOSS_I_TILE static inline
#define LINLOSS_I_KERNEL static inline
#define LINLOSS_I_PREFETCH(p, write) ((void)(p))
#endif
/* Tile shapes: forward MR rows x NR classes, backward BNR classes x KV
   vectors, outer-product form OMR rows x ONV vectors; at most ACC
   accumulators each, as many as the vector registers allow. */
#if LINLOSS_BACKEND == LINLOSS_BACKEND_AVX512 || LINLOSS_BACKEND == LINLOSS_BACKEND_NEON
#define LINLOSS_I_REGS32 1
#else
#define LINLOSS_I_REGS32 0
#endif
#ifndef LINLOSS_I_MR
#define LINLOSS_I_MR (LINLOSS_I_REGS32 ? 4 : 2)
#endif
#ifndef LINLOSS_I_NR
#define LINLOSS_I_NR 5
#endif
/* The forward of a W in L2 (small, row tiles outer) streams W from L2 for
   every tile of rows: on AVX2 tiles of SMR = 6 rows x SNR = 2 classes, which
   load W a third as often per multiply-add as 2 x 5 (the CIFAR-10 dev batch
   1.04-1.08x, X larger than the caches 1.25x, f64 1.06-1.27x). AVX-512 is
   fastest with its MR x NR there too (6 x 4 and 12 x 2 slower); the others
   keep theirs. */
#ifndef LINLOSS_I_SMR
#define LINLOSS_I_SMR (LINLOSS_BACKEND == LINLOSS_BACKEND_AVX2 ? 6 : LINLOSS_I_MR)
#endif
#ifndef LINLOSS_I_SNR
#define LINLOSS_I_SNR (LINLOSS_BACKEND == LINLOSS_BACKEND_AVX2 ? 2 : LINLOSS_I_NR)
#endif
#ifndef LINLOSS_I_BNR
#define LINLOSS_I_BNR 5
#endif
#ifndef LINLOSS_I_KV
#define LINLOSS_I_KV (LINLOSS_I_REGS32 ? 4 : 2)
#endif
/* AVX-512's backward for BNR < C <= 2 BNR: tiles of 2 BNR classes x ACC /
   (2 BNR) vectors, every class in one, so that X's lanes are read once per
   row, not once per tile of classes (rows of X a multiple of 4 KiB apart
   crowd into a few L1 sets and come from L2 again: see XCOPY below). Paired,
   on the Zen 5: the CIFAR-10 batch 1.10-1.18x, MNIST 1.04x, 4096 x 3073 x
   10 1.05x. */
#ifndef LINLOSS_I_BWIDE
#define LINLOSS_I_BWIDE (LINLOSS_BACKEND == LINLOSS_BACKEND_AVX512)
#endif
#ifndef LINLOSS_I_OMR
#define LINLOSS_I_OMR 6
#endif
#ifndef LINLOSS_I_ONV
#define LINLOSS_I_ONV (LINLOSS_I_REGS32 ? 4 : 2)
#endif
#ifndef LINLOSS_I_ACC
#define LINLOSS_I_ACC (LINLOSS_I_REGS32 ? 24 : 12)
#endif
#define LINLOSS_I_ALIGN (64 / sizeof(LINLOSS_I_T)) /* elements in 64 bytes */
#ifndef LINLOSS_I_COPY_ROWS /* W_CD is copied for at least this many rows */
#define LINLOSS_I_COPY_ROWS 16
#endif
#ifndef LINLOSS_I_SMALL_D /* rows up to this long take the outer-product form */
#define LINLOSS_I_SMALL_D 128
#endif
#ifndef LINLOSS_I_TW /* the outer-product form for a large W_CD too: AVX2 1.12x
                        faster (Zen 4), AVX-512 1.3-1.4x on a Zen 5 (full-rate
                        AVX-512; on the Zen 4, at the AVX2 rate, 4 % slower);
                        NEON, SIMDe, scalar: the same path, not timed */
#define LINLOSS_I_TW 1
#endif
#ifndef LINLOSS_I_OKC /* panels of D in the outer-product form */
#define LINLOSS_I_OKC 256
#endif
/* Rows of X that crowd into few L1 sets (see linloss_i_crowded) go through a
   copy with spread rows, made by the forward, read by the backward, on AVX2
   (and SIMDe): its backward tiles read one line of a row at a time (on the
   CIFAR-10 batch, D = 3073: backward 1.6x faster, forward 10 % slower, the
   call 16 % faster). AVX-512's read four lines: 5 % faster, forward 20 %
   slower. */
#ifndef LINLOSS_I_XCOPY
#define LINLOSS_I_XCOPY (LINLOSS_BACKEND == LINLOSS_BACKEND_AVX2 || LINLOSS_BACKEND == LINLOSS_BACKEND_SIMDE)
#endif

/* ------------------------------------------ shared, type-free helpers */

static inline int linloss_i_finite(double x) { return x == x && x - x == 0; }

/* a * b * e without overflowing size_t */
static inline int linloss_i_size_ok(size_t a, size_t b, size_t e) {
  if (a == 0 || b == 0) return 1;
  if (b > SIZE_MAX / a) return 0;
  return a * b <= SIZE_MAX / e;
}

static inline linloss_options linloss_options_default(void) {
  linloss_options o;
  memset(&o, 0, sizeof o);
  o.delta = 1.0;
  o.reg = 0.0;
  o.w_layout = LINLOSS_W_DC;
  o.reduction = LINLOSS_MEAN;
  o.svm_variant = LINLOSS_SVM_WW;
  o.hinge_power = 1;
  o.ignore_label = LINLOSS_NO_IGNORE;
  o.label_smoothing = 0.0;
  o.class_weight = NULL;
  o.sample_weight = NULL;
  o.sample_loss = NULL;
  o.threads = 0;
  return o;
}

static inline const char *linloss_status_string(linloss_status st) {
  switch (st) {
  case LINLOSS_OK: return "ok";
  case LINLOSS_ERR_NULL: return "a required pointer is NULL";
  case LINLOSS_ERR_SHAPE: return "bad shape: C < 2, D = 0, a stride shorter than its row, or a size overflowing size_t";
  case LINLOSS_ERR_LABEL: return "a label is outside [0, C) and is not the ignore label";
  case LINLOSS_ERR_PARAM: return "an option is out of range (delta, reg, label_smoothing, hinge_power, layout, reduction, variant, threads or a weight)";
  case LINLOSS_ERR_NOMEM: return "the scratch buffer could not be allocated";
  }
  return "unknown linloss_status";
}

static inline const char *linloss_backend_name(void) { return LINLOSS_I_BACKEND_NAME; }

/* The options a call works with: the caller's, or the defaults. */
static inline linloss_options linloss_i_opts(const linloss_options *opt) {
  return opt ? *opt : linloss_options_default();
}

/* Parameters, checked before labels. nclass is C (2 for logistic); n the
   number of samples, for the sample weights. */
static inline linloss_status linloss_i_check_params(const linloss_options *o, size_t n,
                                                   size_t nclass) {
  size_t i;
  if (!linloss_i_finite(o->delta) || o->delta < 0) return LINLOSS_ERR_PARAM;
  if (!linloss_i_finite(o->reg) || o->reg < 0) return LINLOSS_ERR_PARAM;
  if (!(o->label_smoothing >= 0 && o->label_smoothing < 1)) return LINLOSS_ERR_PARAM;
  if (o->hinge_power != 1 && o->hinge_power != 2) return LINLOSS_ERR_PARAM;
  if (o->w_layout != LINLOSS_W_DC && o->w_layout != LINLOSS_W_CD) return LINLOSS_ERR_PARAM;
  if (o->reduction != LINLOSS_MEAN && o->reduction != LINLOSS_SUM) return LINLOSS_ERR_PARAM;
  if (o->svm_variant != LINLOSS_SVM_WW && o->svm_variant != LINLOSS_SVM_CS)
    return LINLOSS_ERR_PARAM;
  if (o->threads < 0) return LINLOSS_ERR_PARAM;
  for (i = 0; o->class_weight && i < nclass; i++)
    if (!linloss_i_finite(o->class_weight[i]) || o->class_weight[i] < 0) return LINLOSS_ERR_PARAM;
  for (i = 0; o->sample_weight && i < n; i++)
    if (!linloss_i_finite(o->sample_weight[i]) || o->sample_weight[i] < 0) return LINLOSS_ERR_PARAM;
  return LINLOSS_OK;
}

/* The set bits of x < 2^32 */
static inline unsigned linloss_i_popcount(uint32_t x) {
#if defined(__GNUC__) && defined(__POPCNT__)
  return (unsigned)__builtin_popcount(x);
#else
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  return (unsigned)((((x + (x >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24);
#endif
}

/* The weight of sample i: 0 for the ignore label. */
static inline double linloss_i_weight(const linloss_options *o, const int32_t *y, size_t i) {
  double w = 1.0;
  if (o->ignore_label != LINLOSS_NO_IGNORE && y[i] == o->ignore_label) return 0.0;
  if (o->class_weight) w = o->class_weight[y[i]];
  if (o->sample_weight) w *= o->sample_weight[i];
  return w;
}

/* Labels y[0..m): adds the ignored ones to *nign, gives 1 if another is
   not a class below nc; no branches, one pass at the speed of the loads. */
LINLOSS_I_INLINE uint32_t linloss_i_check_run(const int32_t *y, size_t m, uint32_t has_ign, int32_t ign,
                                              uint32_t nc, size_t *nign) {
  uint32_t bad = 0, ni = 0;
  size_t k;
  for (k = 0; k < m; k++) {
    const uint32_t ignored = has_ign & (y[k] == ign);
    ni += ignored;
    bad |= (ignored ^ 1) & ((uint32_t)y[k] >= nc);
  }
  *nign += ni;
  return bad;
}

/* Labels, last of the checks; gives the total weight of the batch. */
static inline linloss_status linloss_i_check_labels(const linloss_options *o, size_t n,
                                                   const int32_t *y, size_t nclass,
                                                   double *total) {
  const int32_t ign = o->ignore_label;
  const int has_ign = ign != LINLOSS_NO_IGNORE;
  /* a label y < 0, taken as unsigned, is at least 2^31 >= nc */
  const uint32_t nc = nclass < 0x80000000u ? (uint32_t)nclass : 0x80000000u;
  size_t i, nign = 0;
  uint32_t bad = 0;
  double t = 0;
  for (i = 0; i + 16 <= n; i += 16) /* a constant count: gcc -O2 vectorizes it */
    bad |= linloss_i_check_run(y + i, 16, (uint32_t)has_ign, ign, nc, &nign);
  if (i < n) bad |= linloss_i_check_run(y + i, n - i, (uint32_t)has_ign, ign, nc, &nign); /* y may be NULL when n = 0 */
  if (bad) return LINLOSS_ERR_LABEL;
  if (!o->class_weight && !o->sample_weight) t = (double)(n - nign); /* the sum of the 1s below, exactly */
  else
    for (i = 0; i < n; i++) t += linloss_i_weight(o, y, i);
  *total = t;
  return LINLOSS_OK;
}

enum { LINLOSS_I_KIND_SVM, LINLOSS_I_KIND_SOFTMAX, LINLOSS_I_KIND_LOGISTIC };

/* The rows first .. first+r-1 of weight other than 0, as offsets from first:
   the rows the gradient of W is made of (the others add exactly nothing,
   even when their X holds NaN or infinities). Gives their number. */
static inline size_t linloss_i_active(const linloss_options *o, const int32_t *y, size_t first,
                                     size_t r, size_t *act) {
  size_t i, m = 0;
  for (i = 0; i < r; i++)
    if (linloss_i_weight(o, y, first + i) != 0) act[m++] = i;
  return m;
}

/* Whether the rows of a block (rows of stride ld elements of `size` bytes)
   crowd into few sets of the L1 cache: the lines at the same offset of the
   rows fall into fewer than rows / 4 different sets of 64 (strides near a
   multiple of 4 KiB, such as D = 3072 or 3073 floats, or 1024). Rows
   shorter than a line share lines instead. */
static inline int linloss_i_crowded(size_t rows, size_t ld, size_t size) {
  unsigned char seen[64] = {0};
  size_t i, sets = 0;
  if (ld * size < 64) return 0;
  for (i = 0; i < rows; i++) {
    const size_t s = i * ld * size / 64 % 64;
    if (!seen[s]) seen[s] = 1, sets++;
  }
  return sets * 4 < rows;
}

/* A row stride of at least d elements, a whole number of 64-byte lines, and
   an odd one: consecutive rows start in different sets of the L1 cache. */
static inline size_t linloss_i_spread(size_t d, size_t size) {
  const size_t align = 64 / size, lines = (d + align - 1) / align;
  return (lines | 1) * align;
}

/* How a fused call or predict runs the linear part. The forward takes the
   outer-product form (odc: vectors along C, on W_DC in place, or on a D x C
   copy of a W_CD) for a large W_DC and for short rows (D at most SMALL_D,
   where the dot form would spend its time in horizontal sums); else the dot
   form, on a cache-aligned class-major copy of a small W (copy: stride ldw)
   or on W_CD itself. wlen: elements of scratch for the copy. pack: the
   backward packs its operands (a W larger than L2; see
   linloss_i_backward_dc_, _cd_). */
typedef struct linloss_i_plan {
  int small, odc, copy, pack;
  size_t lanes; /* W when the rows go one per lane throughout (linloss_i_lanes_block_), else 0 */
  size_t ldw, wlen;
} linloss_i_plan;

static inline linloss_i_plan linloss_i_plan_make(int dc, size_t n, size_t d, size_t c, size_t size,
                                                size_t lanes) {
  linloss_i_plan p;
  const size_t align = 64 / size;
  p.small = c * d <= LINLOSS_I_L2_BYTES / size;
  p.odc = n && (dc ? !p.small || d <= LINLOSS_I_SMALL_D : p.small && d <= LINLOSS_I_SMALL_D && n >= LINLOSS_I_COPY_ROWS);
  p.copy = n && !p.odc && p.small && (dc || n >= LINLOSS_I_COPY_ROWS);
  if (c == 1 || lanes) p.odc = p.copy = 0; /* the logistic's w, and W for the lanes: used in place */
  p.pack = !p.small && (dc || c > 2);
  p.lanes = lanes;
  p.ldw = p.copy ? (d + align - 1) / align * align : d;
  p.wlen = p.copy ? c * p.ldw + align : p.odc && !dc ? c * d : 0;
  return p;
}

/* Whether a fused call's rows go one per lane throughout (w: the lanes,
   see linloss_i_lanes_block_): short rows, small C, where the outer-product
   form would leave lanes of its tiles' vectors (1, 2 or ONV) empty. Paired
   against that form: C = 10 1.05-1.23x (64 x 65 and 1000 x 100 rows, AVX2
   and AVX-512), C = 5, 20, 24 1.04-1.43x, AVX-512's C = 8 1.13-1.17x;
   slower where C fills the vectors (C = 8, 16, 32 on AVX2 0.88-0.95x, 16
   and 32 on AVX-512 0.94-0.99x) and for longer rows (D = 160 to 3073,
   0.72-0.93x). Not for the rows whose gradient factor is beyond T's range
   (see linloss_i_rows_). */
static inline int linloss_i_lanes_ok(int kind, size_t d, size_t c, size_t w, const linloss_options *o) {
  const int sm = kind == LINLOSS_I_KIND_SOFTMAX || (kind == LINLOSS_I_KIND_SVM && o->svm_variant == LINLOSS_SVM_WW);
  const size_t tl = c <= w ? w : c <= 2 * w ? 2 * w : LINLOSS_I_ONV * w;
  return w > 1 && sm && d <= LINLOSS_I_SMALL_D && (c <= LINLOSS_SMALL_C || c < w) && c % tl != 0 &&
         !((o->class_weight || o->sample_weight) && o->reduction == LINLOSS_SUM);
}

/* The factor of the weighted sums: 1 (LINLOSS_SUM) or 1 / total (MEAN).
   A total so small that its reciprocal overflows (weights below 1/DBL_MAX)
   is brought up by *pw, a power of two the kernels multiply every weight by
   (exactly): they compute (w pw) / (total pw). */
static inline double linloss_i_scale(const linloss_options *o, double total, double *pw) {
  *pw = 1;
  if (o->reduction == LINLOSS_SUM) return 1.0;
  if (total > 0 && total < 1e-271) *pw = 1.0715086071862673e301; /* 2^1000, exactly */
  return total > 0 ? 1.0 / (total * *pw) : 0.0;
}

/* The softmax with label smoothing sums s_j - m over a row as s_j h - m h,
   with h = 1 / 2^k >= 1 / 2c: the terms and their sum cannot overflow, and a
   power of two scales exactly, so a compiler contracting the multiply and the
   subtraction into one FMA (-ffp-contract=fast) gives the same result. */
static inline double linloss_i_dev_scale(size_t c) {
  double h = 0.5;
  size_t p = 1;
  while (p < c) p <<= 1, h *= 0.5;
  return h;
}

/* Rows per block of a fused call: the scores of a block (rows x c) fit in
   LINLOSS_BLOCK_ELEMS. A W that fits in L2 (see linloss_i_plan_make): at
   most LINLOSS_BLOCK_ROWS / 4 rows, whose X stays in L2. A larger W streams
   from farther once per block, and the block's dW streams back: up to
   LINLOSS_BLOCK_ROWS rows share them (256 rather than 128: the ImageNet
   head 1.05-1.07x faster). */
static inline size_t linloss_i_block_rows(const linloss_i_plan *p, size_t n, size_t d, size_t c, size_t size) {
  const int small = p->small;
  const size_t most = small ? LINLOSS_BLOCK_ROWS / 4 : LINLOSS_BLOCK_ROWS;
  size_t r = LINLOSS_BLOCK_ELEMS / c, rx = LINLOSS_I_XBLOCK_BYTES / (d * size);
  const size_t mr = p->lanes ? p->lanes : small && !p->odc ? LINLOSS_I_SMR : LINLOSS_I_MR;
  if (small && r > rx) r = rx < 4 * mr ? 4 * mr : rx; /* the block's X stays in L2 */
  if (r > most) r = most;
  if (r > n) r = n;
  if (r > mr) r -= r % mr;
  return r ? r : 1;
}

/* Rows per chunk, the unit of work of a thread (see THREADS): fixed by the
   shape alone, never by the number of threads. A fused call (d > 0): whole
   blocks of `rows`, at least LINLOSS_I_CHUNK_ROWS rows, LINLOSS_I_CHUNK_MACS
   multiply-adds and C D / 2048 rows (the partial dW each chunk adds). The
   loss layer (d = 0): LINLOSS_I_CHUNK_ROWS / 4 rows and 2^16 scores. */
static inline size_t linloss_i_chunk_rows(size_t rows, size_t d, size_t c) {
  size_t m, r;
  if (d == 0) {
    m = LINLOSS_I_CHUNK_ROWS / 4 ? LINLOSS_I_CHUNK_ROWS / 4 : 1;
    r = (size_t)LINLOSS_I_CHUNK_MACS / 4 / c;
    return r <= m ? m : (r + m - 1) / m * m;
  }
  m = LINLOSS_I_CHUNK_ROWS;
  if (m < LINLOSS_I_CHUNK_MACS / (d * c)) m = LINLOSS_I_CHUNK_MACS / (d * c);
  if (m < d * c / 2048) m = d * c / 2048;
  return (m + rows - 1) / rows * rows;
}

/* The threads of a call of `jobs` chunks: one without OpenMP, inside a
   parallel region, or for a single chunk; else OpenMP's number, at most
   o->threads (when > 0) and `jobs`. */
static inline size_t linloss_i_threads(const linloss_options *o, size_t jobs) {
#if defined(_OPENMP)
  size_t t;
  if (jobs < 2 || omp_in_parallel()) return 1;
  t = (size_t)omp_get_max_threads();
  if (o->threads > 0 && (size_t)o->threads < t) t = (size_t)o->threads;
  return t < jobs ? t : jobs;
#else
  (void)o, (void)jobs;
  return 1;
#endif
}

/* Lane numbers, for one-lane changes without a trip through memory. */
static const float linloss_i_iota_f32[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const double linloss_i_iota_f64[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

/* Vocabulary built on the backend's: partial loads and stores (k <= W lanes,
   the rest filled; through memory where the backend has no masked moves), and
   one-lane changes. */
#ifndef linloss_i_vload_n
#define linloss_i_vload_n LINLOSS_I_FN(linloss_i_vload_n_)
#define linloss_i_vstore_n LINLOSS_I_FN(linloss_i_vstore_n_)
#define LINLOSS_I_GENERIC_PARTIAL
#endif
#define linloss_i_vput LINLOSS_I_FN(linloss_i_vput_)
#define linloss_i_vkeep LINLOSS_I_FN(linloss_i_vkeep_)

/* The kernels and the entry points, once per element type. */
#if defined(__GNUC__) && !defined(__clang__)
/* gcc's warnings from the kernels inlined into the caller, only for the
   kernels (popped below):
   -Warray-bounds: with the caller's arrays of constant size in view, gcc
     takes the whole-vector path of a partial load or store of k < W lanes
     for possible (it cannot follow that k is at most what is left of a row);
   -Wuninitialized, -Wmaybe-uninitialized, g++ 12 and AVX-512: the
     deliberately uninitialized _mm512_undefined_*() inside gcc's own
     intrinsics (GCC bug 105593). */
#define LINLOSS_I_GCC_DIAG
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#if defined(__cplusplus) && __GNUC__ < 13 && LINLOSS_BACKEND == LINLOSS_BACKEND_AVX512
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif
#define LINLOSS_I_TEMPLATE
#define LINLOSS_I_TS f32
#include LINLOSS_HEADER_FILE
#undef LINLOSS_I_TS
#define LINLOSS_I_TS f64
#include LINLOSS_HEADER_FILE
#undef LINLOSS_I_TS
#undef LINLOSS_I_TEMPLATE
#ifdef LINLOSS_I_GCC_DIAG
#pragma GCC diagnostic pop
#undef LINLOSS_I_GCC_DIAG
#endif

#ifdef __cplusplus
}
#endif
#endif /* LINLOSS_H */

#else /* LINLOSS_I_TEMPLATE ------------------------------------------------------
   The kernels, compiled once for LINLOSS_I_T = float (LINLOSS_I_TS f32) and once
   for double (f64). Every loop runs over chunks of LINLOSS_I_W lanes; the last
   chunk holds k < W lanes and is loaded and stored partially, so nothing past
   a row is read or written. */

#ifdef LINLOSS_I_GENERIC_PARTIAL
LINLOSS_I_INLINE LINLOSS_I_V linloss_i_vload_n(const LINLOSS_I_T *p, size_t k, LINLOSS_I_T fill) {
  LINLOSS_I_T buf[LINLOSS_I_W];
  size_t i;
  if (k == LINLOSS_I_W) return linloss_i_vload(p);
  for (i = 0; i < LINLOSS_I_W; i++) buf[i] = i < k ? p[i] : fill;
  return linloss_i_vload(buf);
}

LINLOSS_I_INLINE void linloss_i_vstore_n(LINLOSS_I_T *p, LINLOSS_I_V v, size_t k) {
  LINLOSS_I_T buf[LINLOSS_I_W];
  if (k == LINLOSS_I_W) {
    linloss_i_vstore(p, v);
    return;
  }
  linloss_i_vstore(buf, v);
  memcpy(p, buf, (k < LINLOSS_I_W ? k : LINLOSS_I_W) * sizeof(LINLOSS_I_T)); /* k <= W: says so to gcc's -Warray-bounds */
}
#endif

/* v with lane i set to x */
LINLOSS_I_INLINE LINLOSS_I_V linloss_i_vput(LINLOSS_I_V v, size_t i, LINLOSS_I_T x) {
  const LINLOSS_I_V iota = linloss_i_vload(LINLOSS_I_FN(linloss_i_iota_));
  return linloss_i_vsel(linloss_i_veq(iota, linloss_i_vset1((LINLOSS_I_T)i)), linloss_i_vset1(x), v);
}

/* The lanes of the vector at q of n elements: min(n - q, W), 0 past n */
static inline size_t LINLOSS_I_FN(linloss_i_lanes_)(size_t n, size_t q) {
  return n > q ? (n - q < LINLOSS_I_W ? n - q : LINLOSS_I_W) : 0;
}

/* v with the lanes from k on set to 0 */
LINLOSS_I_INLINE LINLOSS_I_V linloss_i_vkeep(LINLOSS_I_V v, size_t k) {
  const LINLOSS_I_V iota = linloss_i_vload(LINLOSS_I_FN(linloss_i_iota_));
  if (k >= LINLOSS_I_W) return v;
  return linloss_i_vsel(linloss_i_vgt(linloss_i_vset1((LINLOSS_I_T)k), iota), v, linloss_i_vzero());
}

#ifdef LINLOSS_I_GENERIC_HSUM
LINLOSS_I_INLINE LINLOSS_I_T linloss_i_vhsum(LINLOSS_I_V v) {
  LINLOSS_I_T buf[LINLOSS_I_W], acc = 0;
  size_t i;
  linloss_i_vstore(buf, v);
  for (i = 0; i < LINLOSS_I_W; i++) acc += buf[i];
  return acc;
}
#endif

#ifdef LINLOSS_I_GENERIC_TRANSPOSE
LINLOSS_I_INLINE void linloss_i_vtranspose(LINLOSS_I_V *v) {
  LINLOSS_I_T buf[LINLOSS_I_W * LINLOSS_I_W];
  size_t i, j;
  for (i = 0; i < LINLOSS_I_W; i++) linloss_i_vstore(buf + i * LINLOSS_I_W, v[i]);
  for (i = 0; i < LINLOSS_I_W; i++)
    for (j = 0; j < i; j++) {
      const LINLOSS_I_T t = buf[i * LINLOSS_I_W + j];
      buf[i * LINLOSS_I_W + j] = buf[j * LINLOSS_I_W + i];
      buf[j * LINLOSS_I_W + i] = t;
    }
  for (i = 0; i < LINLOSS_I_W; i++) v[i] = linloss_i_vload(buf + i * LINLOSS_I_W);
}
#endif

#ifdef LINLOSS_I_GENERIC_HMAX
LINLOSS_I_INLINE LINLOSS_I_T linloss_i_vhmax(LINLOSS_I_V v) {
  LINLOSS_I_T buf[LINLOSS_I_W], m;
  size_t i;
  linloss_i_vstore(buf, v);
  for (m = buf[0], i = 1; i < LINLOSS_I_W; i++) m = buf[i] > m || buf[i] != buf[i] ? buf[i] : m;
  return m;
}
#endif

#if LINLOSS_BACKEND != LINLOSS_BACKEND_SCALAR
LINLOSS_I_INLINE LINLOSS_I_V linloss_i_vexp(LINLOSS_I_V x) {
  LINLOSS_I_V n, r, p;
  int k;
  x = linloss_i_vmax(linloss_i_vset1(LINLOSS_I_FN(LINLOSS_I_EXP_LO_)), x); /* NaN stays */
  x = linloss_i_vmin(linloss_i_vset1(LINLOSS_I_FN(LINLOSS_I_EXP_HI_)), x);
  n = linloss_i_vround(linloss_i_vmul(x, linloss_i_vset1(1.44269504088896340736)));
  r = linloss_i_vfma(n, linloss_i_vset1(-LINLOSS_I_FN(LINLOSS_I_LN2_HI_)), x);
  r = linloss_i_vfma(n, linloss_i_vset1(-LINLOSS_I_FN(LINLOSS_I_LN2_LO_)), r);
  p = linloss_i_vset1(LINLOSS_I_FN(linloss_i_exp_poly_)[LINLOSS_I_FN(LINLOSS_I_EXP_DEGREE_)]);
  for (k = LINLOSS_I_FN(LINLOSS_I_EXP_DEGREE_) - 1; k >= 0; k--)
    p = linloss_i_vfma(p, r, linloss_i_vset1(LINLOSS_I_FN(linloss_i_exp_poly_)[k]));
#ifdef linloss_i_vldexp
  return linloss_i_vldexp(p, n);
#else
  {
    const LINLOSS_I_V magic = linloss_i_vset1(LINLOSS_I_FN(LINLOSS_I_POW2_MAGIC_));
    const LINLOSS_I_V n1 = linloss_i_vround(linloss_i_vmul(n, linloss_i_vset1(0.5)));
    p = linloss_i_vmul(p, linloss_i_vshl_mant(linloss_i_vadd(n1, magic)));
    return linloss_i_vmul(p, linloss_i_vshl_mant(linloss_i_vadd(linloss_i_vsub(n, n1), magic)));
  }
#endif
}

/* 2 atanh(s) for |s| <= 0.2: s times the odd series in s^2 */
LINLOSS_I_INLINE LINLOSS_I_V LINLOSS_I_FN(linloss_i_vatanh2_)(LINLOSS_I_V s) {
  const LINLOSS_I_V s2 = linloss_i_vmul(s, s);
  LINLOSS_I_V p = linloss_i_vset1(2.0 / (2 * LINLOSS_I_FN(LINLOSS_I_LOG_TERMS_) + 1));
  int k;
  for (k = LINLOSS_I_FN(LINLOSS_I_LOG_TERMS_) - 1; k >= 0; k--)
    p = linloss_i_vfma(p, s2, linloss_i_vset1(2.0 / (2 * k + 1)));
  return linloss_i_vmul(s, p);
}

LINLOSS_I_INLINE LINLOSS_I_V linloss_i_vlog1p(LINLOSS_I_V a) {
  const LINLOSS_I_V half = linloss_i_vset1(0.5), one = linloss_i_vset1(1), two = linloss_i_vset1(2);
  const LINLOSS_I_M big = linloss_i_vgt(a, half);
  const LINLOSS_I_V f = linloss_i_vsel(big, linloss_i_vmul(linloss_i_vsub(a, one), half), a);
  return linloss_i_vadd(LINLOSS_I_FN(linloss_i_vatanh2_)(linloss_i_vdiv(f, linloss_i_vadd(two, f))),
                       linloss_i_vsel(big, linloss_i_vset1(0.69314718055994530942), linloss_i_vzero()));
}

/* log a for a in [2^-120, 2^120] or NaN: a = 2^e f with f in [sqrt(1/2),
   sqrt(2)) (f exact), log a = e ln 2 + 2 atanh((f - 1) / (f + 1)). */
LINLOSS_I_INLINE LINLOSS_I_V linloss_i_vlog(LINLOSS_I_V a) {
  const LINLOSS_I_V magic = linloss_i_vset1(LINLOSS_I_FN(LINLOSS_I_POW2_MAGIC_)), one = linloss_i_vset1(1);
  LINLOSS_I_V e = linloss_i_vsub(linloss_i_vshr_mant(a), magic); /* floor(log2 a) */
  LINLOSS_I_V f = linloss_i_vmul(a, linloss_i_vshl_mant(linloss_i_vsub(magic, e)));
  const LINLOSS_I_M big = linloss_i_vgt(f, linloss_i_vset1(LINLOSS_I_SQRT2));
  f = linloss_i_vsel(big, linloss_i_vmul(f, linloss_i_vset1(0.5)), f);
  e = linloss_i_vsel(big, linloss_i_vadd(e, one), e);
  return linloss_i_vadd(
      linloss_i_vmul(e, linloss_i_vset1(LINLOSS_I_FN(LINLOSS_I_LN2_HI_))),
      linloss_i_vfma(e, linloss_i_vset1(LINLOSS_I_FN(LINLOSS_I_LN2_LO_)),
                     LINLOSS_I_FN(linloss_i_vatanh2_)(linloss_i_vdiv(linloss_i_vsub(f, one), linloss_i_vadd(f, one)))));
}
#endif

#define LINLOSS_I_CHUNKS(j, k, n)                                                   \
  for (j = 0; j < (n); j += LINLOSS_I_W)                                            \
    if ((k = (n) - j < LINLOSS_I_W ? (n) - j : LINLOSS_I_W) != 0)

/* y += a x */
static inline void LINLOSS_I_FN(linloss_i_axpy_)(size_t n, LINLOSS_I_T a, const LINLOSS_I_T *x,
                                               LINLOSS_I_T *y) {
  size_t j, k;
  LINLOSS_I_V va = linloss_i_vset1(a);
  LINLOSS_I_CHUNKS(j, k, n) {
    LINLOSS_I_V vy = linloss_i_vload_n(y + j, k, 0);
    linloss_i_vstore_n(y + j, linloss_i_vfma(va, linloss_i_vload_n(x + j, k, 0), vy), k);
  }
}

/* db += the column sums of the r rows of S (c apart), in the order of the
   rows, summed in registers: adding them to db one row at a time would load
   each vector of db right after the masked store of the row before, which
   does not forward. */
LINLOSS_I_TILE void LINLOSS_I_FN(linloss_i_colsum_nv_)(size_t nv, size_t r, size_t c, size_t j0,
                                                     const LINLOSS_I_T *S, LINLOSS_I_T *db) {
  LINLOSS_I_V acc[LINLOSS_I_ACC];
  size_t i, v, k[LINLOSS_I_ACC];
  LINLOSS_I_UNROLL /* nv is a constant: acc stays in registers */
  for (v = 0; v < nv; v++) {
    k[v] = LINLOSS_I_FN(linloss_i_lanes_)(c - j0, v * LINLOSS_I_W);
    acc[v] = linloss_i_vload_n(db + j0 + v * LINLOSS_I_W, k[v], 0);
  }
  for (i = 0; i < r; i++) {
    const LINLOSS_I_T *p = S + i * c + j0;
    LINLOSS_I_UNROLL
    for (v = 0; v < nv; v++)
      acc[v] = linloss_i_vadd(acc[v], v + 1 < nv || k[v] == LINLOSS_I_W
                                          ? linloss_i_vload(p + v * LINLOSS_I_W)
                                          : linloss_i_vload_n(p + v * LINLOSS_I_W, k[v], 0));
  }
  LINLOSS_I_UNROLL
  for (v = 0; v < nv; v++) linloss_i_vstore_n(db + j0 + v * LINLOSS_I_W, acc[v], k[v]);
}

static inline void LINLOSS_I_FN(linloss_i_colsum_)(size_t r, size_t c, const LINLOSS_I_T *S,
                                                 LINLOSS_I_T *db) {
  size_t j0 = 0;
  for (; c - j0 > 4 * LINLOSS_I_W; j0 += 4 * LINLOSS_I_W)
    LINLOSS_I_FN(linloss_i_colsum_nv_)(4, r, c, j0, S, db);
  switch ((c - j0 + LINLOSS_I_W - 1) / LINLOSS_I_W) { /* 1 to 4 vectors left */
  case 4: LINLOSS_I_FN(linloss_i_colsum_nv_)(4, r, c, j0, S, db); break;
  case 3: LINLOSS_I_FN(linloss_i_colsum_nv_)(3, r, c, j0, S, db); break;
  case 2: LINLOSS_I_FN(linloss_i_colsum_nv_)(2, r, c, j0, S, db); break;
  default: LINLOSS_I_FN(linloss_i_colsum_nv_)(1, r, c, j0, S, db);
  }
}

/* y = a x, or 0 when a is 0 */
static inline void LINLOSS_I_FN(linloss_i_scal_)(size_t n, LINLOSS_I_T a, const LINLOSS_I_T *x,
                                               LINLOSS_I_T *y) {
  size_t j, k;
  LINLOSS_I_V va = linloss_i_vset1(a);
  if (a == 0) {
    memset(y, 0, n * sizeof(LINLOSS_I_T));
    return;
  }
  LINLOSS_I_CHUNKS(j, k, n) linloss_i_vstore_n(y + j, linloss_i_vmul(va, linloss_i_vload_n(x + j, k, 0)), k);
}

/* sum x_j y_j: vector partial sums over blocks of 256, added up in double */
static inline double LINLOSS_I_FN(linloss_i_dot_)(size_t n, const LINLOSS_I_T *x,
                                                const LINLOSS_I_T *y) {
  double acc = 0;
  size_t j0, j, k;
  for (j0 = 0; j0 < n; j0 += 256) {
    size_t m = n - j0 < 256 ? n - j0 : 256;
    LINLOSS_I_V v = linloss_i_vzero();
    LINLOSS_I_CHUNKS(j, k, m)
    v = linloss_i_vfma(linloss_i_vload_n(x + j0 + j, k, 0), linloss_i_vload_n(y + j0 + j, k, 0), v);
    acc += (double)linloss_i_vhsum(v);
  }
  return acc;
}

/* Index of the largest of s[0..c) other than s[skip] (skip >= c: none); the
   first on ties; the first NaN wins. */
static inline size_t LINLOSS_I_FN(linloss_i_argmax_)(const LINLOSS_I_T *s, size_t c, size_t skip) {
  size_t j, best = c;
  for (j = 0; j < c; j++) {
    if (j == skip) continue;
    if (s[j] != s[j]) return j;
    if (best == c || s[j] > s[best]) best = j;
  }
  return best;
}

/* A sample's gradient factor w scale in T. One that underflows to 0 is the
   smallest denormal instead: an infinite gradient stays infinite (not
   0 inf = NaN), a finite one stays within a denormal of its value. One
   beyond T's range (f32, LINLOSS_SUM, a weight above FLT_MAX) is taken as
   v 2^-k in [2^(EMAX-1), 2^EMAX), linloss_i_rows_ scaling the row by 2^k
   after the kernels (linloss_i_gscale_k_): the kernels compute w dL/ds
   without 0 inf = NaN, and their results are linear in the factor. */
static inline int LINLOSS_I_FN(linloss_i_gscale_k_)(double v) {
  int e = 0;
  if (!(v > LINLOSS_I_FN(LINLOSS_I_MAX_) && v <= DBL_MAX)) return 0;
  (void)frexp(v, &e);
  return e - LINLOSS_I_FN(LINLOSS_I_EMAX_);
}
static inline LINLOSS_I_T LINLOSS_I_FN(linloss_i_gscale_)(double v) {
  const int k = LINLOSS_I_FN(linloss_i_gscale_k_)(v);
  const LINLOSS_I_T g = (LINLOSS_I_T)(k ? ldexp(v, -k) : v);
  return g == 0 && v > 0 ? (LINLOSS_I_T)LINLOSS_I_FN(LINLOSS_I_TRUE_MIN_) : g;
}

/* ---- row kernels: the loss L of one sample from its scores s[0..c) and
   label y; when g is not NULL, g = gs * dL/ds (g may be s). */

/* Rows first .. first+r (r <= LINLOSS_I_SM_ROWS) of the softmax for C above
   LINLOSS_SMALL_C, pass by pass over the rows (max; exp and sum; log; the
   gradient) rather than row by row: each row's passes are a chain of long
   latencies (horizontal max, exp, horizontal sum, the division), the rows
   of a pass are independent, so the core overlaps them. Per row:
   L = log sum_j e^{s_j - m} + (1 - eps) (m - s_y) - eps/C sum_j (s_j - m),
   g = gs (softmax - q). Same arguments and results as linloss_i_rows_.
   A block holds at most LINLOSS_I_SM_ROWS rows and, unless one row is
   longer, LINLOSS_I_SM_ELEMS scores: its S and dS stay in the cache between
   the passes. Rows of C >= W: a row's whole vectors, then for its last
   C mod W scores the row's last W (overlapping the vector before, whose
   lanes it computes again to the same values; the sum takes only its new
   lanes), loaded before the stores to the row, as dS may be S; masked
   moves, slow on some cores, only ever for the block's sums. */
#define LINLOSS_I_SM_ROWS 32
#ifndef LINLOSS_I_SM_ELEMS
#define LINLOSS_I_SM_ELEMS 8192
#endif
static inline double LINLOSS_I_FN(linloss_i_softmax_block_)(size_t first, size_t r, size_t c,
                                                          const LINLOSS_I_T *S, size_t lds,
                                                          const int32_t *y, const linloss_options *o,
                                                          double scale, double pw, LINLOSS_I_T *dS,
                                                          size_t ldds, size_t nr) {
  const LINLOSS_I_T ninf = (LINLOSS_I_T)-INFINITY;
  const double eps = o->label_smoothing, h = linloss_i_dev_scale(c), eq = eps / (double)c;
  const LINLOSS_I_V vh = linloss_i_vset1(h), zero = linloss_i_vzero();
  const size_t cf = c - c % LINLOSS_I_W, ct = c - LINLOSS_I_W; /* the whole vectors; the last W */
  const int tail = cf < c;
  const LINLOSS_I_M fresh = linloss_i_vgt(linloss_i_vload(LINLOSS_I_FN(linloss_i_iota_)), /* the last W's */
                                          linloss_i_vset1((LINLOSS_I_T)(cf - ct) - (LINLOSS_I_T)0.5)); /* lanes from cf */
  LINLOSS_I_T mx[LINLOSS_I_SM_ROWS], sy[LINLOSS_I_SM_ROWS], sm[LINLOSS_I_SM_ROWS], dv[LINLOSS_I_SM_ROWS];
  LINLOSS_I_T lg[LINLOSS_I_SM_ROWS];
  LINLOSS_I_T gs[LINLOSS_I_SM_ROWS];
  double w[LINLOSS_I_SM_ROWS], acc = 0;
  const int uniform = !o->class_weight && !o->sample_weight; /* weights pw (0 if ignored): one scale */
  const LINLOSS_I_T g1 = uniform ? LINLOSS_I_FN(linloss_i_gscale_)(pw * scale) : 0;
  size_t i, j, k;
  for (i = 0; i < r; i++) { /* the maxima */
    const LINLOSS_I_T *s = S + i * lds;
    LINLOSS_I_V vm = tail ? linloss_i_vload(s + ct) : linloss_i_vset1(ninf);
    w[i] = linloss_i_weight(o, y, first + i) * pw;
    if (w[i] == 0) continue;
    sy[i] = s[y[first + i]]; /* before dS (which may be S) overwrites it */
    gs[i] = uniform ? g1 : LINLOSS_I_FN(linloss_i_gscale_)(w[i] * scale);
    for (j = 0; j < cf; j += LINLOSS_I_W) vm = linloss_i_vmax(vm, linloss_i_vload(s + j));
    mx[i] = linloss_i_vhmax(vm);
  }
  for (i = 0; i < r; i++) { /* e^{s - m} (into dS), their sums; the next block's row i fetched */
    const LINLOSS_I_T *s = S + i * lds, *ns = i < nr ? S + (r + i) * lds : NULL;
    LINLOSS_I_T *g = dS ? dS + i * ldds : NULL, *ng = ns && dS && dS != S ? dS + (r + i) * ldds : NULL;
    LINLOSS_I_V vm, vmh, vt, vsum = linloss_i_vzero(), vdev = linloss_i_vzero();
    sm[i] = 1;
    if (w[i] == 0) {
      if (g) memset(g, 0, c * sizeof(LINLOSS_I_T));
      continue;
    }
    vm = linloss_i_vset1(mx[i]);
    vmh = linloss_i_vmul(vm, vh);
    vt = tail ? linloss_i_vload(s + ct) : zero; /* before the stores (dS may be S) */
    for (j = 0; j < cf; j += LINLOSS_I_W) {
      const LINLOSS_I_V v = linloss_i_vload(s + j), e = linloss_i_vexp(linloss_i_vsub(v, vm));
      vsum = linloss_i_vadd(vsum, e);
      if (eps > 0) /* (s - m) h, as s h - m h: no overflow, even for s - m beyond the type */
        vdev = linloss_i_vadd(vdev, linloss_i_vsub(linloss_i_vmul(v, vh), vmh));
      if (g) linloss_i_vstore(g + j, e);
      if (ns) LINLOSS_I_PREFETCH(ns + j, 0);
      if (ng) LINLOSS_I_PREFETCH(ng + j, 1);
    }
    if (tail) {
      const LINLOSS_I_V e = linloss_i_vexp(linloss_i_vsub(vt, vm));
      vsum = linloss_i_vadd(vsum, linloss_i_vsel(fresh, e, zero));
      if (eps > 0) vdev = linloss_i_vadd(vdev, linloss_i_vsel(fresh, linloss_i_vsub(linloss_i_vmul(vt, vh), vmh), zero));
      if (g) linloss_i_vstore(g + ct, e);
    }
    sm[i] = linloss_i_vhsum(vsum);
    dv[i] = eps > 0 ? linloss_i_vhsum(vdev) : 0;
  }
  LINLOSS_I_CHUNKS(i, k, r) /* the sums' logs, sums in [1, C] or NaN */
  linloss_i_vstore_n(lg + i, linloss_i_vlog(linloss_i_vload_n(sm + i, k, 1)), k);
  for (i = 0; i < r; i++) { /* the losses */
    double l = 0;
    if (w[i] != 0) {
      l = (double)lg[i] + (1 - eps) * ((double)mx[i] - (double)sy[i]);
      if (eps > 0) l -= eps / (double)c / h * (double)dv[i];
      acc += l *= w[i];
    }
    if (o->sample_loss) o->sample_loss[first + i] = l / pw;
  }
  for (i = 0; dS && i < r; i++) { /* the gradients: gs (e / sum - q) */
    LINLOSS_I_T *g = dS + i * ldds;
    if (w[i] == 0) continue;
    {
      const LINLOSS_I_V vp = linloss_i_vset1(gs[i] / sm[i]);
      const LINLOSS_I_V vq = linloss_i_vset1((LINLOSS_I_T)((double)gs[i] * eq));
      const LINLOSS_I_V vt = tail ? linloss_i_vload(g + ct) : zero;
      for (j = 0; j < cf; j += LINLOSS_I_W)
        linloss_i_vstore(g + j, linloss_i_vsub(linloss_i_vmul(linloss_i_vload(g + j), vp), vq));
      if (tail) linloss_i_vstore(g + ct, linloss_i_vsub(linloss_i_vmul(vt, vp), vq));
      g[y[first + i]] -= (LINLOSS_I_T)((double)gs[i] * (1 - eps));
    }
  }
  return acc;
}

/* The hinge's derivative h'(m): 1[m > 0] (NaN for NaN) or 2 max(0, m). */
static inline LINLOSS_I_V LINLOSS_I_FN(linloss_i_hinge_grad_)(LINLOSS_I_V m, LINLOSS_I_V h, int power) {
  const LINLOSS_I_V zero = linloss_i_vzero(), one = linloss_i_vset1(1);
  if (power == 2) return linloss_i_vadd(h, h);
  return linloss_i_vsel(linloss_i_visnan(m), m, linloss_i_vsel(linloss_i_vgt(m, zero), one, zero));
}

static inline double LINLOSS_I_FN(linloss_i_svm_row_)(const LINLOSS_I_T *s, size_t c, size_t y,
                                                    const linloss_options *o, LINLOSS_I_T *g,
                                                    LINLOSS_I_T gs) {
  const LINLOSS_I_T sy = s[y], delta = (LINLOSS_I_T)o->delta;
  const int power = o->hinge_power;
  LINLOSS_I_T lsum, gy;
  size_t j, k;
  if (o->svm_variant == LINLOSS_SVM_CS) {
    size_t js = LINLOSS_I_FN(linloss_i_argmax_)(s, c, y);
    LINLOSS_I_V m = linloss_i_vset1(s[js] - sy + delta), h = linloss_i_vrelu(m);
    LINLOSS_I_V gv = LINLOSS_I_FN(linloss_i_hinge_grad_)(m, h, power);
    LINLOSS_I_T hh = linloss_i_vhsum(linloss_i_vkeep(power == 2 ? linloss_i_vmul(h, h) : h, 1));
    gy = linloss_i_vhsum(linloss_i_vkeep(gv, 1));
    if (g) {
      memset(g, 0, c * sizeof(LINLOSS_I_T));
      g[js] = gs * gy;
      g[y] = -gs * gy;
    }
    return (double)hh;
  } else {
    const LINLOSS_I_V vsy = linloss_i_vset1(sy), vdelta = linloss_i_vset1(delta);
    const LINLOSS_I_V vgs = linloss_i_vset1(gs);
    LINLOSS_I_V vl = linloss_i_vzero(), vc = linloss_i_vzero();
    LINLOSS_I_CHUNKS(j, k, c) {
      LINLOSS_I_V m = linloss_i_vadd(linloss_i_vsub(linloss_i_vload_n(s + j, k, 0), vsy), vdelta);
      LINLOSS_I_V h = linloss_i_vrelu(m), gv = LINLOSS_I_FN(linloss_i_hinge_grad_)(m, h, power);
      if (power == 2) h = linloss_i_vmul(h, h);
      if (k < LINLOSS_I_W) { /* the lanes past the row count for nothing */
        h = linloss_i_vkeep(h, k);
        gv = linloss_i_vkeep(gv, k);
      }
      if (y >= j && y < j + k) { /* nor does the target class */
        h = linloss_i_vput(h, y - j, 0);
        gv = linloss_i_vput(gv, y - j, 0);
      }
      vl = linloss_i_vadd(vl, h);
      vc = linloss_i_vadd(vc, gv);
      if (g) linloss_i_vstore_n(g + j, linloss_i_vmul(gv, vgs), k);
    }
    lsum = linloss_i_vhsum(vl);
    gy = linloss_i_vhsum(vc);
    if (g) g[y] = -gs * gy;
    return (double)lsum;
  }
}

#ifdef linloss_i_vmaskbits
/* One vector of linloss_i_svm_ww_: the k scores at s (the rest -inf), with
   lane `skip` (the target's) counting for nothing when `excl`; gives h, adds
   the positive margins' count to cnt, stores g (when given) as gs or h. */
LINLOSS_I_TILE LINLOSS_I_V LINLOSS_I_FN(linloss_i_svm_ww_vec_)(const LINLOSS_I_T *s, LINLOSS_I_T *g, size_t k,
                                                             int excl, size_t skip, LINLOSS_I_V vsy,
                                                             LINLOSS_I_V vdelta, LINLOSS_I_V vgs, unsigned *cnt) {
  const LINLOSS_I_V zero = linloss_i_vzero();
  const LINLOSS_I_V m = linloss_i_vadd(linloss_i_vsub(linloss_i_vload_n(s, k, (LINLOSS_I_T)-INFINITY), vsy), vdelta);
  LINLOSS_I_V h = linloss_i_vrelu(m);
  LINLOSS_I_M pos = linloss_i_vgt(m, zero); /* (NaN not) */
  if (excl) {
    h = linloss_i_vsel(linloss_i_veq(linloss_i_vload(LINLOSS_I_FN(linloss_i_iota_)), linloss_i_vset1((LINLOSS_I_T)skip)),
                       zero, h);
    pos = linloss_i_vgt(h, zero); /* the same, but for the skipped lane */
  }
  *cnt += linloss_i_popcount(linloss_i_vmaskbits(pos));
  if (g) linloss_i_vstore_n(g, linloss_i_vsel(pos, vgs, h), k);
  return h;
}

/* linloss_i_svm_row_ for the Weston-Watkins SVM of hinge power 1, a delta
   finite and not -0 (the caller's part: -0 would let a margin be -0, stored
   as h below) and a finite target score (0 otherwise, with nothing
   written): no branch per vector. The vector holding the target goes first,
   with the target's lane masked out; then the other whole vectors in order;
   then the part-filled tail, filled with -inf. g_y counts the margins' mask
   bits. A NaN score gives NaN where linloss_i_svm_row_ does: its lane of g
   (h is stored where the margin is not positive) and the loss sum, and then
   g_y. */
static inline int LINLOSS_I_FN(linloss_i_svm_ww_)(const LINLOSS_I_T *s, size_t c, size_t y, LINLOSS_I_T delta,
                                                LINLOSS_I_T *g, LINLOSS_I_T gs, double *loss) {
  const size_t cf = c - c % LINLOSS_I_W, jt = y - y % LINLOSS_I_W;
  const LINLOSS_I_T sy = s[y];
  const LINLOSS_I_V vsy = linloss_i_vset1(sy), vdelta = linloss_i_vset1(delta), vgs = linloss_i_vset1(gs);
  LINLOSS_I_V vl;
  LINLOSS_I_T lsum;
  unsigned cnt = 0;
  size_t j;
  if (!(sy - sy == 0)) return 0;
  vl = LINLOSS_I_FN(linloss_i_svm_ww_vec_)(s + jt, g ? g + jt : NULL, jt < cf ? LINLOSS_I_W : c - cf, 1, y - jt, vsy,
                                          vdelta, vgs, &cnt);
  for (j = 0; j < cf; j += LINLOSS_I_W) {
    if (j == jt) j += LINLOSS_I_W;
    if (j >= cf) break;
    vl = linloss_i_vadd(vl, LINLOSS_I_FN(linloss_i_svm_ww_vec_)(s + j, g ? g + j : NULL, LINLOSS_I_W, 0, 0, vsy, vdelta,
                                                                vgs, &cnt));
  }
  if (jt < cf && cf < c)
    vl = linloss_i_vadd(vl, LINLOSS_I_FN(linloss_i_svm_ww_vec_)(s + cf, g ? g + cf : NULL, c - cf, 0, 0, vsy, vdelta,
                                                                vgs, &cnt));
  lsum = linloss_i_vhsum(vl);
  if (g) g[y] = -gs * (lsum == lsum ? (LINLOSS_I_T)cnt : lsum);
  *loss = (double)lsum;
  return 1;
}
#endif

/* LINLOSS_SMALL_C (at least W) rounded up to whole vectors: the rows of their t */
#define LINLOSS_I_SMALL_CW \
  (((LINLOSS_SMALL_C > LINLOSS_I_W ? LINLOSS_SMALL_C : LINLOSS_I_W) + LINLOSS_I_W - 1) / LINLOSS_I_W * LINLOSS_I_W)

/* The one-row-per-lane kernels, for C up to LINLOSS_SMALL_C: up to W rows
   at once, one per lane, with the scores transposed (t[j] holds class j of
   the W rows; whole W x W blocks go through registers). Where the row
   kernels above would spend their time on a part-filled vector per row and
   its horizontal sums, these do whole vectors of rows. Rows of weight 0
   (and the lanes past r) give exactly 0. They return the weighted loss sum,
   write the per-sample losses and, when dS is given, dS (which may be S).
   Their start: each lane's weight w, gradient scale gsc and label lab (-1
   for a lane that does not count), and t (0 past row r) unless S is NULL:
   the kernels' pt, scores given transposed already (linloss_i_lanes_block_),
   blocks of c x W (t, one per W rows) that take the gradients in place. */
LINLOSS_I_INLINE void LINLOSS_I_FN(linloss_i_lanes_in_)(size_t first, size_t r, size_t c, const LINLOSS_I_T *S,
                                                   size_t lds, const int32_t *y, const linloss_options *o,
                                                   double scale, double pw, LINLOSS_I_T (*t)[LINLOSS_I_W],
                                                   double *w, LINLOSS_I_T *gsc, LINLOSS_I_T *lab) {
  size_t j, l;
  if (!o->class_weight && !o->sample_weight) { /* weights pw or 0 (ignored): one gradient scale */
    const LINLOSS_I_T g1 = LINLOSS_I_FN(linloss_i_gscale_)(pw * scale);
    const int32_t ign = o->ignore_label;
    if (r == LINLOSS_I_W && ign == LINLOSS_NO_IGNORE) /* every lane a row that counts: no */
      for (l = 0; l < LINLOSS_I_W; l++) {             /* branches, vectorized (3-8 % at C = 10) */
        w[l] = pw;
        gsc[l] = g1;
        lab[l] = (LINLOSS_I_T)y[first + l];
      }
    else
      for (l = 0; l < LINLOSS_I_W; l++) {
        const int32_t yl = l < r ? y[first + l] : ign; /* l < r: for gcc -O3 -Warray-bounds */
        const int live = l < r && (ign == LINLOSS_NO_IGNORE || yl != ign);
        w[l] = live ? pw : 0;
        gsc[l] = live ? g1 : 0;
        lab[l] = live ? (LINLOSS_I_T)yl : (LINLOSS_I_T)-1;
      }
  } else
    for (l = 0; l < LINLOSS_I_W; l++) {
      w[l] = l < r ? linloss_i_weight(o, y, first + l) * pw : 0;
      gsc[l] = LINLOSS_I_FN(linloss_i_gscale_)(w[l] * scale);
      lab[l] = l < r && w[l] != 0 ? (LINLOSS_I_T)y[first + l] : (LINLOSS_I_T)-1; /* l < r: for gcc -O3 -Warray-bounds */
    }
  for (j = 0; S && j < c; j += LINLOSS_I_W) { /* by blocks of W x W, rows and columns past the ends 0 */
    const size_t k = LINLOSS_I_FN(linloss_i_lanes_)(c, j);
    LINLOSS_I_V v[LINLOSS_I_W];
    LINLOSS_I_UNROLL
    for (l = 0; l < LINLOSS_I_W; l++) v[l] = l < r ? linloss_i_vload_n(S + l * lds + j, k, 0) : linloss_i_vzero();
    linloss_i_vtranspose(v);
    LINLOSS_I_UNROLL /* all W: a whole number of blocks fits in t (a loop to k became a call to memcpy) */
    for (l = 0; l < LINLOSS_I_W; l++) linloss_i_vstore(t[j + l], v[l]);
  }
}

/* Their end. The lanes' losses: without weights or per-sample losses
   every live lane weighs pw, so lanes_fast_ adds vli (the lanes' losses in
   T) in one horizontal add (a chain of W double adds per block cost
   AVX-512's softmax at C = 10 a fifth of its time) and gives 1, unless that
   sum is not finite; lanes_loss_ adds the lanes' losses li (in double,
   unweighted) one by one into the weighted sum and the per-sample losses.
   lanes_out_: t (the gradients) back into dS. */
LINLOSS_I_INLINE int LINLOSS_I_FN(linloss_i_lanes_fast_)(const linloss_options *o, LINLOSS_I_V vli,
                                                      LINLOSS_I_M live, double pw, double *acc) {
  LINLOSS_I_T sum;
  if (o->class_weight || o->sample_weight || o->sample_loss) return 0;
  sum = linloss_i_vhsum(linloss_i_vsel(live, vli, linloss_i_vzero()));
  if (sum - sum != 0) return 0;
  *acc += pw * (double)sum;
  return 1;
}
LINLOSS_I_INLINE double LINLOSS_I_FN(linloss_i_lanes_loss_)(size_t first, size_t r, const double *w,
                                                       const double *li, const linloss_options *o, double pw) {
  double acc = 0;
  size_t l;
  for (l = 0; l < r; l++) {
    const double v = w[l] != 0 ? w[l] * li[l] : 0;
    acc += v;
    if (o->sample_loss) o->sample_loss[first + l] = v / pw;
  }
  return acc;
}
LINLOSS_I_INLINE void LINLOSS_I_FN(linloss_i_lanes_out_)(size_t r, size_t c, LINLOSS_I_T (*t)[LINLOSS_I_W],
                                                      LINLOSS_I_T *dS, size_t ldds) {
  size_t j, l;
  for (j = 0; dS && j < c; j += LINLOSS_I_W) {
    const size_t k = LINLOSS_I_FN(linloss_i_lanes_)(c, j);
    LINLOSS_I_V v[LINLOSS_I_W];
    LINLOSS_I_UNROLL
    for (l = 0; l < LINLOSS_I_W; l++) v[l] = l < k ? linloss_i_vload(t[j + l]) : linloss_i_vzero();
    linloss_i_vtranspose(v);
    LINLOSS_I_UNROLL
    for (l = 0; l < LINLOSS_I_W; l++)
      if (l < r) linloss_i_vstore_n(dS + l * ldds + j, v[l], k);
  }
}

/* W rows of c (at a stride of ld) on their way into the cache: software
   prefetch, as the hardware's did not keep up with the one-row-per-lane
   softmax on the Zen 5 (2M scores: 1.36 against 0.67 ns per score with
   it, all but the time with the scores in L2). */
#ifndef LINLOSS_I_PF_BLOCKS /* that many blocks of W rows ahead */
#define LINLOSS_I_PF_BLOCKS 4
#endif
LINLOSS_I_INLINE void LINLOSS_I_FN(linloss_i_prefetch_rows_)(const LINLOSS_I_T *p, size_t c, size_t ld,
                                                          int write) {
  const size_t line = 64 / sizeof(LINLOSS_I_T), n = ld == c ? 1 : LINLOSS_I_W, m = ld == c ? LINLOSS_I_W * c : c;
  size_t l, q; /* rows in one range, or one by one */
  for (l = 0; l < n; l++)
    for (q = 0; q < m; q += line)
      if (write) /* (a constant argument) */
        LINLOSS_I_PREFETCH(p + l * ld + q, 1);
      else
        LINLOSS_I_PREFETCH(p + l * ld + q, 0);
}

/* The softmax of small C, one row per lane (as in its row kernel above,
   whose per-row horizontal sums, exp of a part-filled vector and log cost
   more there). smooth: eps > 0, a constant (linloss_i_rows_small_). */
LINLOSS_I_INLINE double LINLOSS_I_FN(linloss_i_rows_small_k_)(size_t first, size_t rows, size_t c,
                                                           const LINLOSS_I_T *S, size_t lds,
                                                           const int32_t *y, const linloss_options *o,
                                                           double scale, double pw, LINLOSS_I_T *dS,
                                                           size_t ldds, int smooth, LINLOSS_I_T (*pt)[LINLOSS_I_W]) {
  LINLOSS_I_T tb[LINLOSS_I_SMALL_CW][LINLOSS_I_W], (*t)[LINLOSS_I_W] = tb, lab[LINLOSS_I_W], gsc[LINLOSS_I_W];
  double w[LINLOSS_I_W], acc = 0;
  const int grad = dS || pt; /* the gradients, into dS or in place */
  const double eps = o->label_smoothing, h = linloss_i_dev_scale(c);
  const LINLOSS_I_V zero = linloss_i_vzero();
  const LINLOSS_I_V vq = linloss_i_vset1(eps / (double)c), vqy = linloss_i_vset1(1 - eps), vh = linloss_i_vset1(h);
  size_t i, j, l;
  for (i = 0; i < rows; i += LINLOSS_I_W) { /* by blocks of W rows */
    const size_t r = rows - i < LINLOSS_I_W ? rows - i : LINLOSS_I_W;
    LINLOSS_I_V vm, vsum = zero, vsy = zero, vdev = zero, vgs, vlab, vlg;
    LINLOSS_I_M live;
    if (pt) t = pt + i / LINLOSS_I_W * c;
    else if (i + (LINLOSS_I_PF_BLOCKS + 1) * LINLOSS_I_W <= rows) {
      LINLOSS_I_FN(linloss_i_prefetch_rows_)(S + LINLOSS_I_PF_BLOCKS * LINLOSS_I_W * lds, c, lds, 0);
      if (dS && dS != S) LINLOSS_I_FN(linloss_i_prefetch_rows_)(dS + LINLOSS_I_PF_BLOCKS * LINLOSS_I_W * ldds, c, ldds, 1);
    }
    LINLOSS_I_FN(linloss_i_lanes_in_)(first, r, c, S, lds, y, o, scale, pw, t, w, gsc, lab);
    vgs = linloss_i_vload(gsc);
    vlab = linloss_i_vload(lab);
    live = linloss_i_vgt(vlab, linloss_i_vset1(-0.5)); /* w != 0, even if w * scale underflows */
    vm = linloss_i_vset1(-INFINITY);
    for (j = 0; j < c; j++) vm = linloss_i_vmax(vm, linloss_i_vload(t[j]));
    for (j = 0; j < c; j++) {
      const LINLOSS_I_V v = linloss_i_vload(t[j]), e = linloss_i_vexp(linloss_i_vsub(v, vm));
      const LINLOSS_I_M isy = linloss_i_veq(vlab, linloss_i_vset1((LINLOSS_I_T)j));
      vsum = linloss_i_vadd(vsum, e);
      vsy = linloss_i_vadd(vsy, linloss_i_vsel(isy, v, zero));
      if (smooth) vdev = linloss_i_vadd(vdev, linloss_i_vsub(linloss_i_vmul(v, vh), linloss_i_vmul(vm, vh)));
      linloss_i_vstore(t[j], e);
    }
    vlg = linloss_i_vlog(vsum); /* vsum in [1, C], or NaN */
    /* the loss: log(sum) + (1 - eps) (m - s_y) [+ eps/C sum_j (m - s_j)]: in
       T when eps = 0 and the block's sum is finite (the terms >= 0, a few
       ulp each), else in double, lane by lane (eps / C / h may be below
       T's range; m - s_y beyond it) */
    if (smooth || !LINLOSS_I_FN(linloss_i_lanes_fast_)(o, linloss_i_vadd(vlg, linloss_i_vsub(vm, vsy)), live, pw, &acc)) {
      LINLOSS_I_T mb[LINLOSS_I_W], lg[LINLOSS_I_W], yb[LINLOSS_I_W], db[LINLOSS_I_W];
      double li[LINLOSS_I_W];
      linloss_i_vstore(mb, vm);
      linloss_i_vstore(lg, vlg);
      linloss_i_vstore(yb, vsy);
      linloss_i_vstore(db, vdev);
      for (l = 0; l < LINLOSS_I_W; l++) { /* all lanes, a constant count (those past r unread) */
        li[l] = (double)lg[l] + (1 - eps) * ((double)mb[l] - (double)yb[l]);
        if (smooth) li[l] -= eps / (double)c / h * (double)db[l];
      }
      acc += LINLOSS_I_FN(linloss_i_lanes_loss_)(first, r, w, li, o, pw);
    }
    if (grad) { /* softmax - q, times the sample's scale */
      const LINLOSS_I_V vp = linloss_i_vdiv(linloss_i_vset1(1), vsum);
      for (j = 0; j < c; j++) {
        const LINLOSS_I_M isy = linloss_i_veq(vlab, linloss_i_vset1((LINLOSS_I_T)j));
        LINLOSS_I_V g = linloss_i_vsub(linloss_i_vmul(linloss_i_vload(t[j]), vp), vq);
        g = linloss_i_vsel(isy, linloss_i_vsub(g, vqy), g);
        linloss_i_vstore(t[j], linloss_i_vsel(live, linloss_i_vmul(g, vgs), zero));
      }
    }
    LINLOSS_I_FN(linloss_i_lanes_out_)(r, c, t, dS, ldds);
    first += LINLOSS_I_W, S = S ? S + LINLOSS_I_W * lds : NULL, dS = dS ? dS + LINLOSS_I_W * ldds : NULL;
  }
  return acc;
}
static inline double LINLOSS_I_FN(linloss_i_rows_small_)(size_t first, size_t r, size_t c,
                                                       const LINLOSS_I_T *S, size_t lds,
                                                       const int32_t *y, const linloss_options *o,
                                                       double scale, double pw, LINLOSS_I_T *dS,
                                                       size_t ldds, LINLOSS_I_T (*pt)[LINLOSS_I_W]) {
  return o->label_smoothing > 0
             ? LINLOSS_I_FN(linloss_i_rows_small_k_)(first, r, c, S, lds, y, o, scale, pw, dS, ldds, 1, pt)
             : LINLOSS_I_FN(linloss_i_rows_small_k_)(first, r, c, S, lds, y, o, scale, pw, dS, ldds, 0, pt);
}

#ifdef linloss_i_vmaskbits
/* The SVM of small C (Weston-Watkins, c < 2 W) over a whole block of W
   rows stored one after the other (lds = c), without weights but pw and
   with hinge power 1: the block is c vectors, taken as they lie, with no
   transposes. Each lane's row's target score (and the flat position of its
   target) comes from per-row broadcasts; a row's g_y = -gs (its count of
   positive margins), counted from the bits of the margins' masks. The loss
   and the gradients are those of linloss_i_svm_small_, bit for bit, but
   the loss's sum (the block's losses added as floats, then times pw).
   Returns 0 when the block needs that kernel, which then writes all of
   it: an ignored label, a NaN (which a mask cannot count) or an infinite
   sum (a float overflow, or an infinite margin). In place (dS = S) nothing
   is written before that is known. */
static inline int LINLOSS_I_FN(linloss_i_svm_flat_)(size_t first, size_t c, const LINLOSS_I_T *S,
                                                  const int32_t *y, const linloss_options *o,
                                                  double scale, double pw, LINLOSS_I_T *dS,
                                                  double *loss) {
  enum { W = LINLOSS_I_W, LEN = 2 * LINLOSS_I_W * LINLOSS_I_W };
  LINLOSS_I_T syf[LEN + LINLOSS_I_W], tpf[LEN + LINLOSS_I_W], g[LEN];
  uint64_t bits[LEN / 64 + 1];
  const LINLOSS_I_T g1 = LINLOSS_I_FN(linloss_i_gscale_)(pw * scale);
  const LINLOSS_I_V zero = linloss_i_vzero(), vdelta = linloss_i_vset1((LINLOSS_I_T)o->delta);
  const LINLOSS_I_V vg1 = linloss_i_vset1(g1), step = linloss_i_vset1((LINLOSS_I_T)W);
  LINLOSS_I_V vl = zero, vp = linloss_i_vload(LINLOSS_I_FN(linloss_i_iota_)); /* the lanes' flat positions */
  LINLOSS_I_T sum, at = 0, *out = dS && dS != S ? dS : g; /* in place (or no dS): through g, as S may be needed again */
  size_t l, v;
  LINLOSS_I_UNROLL
  for (l = 0; l < W; l++, at += (LINLOSS_I_T)c) { /* row l's c lanes from at = l c: its target */
    const int32_t yl = y[first + l];                 /* score and its target's position */
    LINLOSS_I_V sy, tp;
    if (o->ignore_label != LINLOSS_NO_IGNORE && yl == o->ignore_label) return 0;
    sy = linloss_i_vset1(S[l * c + (size_t)yl]);
    tp = linloss_i_vset1((LINLOSS_I_T)yl + at); /* from an int32: one conversion */
    linloss_i_vstore(syf + l * c, sy);
    linloss_i_vstore(tpf + l * c, tp);
    if (c > W) {
      linloss_i_vstore(syf + l * c + W, sy);
      linloss_i_vstore(tpf + l * c + W, tp);
    }
  }
  memset(bits, 0, sizeof bits);
  for (v = 0; v < c; v++, vp = linloss_i_vadd(vp, step)) {
    const LINLOSS_I_M isy = linloss_i_veq(linloss_i_vload(tpf + v * W), vp);
    const LINLOSS_I_V m = linloss_i_vadd(linloss_i_vsub(linloss_i_vload(S + v * W), linloss_i_vload(syf + v * W)), vdelta);
    const LINLOSS_I_V h = linloss_i_vsel(isy, zero, linloss_i_vrelu(m)); /* NaN stays */
    const LINLOSS_I_M pos = linloss_i_vgt(h, zero);
    vl = linloss_i_vadd(vl, h);
    linloss_i_vstore(out + v * W, linloss_i_vsel(pos, vg1, zero));
    bits[v * W / 64] |= (uint64_t)linloss_i_vmaskbits(pos) << (v * W % 64); /* W divides 64 */
  }
  sum = linloss_i_vhsum(vl);
  if (!(sum - sum == 0)) return 0; /* NaN, or inf: maybe the float sum overflowing, which rows summed apart in double do not */
  for (l = 0; dS && l < W; l++) { /* g_y: the row's c bits from l c counted */
    const size_t p = l * c, wd = p / 64, sh = p % 64;
    uint64_t b = bits[wd] >> sh;
    if (sh + c > 64) b |= bits[wd + 1] << (64 - sh);
    out[p + (size_t)y[first + l]] = -g1 * (LINLOSS_I_T)linloss_i_popcount((uint32_t)(b & (((uint64_t)1 << c) - 1)));
  }
  if (dS && out != dS) memcpy(dS, g, W * c * sizeof(LINLOSS_I_T));
  *loss = pw * (double)sum;
  return 1;
}
#endif

/* The SVM of small C (Weston-Watkins), one row per lane: per row
   L = sum_{j != y} h(s_j - s_y + delta), g_j = gs h'(s_j - s_y + delta)
   for j != y and g_y = -gs sum_{j != y} h'(...), as in linloss_i_svm_row_. */
static inline double LINLOSS_I_FN(linloss_i_svm_small_)(size_t first, size_t r, size_t c,
                                                      const LINLOSS_I_T *S, size_t lds,
                                                      const int32_t *y, const linloss_options *o,
                                                      double scale, double pw, LINLOSS_I_T *dS,
                                                      size_t ldds, LINLOSS_I_T (*pt)[LINLOSS_I_W]) {
  LINLOSS_I_T tb[LINLOSS_I_SMALL_CW][LINLOSS_I_W], (*t)[LINLOSS_I_W] = pt ? pt : tb, lab[LINLOSS_I_W], gsc[LINLOSS_I_W];
  LINLOSS_I_T cb[LINLOSS_I_W];
  double w[LINLOSS_I_W], acc = 0;
  const int power = o->hinge_power, grad = dS || pt; /* the gradients, into dS or in place */
  const LINLOSS_I_V zero = linloss_i_vzero(), vdelta = linloss_i_vset1((LINLOSS_I_T)o->delta);
  LINLOSS_I_V vsy = zero, vl = zero, vc = zero, vgs, vlab;
  LINLOSS_I_M live;
  size_t j, l;
  LINLOSS_I_FN(linloss_i_lanes_in_)(first, r, c, S, lds, y, o, scale, pw, t, w, gsc, lab);
  vgs = linloss_i_vload(gsc);
  vlab = linloss_i_vload(lab);
  live = linloss_i_vgt(vlab, linloss_i_vset1(-0.5)); /* w != 0, even if w * scale underflows */
  for (j = 0; j < c; j++) /* the target's score */
    vsy = linloss_i_vsel(linloss_i_veq(vlab, linloss_i_vset1((LINLOSS_I_T)j)), linloss_i_vload(t[j]), vsy);
  for (j = 0; j < c; j++) { /* the target class counts for nothing */
    const LINLOSS_I_M isy = linloss_i_veq(vlab, linloss_i_vset1((LINLOSS_I_T)j));
    const LINLOSS_I_V m = linloss_i_vadd(linloss_i_vsub(linloss_i_vload(t[j]), vsy), vdelta), h = linloss_i_vrelu(m);
    const LINLOSS_I_V gv = linloss_i_vsel(isy, zero, LINLOSS_I_FN(linloss_i_hinge_grad_)(m, h, power));
    vl = linloss_i_vadd(vl, linloss_i_vsel(isy, zero, power == 2 ? linloss_i_vmul(h, h) : h));
    vc = linloss_i_vadd(vc, gv);
    if (grad) linloss_i_vstore(t[j], linloss_i_vsel(live, linloss_i_vmul(gv, vgs), zero));
  }
  linloss_i_vstore(cb, vc);
  for (l = 0; l < r; l++)
    if (grad && lab[l] >= 0) t[(size_t)lab[l]][l] = -gsc[l] * cb[l];
  LINLOSS_I_FN(linloss_i_lanes_out_)(r, c, t, dS, ldds);
  if (!LINLOSS_I_FN(linloss_i_lanes_fast_)(o, vl, live, pw, &acc)) {
    LINLOSS_I_T lb[LINLOSS_I_W];
    double li[LINLOSS_I_W];
    linloss_i_vstore(lb, vl);
    for (l = 0; l < r; l++) li[l] = (double)lb[l];
    acc = LINLOSS_I_FN(linloss_i_lanes_loss_)(first, r, w, li, o, pw);
  }
  return acc;
}

/* Binary logistic over r samples' scores s: the weighted loss sum, and when
   ds is given (it may be s), ds = scale * w_i * dL/ds_i. */
static inline double LINLOSS_I_FN(linloss_i_logistic_rows_)(size_t first, size_t r,
                                                          const LINLOSS_I_T *s, const int32_t *y,
                                                          const linloss_options *o, double scale,
                                                          double pw, LINLOSS_I_T *ds) {
  const double eps = o->label_smoothing;
  const LINLOSS_I_V zero = linloss_i_vzero(), one = linloss_i_vset1(1);
  double acc = 0;
  size_t j, k, l;
  LINLOSS_I_CHUNKS(j, k, r) {
    LINLOSS_I_T t[LINLOSS_I_W], w[LINLOSS_I_W], on[LINLOSS_I_W], lv[LINLOSS_I_W];
    LINLOSS_I_V vs, vt, a, e, loss, sp, sn, spos, sneg, vg;
    for (l = 0; l < LINLOSS_I_W; l++) {
      double wl = l < k ? linloss_i_weight(o, y, first + j + l) * pw : 0;
      w[l] = LINLOSS_I_FN(linloss_i_gscale_)(wl * scale);
      on[l] = wl > 0; /* not w[l]: w * scale may underflow to 0 */
      t[l] = (LINLOSS_I_T)(wl > 0 ? (1 - eps) * (double)y[first + j + l] + eps / 2 : 0);
    }
    vs = linloss_i_vload_n(s + j, k, 0);
    vt = linloss_i_vload(t);
    a = linloss_i_vabs(vs);
    e = linloss_i_vexp(linloss_i_vsub(zero, a)); /* e^-|s| */
    /* max(s, 0) - s t + log1p(e^-|s|) */
    loss = linloss_i_vadd(linloss_i_vsub(linloss_i_vrelu(vs), linloss_i_vmul(vs, vt)), linloss_i_vlog1p(e));
    sp = linloss_i_vdiv(one, linloss_i_vadd(one, e)); /* sigmoid(|s|)  */
    sn = linloss_i_vmul(e, sp);                       /* sigmoid(-|s|) */
    spos = linloss_i_vsel(linloss_i_vgt(zero, vs), sn, sp); /* sigmoid(s)  */
    sneg = linloss_i_vsel(linloss_i_vgt(zero, vs), sp, sn); /* sigmoid(-s) */
    /* (1 - t) sigmoid(s) - t sigmoid(-s) */
    vg = linloss_i_vsub(linloss_i_vmul(linloss_i_vsub(one, vt), spos), linloss_i_vmul(vt, sneg));
    vg = linloss_i_vsel(linloss_i_vgt(linloss_i_vload(on), zero), linloss_i_vmul(vg, linloss_i_vload(w)), zero);
    linloss_i_vstore(lv, loss);
    if (ds) linloss_i_vstore_n(ds + j, vg, k);
    for (l = 0; l < k; l++) {
      double wl = linloss_i_weight(o, y, first + j + l) * pw;
      double li = wl == 0 ? 0 : wl * (double)lv[l];
      acc += li;
      if (o->sample_loss) o->sample_loss[first + j + l] = li / pw;
    }
  }
  return acc;
}

/* Rows first .. first+r of a batch: their scores S (stride lds) into the
   weighted loss sum, and when dS is given, dS = scale * w_i * dL_i/ds_i
   (for a factor beyond T's range, that times 2^-k: linloss_i_rows_). */
static inline double LINLOSS_I_FN(linloss_i_rows_k_)(int kind, size_t first, size_t r, size_t c,
                                                 const LINLOSS_I_T *S, size_t lds,
                                                 const int32_t *y, const linloss_options *o,
                                                 double scale, double pw, LINLOSS_I_T *dS, size_t ldds) {
#ifdef linloss_i_vmaskbits
  /* the plain SVM's row kernel: for a delta finite in the type (its -inf
     past a row's end would meet an infinite delta), and -0 taken as +0, so
     that no margin is -0 (the kernel stores h where m is not positive) */
  const LINLOSS_I_T delta = (LINLOSS_I_T)o->delta + 0;
  const int ww = o->svm_variant == LINLOSS_SVM_WW && o->hinge_power == 1 && delta - delta == 0;
#endif
  double acc = 0;
  size_t i;
  if (kind == LINLOSS_I_KIND_LOGISTIC) return LINLOSS_I_FN(linloss_i_logistic_rows_)(first, r, S, y, o, scale, pw, dS);
  /* one row per lane: the softmax of small C (its blocks take C >= W) */
  if (LINLOSS_I_W > 1 && (c <= LINLOSS_SMALL_C || c < LINLOSS_I_W) && kind == LINLOSS_I_KIND_SOFTMAX)
    return LINLOSS_I_FN(linloss_i_rows_small_)(first, r, c, S, lds, y, o, scale, pw, dS, ldds, NULL);
  /* and the SVM (Weston-Watkins) when its rows end in a part-filled vector
     and are shorter than two (measured: AVX-512 1.08-1.45x faster at C = 3
     to 12; AVX2 0.95-1.1x, about even; both slower at C = W and above 2 W) */
  if (LINLOSS_I_W > 1 && (c <= LINLOSS_SMALL_C || c < LINLOSS_I_W) && kind == LINLOSS_I_KIND_SVM &&
      o->svm_variant == LINLOSS_SVM_WW && c < 2 * LINLOSS_I_W && c % LINLOSS_I_W != 0) {
#ifdef linloss_i_vmaskbits
    const int flat = o->hinge_power == 1 && !o->class_weight && !o->sample_weight && !o->sample_loss && lds == c &&
                     (!dS || ldds == c);
#endif
    for (i = 0; i < r; i += LINLOSS_I_W) {
      const size_t k = r - i < LINLOSS_I_W ? r - i : LINLOSS_I_W;
      LINLOSS_I_T *g = dS ? dS + i * ldds : NULL;
#ifdef linloss_i_vmaskbits
      double l;
      if (flat && k == LINLOSS_I_W && LINLOSS_I_FN(linloss_i_svm_flat_)(first + i, c, S + i * lds, y, o, scale, pw, g, &l)) {
        acc += l;
        continue;
      }
#endif
      acc += LINLOSS_I_FN(linloss_i_svm_small_)(first + i, k, c, S + i * lds, lds, y, o, scale, pw, g, ldds, NULL);
    }
    return acc;
  }
  if (kind == LINLOSS_I_KIND_SOFTMAX) {
    const size_t fit = LINLOSS_I_SM_ELEMS / c, rows = fit < 1 ? 1 : fit < LINLOSS_I_SM_ROWS ? fit : LINLOSS_I_SM_ROWS;
    for (i = 0; i < r; i += rows) /* and the next block's row count */
      acc += LINLOSS_I_FN(linloss_i_softmax_block_)(first + i, r - i < rows ? r - i : rows, c, S + i * lds, lds, y,
                                                  o, scale, pw, dS ? dS + i * ldds : NULL, ldds,
                                                  r - i <= rows ? 0 : r - i - rows < rows ? r - i - rows : rows);
    return acc;
  }
  for (i = first; i < first + r; i++) {
    const LINLOSS_I_T *s = S + (i - first) * lds;
    LINLOSS_I_T *g = dS ? dS + (i - first) * ldds : NULL;
    double w = linloss_i_weight(o, y, i) * pw, l = 0;
    if (w == 0) {
      if (g) memset(g, 0, c * sizeof(LINLOSS_I_T));
    } else {
      LINLOSS_I_T gs = LINLOSS_I_FN(linloss_i_gscale_)(w * scale);
#ifdef linloss_i_vmaskbits
      if (!(ww && LINLOSS_I_FN(linloss_i_svm_ww_)(s, c, (size_t)y[i], delta, g, gs, &l)))
#endif
        l = LINLOSS_I_FN(linloss_i_svm_row_)(s, c, (size_t)y[i], o, g, gs);
      l *= w;
      acc += l;
    }
    if (o->sample_loss) o->sample_loss[i] = l / pw;
  }
  return acc;
}

/* linloss_i_rows_k_, then the rows whose gradient factor is beyond T's
   range (linloss_i_gscale_: only weights above FLT_MAX under LINLOSS_SUM,
   where the factor is the weight) scaled by their 2^k, in double and
   rounded once: inf where w dL/ds overflows, 0 where dL/ds is 0. */
static inline double LINLOSS_I_FN(linloss_i_rows_)(int kind, size_t first, size_t r, size_t c,
                                                 const LINLOSS_I_T *S, size_t lds,
                                                 const int32_t *y, const linloss_options *o,
                                                 double scale, double pw, LINLOSS_I_T *dS, size_t ldds) {
  const double acc = LINLOSS_I_FN(linloss_i_rows_k_)(kind, first, r, c, S, lds, y, o, scale, pw, dS, ldds);
  size_t i, j;
  if (dS && (o->class_weight || o->sample_weight) && o->reduction == LINLOSS_SUM && /* (MEAN: w / total <= 1) */
      LINLOSS_I_FN(LINLOSS_I_MAX_) < DBL_MAX)
    for (i = 0; i < r; i++) {
      const int k = LINLOSS_I_FN(linloss_i_gscale_k_)(linloss_i_weight(o, y, first + i) * pw * scale);
      const double f = k ? ldexp(1.0, k) : 1;
      LINLOSS_I_T *g = dS + i * ldds;
      for (j = 0; k && j < c; j++) g[j] = (LINLOSS_I_T)((double)g[j] * f);
    }
  return acc;
}


/* ---- the linear part, in "dot form" over D (the contiguous dimension of X):
     forward   S_ij  = sum_k X_ik Wt_jk + b_j
     backward  Gt_jk += sum_i dS_ij X_ik
   with Wt, Gt the class-major (C x D) forms of W and dW: LINLOSS_W_CD is
   that form already, LINLOSS_W_DC goes through transposed copies. Register
   tiles: LINLOSS_I_MR rows x LINLOSS_I_NR classes forward (SMR x SNR for a W
   in L2), LINLOSS_I_BNR classes x LINLOSS_I_KV vectors of D backward. */

/* The tiles always compute their full size with loops of constant length, so
   that the compiler keeps them in registers; at the edges of the matrices the
   missing rows and classes repeat the last valid ones (or are 0) and are not
   stored. */

/* S (r x c, contiguous): every row b, or 0 */
static inline void LINLOSS_I_FN(linloss_i_bias_rows_)(size_t r, size_t c, const LINLOSS_I_T *b, LINLOSS_I_T *S) {
  size_t i;
  if (!b) memset(S, 0, r * c * sizeof(LINLOSS_I_T));
  else
    for (i = 0; i < r; i++) memcpy(S + i * c, b, c * sizeof(LINLOSS_I_T));
}

/* One step of a forward tile of mt rows x nt classes (constants after
   inlining; acc[i nt + j]): m lanes of D from offset k. The operands of the
   smaller side are loaded first and kept in registers. With copy (a
   constant) the rows' lanes are stored to xc too. */
LINLOSS_I_TILE void LINLOSS_I_FN(linloss_i_fwd_step_)(size_t mt, size_t nt, int copy, const LINLOSS_I_T *const *x,
                                                   LINLOSS_I_T *const *xc, const LINLOSS_I_T *const *w,
                                                   size_t k, size_t m, LINLOSS_I_V *acc) {
  LINLOSS_I_V keep[LINLOSS_I_ACC];
  size_t i, j;
  if (nt <= mt) {
    LINLOSS_I_UNROLL
    for (j = 0; j < nt; j++) {
      keep[j] = linloss_i_vload_n(w[j] + k, m, 0);
      LINLOSS_I_INREG(keep[j]);
    }
    LINLOSS_I_UNROLL
    for (i = 0; i < mt; i++) {
      LINLOSS_I_V xv = linloss_i_vload_n(x[i] + k, m, 0);
      LINLOSS_I_INREG(xv);
      if (copy) linloss_i_vstore_n(xc[i] + k, xv, m);
      LINLOSS_I_UNROLL
      for (j = 0; j < nt; j++) acc[i * nt + j] = linloss_i_vfma(xv, keep[j], acc[i * nt + j]);
    }
  } else {
    LINLOSS_I_UNROLL
    for (i = 0; i < mt; i++) {
      keep[i] = linloss_i_vload_n(x[i] + k, m, 0);
      if (copy) linloss_i_vstore_n(xc[i] + k, keep[i], m);
    }
    LINLOSS_I_UNROLL
    for (j = 0; j < nt; j++) {
      LINLOSS_I_V wv = linloss_i_vload_n(w[j] + k, m, 0);
      LINLOSS_I_INREG(wv);
      LINLOSS_I_UNROLL
      for (i = 0; i < mt; i++) acc[i * nt + j] = linloss_i_vfma(keep[i], wv, acc[i * nt + j]);
    }
  }
}

/* Forward tile of mt x nt (constants): adds to S the mr x nr partial scores
   of rows X (stride ldx) and classes Wt (stride ldw) over d columns: whole
   vectors, then the last d mod W lanes. With copy (a constant) the rows go
   to Xc (stride ldc) too. */
LINLOSS_I_TILE void LINLOSS_I_FN(linloss_i_fwd_tile_)(size_t mt, size_t nt, int copy, size_t mr, size_t nr,
                                                   size_t d, const LINLOSS_I_T *X, size_t ldx,
                                                   const LINLOSS_I_T *Wt, size_t ldw,
                                                   LINLOSS_I_T *S, size_t lds, LINLOSS_I_T *Xc, size_t ldc) {
  LINLOSS_I_V acc[LINLOSS_I_ACC];
  const LINLOSS_I_T *x[LINLOSS_I_ACC], *w[LINLOSS_I_ACC];
  LINLOSS_I_T *xc[LINLOSS_I_ACC];
  size_t i, j, k;
  LINLOSS_I_UNROLL
  for (i = 0; i < mt; i++) {
    x[i] = X + (i < mr ? i : mr - 1) * ldx;
    xc[i] = copy ? Xc + (i < mr ? i : mr - 1) * ldc : NULL;
    LINLOSS_I_UNROLL
    for (j = 0; j < nt; j++) acc[i * nt + j] = linloss_i_vzero();
  }
  LINLOSS_I_UNROLL
  for (j = 0; j < nt; j++) w[j] = Wt + (j < nr ? j : nr - 1) * ldw;
  for (k = 0; k + LINLOSS_I_W <= d; k += LINLOSS_I_W)
    LINLOSS_I_FN(linloss_i_fwd_step_)(mt, nt, copy, x, xc, w, k, LINLOSS_I_W, acc);
  if (k < d) LINLOSS_I_FN(linloss_i_fwd_step_)(mt, nt, copy, x, xc, w, k, d - k, acc);
  LINLOSS_I_UNROLL /* constant indices only: acc stays in registers */
  for (i = 0; i < mt; i++) {
    LINLOSS_I_UNROLL
    for (j = 0; j < nt; j++)
      if (i < mr && j < nr) S[i * lds + j] += linloss_i_vhsum(acc[i * nt + j]);
  }
}

/* The forward over tiles of mt x nt (constants), see linloss_i_forward_;
   the tiles of the first classes copy their rows to Xc when it is not NULL. */
LINLOSS_I_TILE void LINLOSS_I_FN(linloss_i_fwd_tiles_)(size_t mt, size_t nt, int small, size_t kc,
                                                    size_t r, size_t d, size_t c,
                                                    const LINLOSS_I_T *X, size_t ldx,
                                                    const LINLOSS_I_T *Wt, size_t ldw, LINLOSS_I_T *S,
                                                    LINLOSS_I_T *Xc, size_t ldc) {
  size_t i, j, k0, i1, j1, kn, mr, nr;
  for (k0 = 0; k0 < d; k0 += kc)
    for (i1 = 0; i1 < (small ? r : c); i1 += small ? mt : nt)
      for (j1 = 0; j1 < (small ? c : r); j1 += small ? nt : mt) {
        i = small ? i1 : j1;
        j = small ? j1 : i1;
        mr = r - i < mt ? r - i : mt, nr = c - j < nt ? c - j : nt, kn = d - k0 < kc ? d - k0 : kc;
        if (LINLOSS_I_XCOPY && Xc && j == 0) /* the same tile, copy a constant */
          LINLOSS_I_FN(linloss_i_fwd_tile_)(mt, nt, 1, mr, nr, kn, X + i * ldx + k0, ldx, Wt + j * ldw + k0, ldw,
                                          S + i * c + j, c, Xc + i * ldc + k0, ldc);
        else
          LINLOSS_I_FN(linloss_i_fwd_tile_)(mt, nt, 0, mr, nr, kn, X + i * ldx + k0, ldx, Wt + j * ldw + k0, ldw,
                                          S + i * c + j, c, NULL, 0);
      }
}

/* S (r x c, contiguous) = X Wt^T + b. When W fits in the L2 cache (small,
   the plan's), row tiles outer: their rows of X stay in L1 across the
   classes. Else panels of D, then classes outer: a tile of classes stays in
   L1 across the rows of the block, which stay in L2. */
static inline void LINLOSS_I_FN(linloss_i_forward_)(int small, size_t r, size_t d, size_t c,
                                                  const LINLOSS_I_T *X, size_t ldx,
                                                  const LINLOSS_I_T *Wt, size_t ldw,
                                                  const LINLOSS_I_T *b, LINLOSS_I_T *S,
                                                  LINLOSS_I_T *Xc, size_t ldc) {
  size_t kc = small ? d : LINLOSS_I_KC_BYTES / sizeof(LINLOSS_I_T);
  if (d < kc + kc / 2) kc = d;
  LINLOSS_I_FN(linloss_i_bias_rows_)(r, c, b, S);
  if (c <= 2) /* binary: tiles of 2 classes, as many rows as registers allow */
    LINLOSS_I_FN(linloss_i_fwd_tiles_)(LINLOSS_I_ACC / 2, 2, small, kc, r, d, c, X, ldx, Wt, ldw, S, Xc, ldc);
  else if (small)
    LINLOSS_I_FN(linloss_i_fwd_tiles_)(LINLOSS_I_SMR, LINLOSS_I_SNR, 1, kc, r, d, c, X, ldx, Wt, ldw, S, Xc, ldc);
  else
    LINLOSS_I_FN(linloss_i_fwd_tiles_)(LINLOSS_I_MR, LINLOSS_I_NR, 0, kc, r, d, c, X, ldx, Wt, ldw, S, Xc, ldc);
}

/* The row loop of a backward tile of nt classes x kt vectors (constants
   after inlining; acc[j kt + v]): acc += the rows act[0..r) of G (stride c)
   times those of X, lanes[v] lanes in vector v; classes past nr repeat the
   last one. With full (a constant: every vector whole) the loop has no
   branches; with dense (a constant) the rows are 0..r-1 and act is not read.
   The operands of the smaller side are loaded first. */
LINLOSS_I_TILE void LINLOSS_I_FN(linloss_i_bwd_rows_)(size_t nt, size_t kt, int full, int dense, size_t nr,
                                                   const size_t *lanes, size_t r, const size_t *act,
                                                   const LINLOSS_I_T *G, size_t c, const LINLOSS_I_T *X,
                                                   size_t ldx, LINLOSS_I_V *acc) {
  LINLOSS_I_V keep[LINLOSS_I_ACC];
  size_t i, j, v, cls[LINLOSS_I_ACC];
  LINLOSS_I_UNROLL
  for (j = 0; j < nt; j++) cls[j] = j < nr ? j : nr - 1;
  for (i = 0; i < r; i++) {
    const size_t row = dense ? i : act[i];
    const LINLOSS_I_T *x = X + row * ldx, *g = G + row * c;
    if (kt <= nt) {
      LINLOSS_I_UNROLL
      for (v = 0; v < kt; v++)
        keep[v] = full ? linloss_i_vload(x + v * LINLOSS_I_W) : linloss_i_vload_n(x + v * LINLOSS_I_W, lanes[v], 0);
      LINLOSS_I_UNROLL
      for (j = 0; j < nt; j++) {
        const LINLOSS_I_V gv = linloss_i_vset1(g[cls[j]]);
        LINLOSS_I_UNROLL
        for (v = 0; v < kt; v++) acc[j * kt + v] = linloss_i_vfma(gv, keep[v], acc[j * kt + v]);
      }
    } else {
      LINLOSS_I_UNROLL
      for (j = 0; j < nt; j++) keep[j] = linloss_i_vset1(g[cls[j]]);
      LINLOSS_I_UNROLL
      for (v = 0; v < kt; v++) {
        const LINLOSS_I_V xv =
            full ? linloss_i_vload(x + v * LINLOSS_I_W) : linloss_i_vload_n(x + v * LINLOSS_I_W, lanes[v], 0);
        LINLOSS_I_UNROLL
        for (j = 0; j < nt; j++) acc[j * kt + v] = linloss_i_vfma(keep[j], xv, acc[j * kt + v]);
      }
    }
  }
}

/* Backward tile of nt x kt (constants): the nr rows (classes) and len <=
   kt W columns of Gt at Gt (stride ldg) += the rows act[0..r) of G (stride
   c) times those of X. */
LINLOSS_I_TILE void LINLOSS_I_FN(linloss_i_bwd_tile_)(size_t nt, size_t kt, size_t nr, size_t len, size_t r,
                                                   const size_t *act, const LINLOSS_I_T *G,
                                                   size_t c, const LINLOSS_I_T *X, size_t ldx,
                                                   LINLOSS_I_T *Gt, size_t ldg) {
  LINLOSS_I_V acc[LINLOSS_I_ACC];
  size_t lanes[LINLOSS_I_ACC], j, v;
  LINLOSS_I_UNROLL
  for (v = 0; v < kt; v++) {
    lanes[v] = LINLOSS_I_FN(linloss_i_lanes_)(len, v * LINLOSS_I_W);
    LINLOSS_I_UNROLL
    for (j = 0; j < nt; j++)
      acc[j * kt + v] = j < nr ? linloss_i_vload_n(Gt + j * ldg + v * LINLOSS_I_W, lanes[v], 0) : linloss_i_vzero();
  }
  /* a whole tile: the classes are constants too; act is increasing, so its
     last row is r - 1 only when it lists every row. Not for the scalar
     backend, whose dense row loop gcc 12 -O3 vectorizes over pairs of rows,
     reading a row past the last (caught by test_special's guard pages). */
  if (LINLOSS_I_W > 1 && len == kt * LINLOSS_I_W && nr == nt && r && act[r - 1] == r - 1)
    LINLOSS_I_FN(linloss_i_bwd_rows_)(nt, kt, 1, 1, nt, lanes, r, act, G, c, X, ldx, acc);
  else if (len == kt * LINLOSS_I_W && nr == nt)
    LINLOSS_I_FN(linloss_i_bwd_rows_)(nt, kt, 1, 0, nt, lanes, r, act, G, c, X, ldx, acc);
  else if (len == kt * LINLOSS_I_W)
    LINLOSS_I_FN(linloss_i_bwd_rows_)(nt, kt, 1, 0, nr, lanes, r, act, G, c, X, ldx, acc);
  else
    LINLOSS_I_FN(linloss_i_bwd_rows_)(nt, kt, 0, 0, nr, lanes, r, act, G, c, X, ldx, acc);
  LINLOSS_I_UNROLL /* constant indices only: acc stays in registers */
  for (j = 0; j < nt; j++) {
    LINLOSS_I_UNROLL
    for (v = 0; v < kt; v++)
      if (j < nr && lanes[v]) linloss_i_vstore_n(Gt + j * ldg + v * LINLOSS_I_W, acc[j * kt + v], lanes[v]);
  }
}

/* The backward over tiles of nt x kt (constants), see linloss_i_backward_ */
LINLOSS_I_TILE void LINLOSS_I_FN(linloss_i_bwd_tiles_)(size_t nt, size_t kt, int small, size_t r,
                                                    const size_t *act, size_t d, size_t c,
                                                    const LINLOSS_I_T *X, size_t ldx,
                                                    const LINLOSS_I_T *G, LINLOSS_I_T *Gt, size_t ldg) {
  const size_t kw = kt * LINLOSS_I_W;
  size_t j, k, a, b;
  for (a = 0; a < (small ? d : c); a += small ? kw : nt)
    for (b = 0; b < (small ? c : d); b += small ? nt : kw) {
      k = small ? a : b;
      j = small ? b : a;
      LINLOSS_I_FN(linloss_i_bwd_tile_)(nt, kt, c - j < nt ? c - j : nt, d - k < kw ? d - k : kw, r, act,
                                      G + j, c, X + k, ldx, Gt + j * ldg + k, ldg);
    }
}

/* Gt (c x d, stride ldg) += G^T X over the rows act[0..r). Columns of D outer when W
   fits in L2 (small, the plan's: the rows' chunk of X stays in L1 across the
   classes), else classes outer (their column of G stays in L1 across D). */
static inline void LINLOSS_I_FN(linloss_i_backward_)(int small, size_t r, const size_t *act, size_t d,
                                                   size_t c, const LINLOSS_I_T *X, size_t ldx,
                                                   const LINLOSS_I_T *G, LINLOSS_I_T *Gt, size_t ldg) {
  if (c <= 2)
    LINLOSS_I_FN(linloss_i_bwd_tiles_)(2, LINLOSS_I_ACC / 2, small, r, act, d, c, X, ldx, G, Gt, ldg);
  else if (LINLOSS_I_BWIDE && c > LINLOSS_I_BNR && c <= 2 * LINLOSS_I_BNR) /* every class in one tile */
    LINLOSS_I_FN(linloss_i_bwd_tiles_)(2 * LINLOSS_I_BNR, LINLOSS_I_ACC / (2 * LINLOSS_I_BNR), small, r, act, d, c, X,
                                     ldx, G, Gt, ldg);
  else
    LINLOSS_I_FN(linloss_i_bwd_tiles_)(LINLOSS_I_BNR, LINLOSS_I_KV, small, r, act, d, c, X, ldx, G, Gt, ldg);
}

/* The packing of operands: dst[k w + q] = M[act[k] ldm + j + q] for the
   rows k < r and q < w, 0 past column cols. _v_: w whole vectors (vector
   loads; act NULL: the rows k), _s_: w single elements. */
static inline void LINLOSS_I_FN(linloss_i_pack_v_)(size_t r, const size_t *act, const LINLOSS_I_T *M, size_t ldm,
                                                 size_t j, size_t cols, size_t w, LINLOSS_I_T *dst) {
  size_t k, q;
  for (k = 0; k < r; k++)
    for (q = 0; q < w; q += LINLOSS_I_W) {
      const size_t nl = LINLOSS_I_FN(linloss_i_lanes_)(cols - j, q);
      linloss_i_vstore(dst + k * w + q, nl ? linloss_i_vload_n(M + (act ? act[k] : k) * ldm + j + q, nl, 0) : linloss_i_vzero());
    }
}

static inline void LINLOSS_I_FN(linloss_i_pack_s_)(size_t r, const size_t *act, const LINLOSS_I_T *M, size_t ldm,
                                                 size_t j, size_t cols, size_t w, LINLOSS_I_T *dst) {
  size_t k, q;
  for (k = 0; k < r; k++)
    for (q = 0; q < w; q++) dst[k * w + q] = j + q < cols ? M[act[k] * ldm + j + q] : 0;
}

/* B (cols x rows, stride ldb) = A^T; A is rows x cols, stride lda. By
   blocks of W x W in registers, those at the edges too (partial loads and
   stores: W_DC's transposes at C = 10, element by element before, took 10 %
   of an AVX2 MNIST batch). */
static inline void LINLOSS_I_FN(linloss_i_transpose_)(size_t rows, size_t cols, const LINLOSS_I_T *A,
                                                    size_t lda, LINLOSS_I_T *B, size_t ldb) {
  size_t i, j, l;
  for (i = 0; i < rows; i += LINLOSS_I_W) {
    const size_t r = rows - i < LINLOSS_I_W ? rows - i : LINLOSS_I_W;
    for (j = 0; j < cols; j += LINLOSS_I_W) {
      const size_t k = cols - j < LINLOSS_I_W ? cols - j : LINLOSS_I_W;
      LINLOSS_I_V v[LINLOSS_I_W];
      LINLOSS_I_UNROLL
      for (l = 0; l < LINLOSS_I_W; l++) v[l] = l < r ? linloss_i_vload_n(A + (i + l) * lda + j, k, 0) : linloss_i_vzero();
      linloss_i_vtranspose(v);
      LINLOSS_I_UNROLL
      for (l = 0; l < LINLOSS_I_W; l++)
        if (l < k) linloss_i_vstore_n(B + (j + l) * ldb + i, v[l], r);
    }
  }
}

/* A panel of M^T: dst[k w + q] = M[(j + q) ldm + k0 + k] for k < K and
   q < w, 0 past row cols of M. */
static inline void LINLOSS_I_FN(linloss_i_pack_t_)(size_t K, const LINLOSS_I_T *M, size_t ldm, size_t k0,
                                                 size_t j, size_t cols, size_t w, LINLOSS_I_T *dst) {
  const size_t m = cols - j < w ? cols - j : w;
  size_t k;
  LINLOSS_I_FN(linloss_i_transpose_)(m, K, M + j * ldm + k0, ldm, dst, w);
  for (k = 0; m < w && k < K; k++) memset(dst + k * w + m, 0, (w - m) * sizeof(LINLOSS_I_T));
}

/* ---- the linear part in "outer-product form", vectors along C: the
   forward for W_DC larger than L2 or of short rows (see
   linloss_i_plan_make) and, with TW, for W_CD larger than L2; the backward
   for W_DC larger than L2.
     forward   S[i, :]  += sum_k X_ik W[k, :]        (A = X,   B = W)
     backward  dW[k, :] += sum_i X_ik dS[i, :]       (A = X^T, B = dS)
   One register tile for both: Ct (OMR rows x ONV vectors, stride ldc) +=
   sum over kk < K of A(r, kk) B[kk, :], B's rows being B + kk ldb, and
   A(r, kk) = A[r lda + kk] (trans = 0: rows past mr repeat the last one) or
   A[kk lda + r] (trans = 1: packed, om values per kk). Rows past mr are not
   stored; nl classes (lanes) in the tile. */
LINLOSS_I_TILE void LINLOSS_I_FN(linloss_i_op_rows_)(size_t om, size_t on, int trans, int full, size_t mr,
                                                  const size_t *lanes, size_t K, const LINLOSS_I_T *A,
                                                  size_t lda, const LINLOSS_I_T *B, size_t ldb,
                                                  LINLOSS_I_V *acc) {
  const LINLOSS_I_T *a[LINLOSS_I_ACC];
  size_t kk, r, v;
  LINLOSS_I_UNROLL
  for (r = 0; r < om; r++) a[r] = A + (r < mr ? r : mr - 1) * lda;
  for (kk = 0; kk < K; kk++) {
    const LINLOSS_I_T *bp = B + kk * ldb, *ar = A + kk * lda;
    LINLOSS_I_V bv[LINLOSS_I_ACC];
    LINLOSS_I_UNROLL
    for (v = 0; v < on; v++) {
      bv[v] = full ? linloss_i_vload(bp + v * LINLOSS_I_W) : linloss_i_vload_n(bp + v * LINLOSS_I_W, lanes[v], 0);
      LINLOSS_I_INREG(bv[v]);
    }
    LINLOSS_I_UNROLL
    for (r = 0; r < om; r++) {
      const LINLOSS_I_V av = linloss_i_vset1(trans ? ar[r] : a[r][kk]);
      LINLOSS_I_UNROLL
      for (v = 0; v < on; v++) acc[r * on + v] = linloss_i_vfma(av, bv[v], acc[r * on + v]);
    }
  }
}

LINLOSS_I_TILE void LINLOSS_I_FN(linloss_i_op_tile_)(size_t om, size_t on, int trans, size_t mr, size_t nl,
                                                  size_t K, const LINLOSS_I_T *A, size_t lda,
                                                  const LINLOSS_I_T *B, size_t ldb, LINLOSS_I_T *Ct,
                                                  size_t ldc) {
  LINLOSS_I_V acc[LINLOSS_I_ACC];
  size_t lanes[LINLOSS_I_ACC], r, v;
  LINLOSS_I_UNROLL
  for (v = 0; v < on; v++) {
    lanes[v] = LINLOSS_I_FN(linloss_i_lanes_)(nl, v * LINLOSS_I_W);
    LINLOSS_I_UNROLL
    for (r = 0; r < om; r++)
      acc[r * on + v] = r < mr ? linloss_i_vload_n(Ct + r * ldc + v * LINLOSS_I_W, lanes[v], 0) : linloss_i_vzero();
  }
  if (trans) /* packed operands: whole vectors, om rows */
    LINLOSS_I_FN(linloss_i_op_rows_)(om, on, 1, 1, om, lanes, K, A, lda, B, ldb, acc);
  else if (nl == on * LINLOSS_I_W || ldb == on * LINLOSS_I_W) /* or B packed to whole vectors */
    LINLOSS_I_FN(linloss_i_op_rows_)(om, on, 0, 1, mr, lanes, K, A, lda, B, ldb, acc);
  else LINLOSS_I_FN(linloss_i_op_rows_)(om, on, 0, 0, mr, lanes, K, A, lda, B, ldb, acc);
  LINLOSS_I_UNROLL /* constant indices only: acc stays in registers */
  for (r = 0; r < om; r++) {
    LINLOSS_I_UNROLL
    for (v = 0; v < on; v++)
      if (r < mr && lanes[v]) linloss_i_vstore_n(Ct + r * ldc + v * LINLOSS_I_W, acc[r * on + v], lanes[v]);
  }
}

/* The forward in the outer-product form over tiles of om x on (constants):
   panels of D, so that a panel of a tile of classes stays in L1 across the
   rows. With pk (OKC x nt elements), each panel is packed there first: its
   rows are then contiguous, not c apart on as many pages; with tw, W is
   given as C x D (W_CD) and its panels are packed from its transpose. */
LINLOSS_I_TILE void LINLOSS_I_FN(linloss_i_op_tiles_)(size_t om, size_t on, size_t r, size_t d, size_t c,
                                                   const LINLOSS_I_T *X, size_t ldx,
                                                   const LINLOSS_I_T *W, LINLOSS_I_T *S, LINLOSS_I_T *pk,
                                                   int tw) {
  const size_t nt = on * LINLOSS_I_W, kc = LINLOSS_I_OKC;
  size_t i, j, k0;
  for (k0 = 0; k0 < d; k0 += kc)
    for (j = 0; j < c; j += nt) {
      const size_t K = d - k0 < kc ? d - k0 : kc;
      const LINLOSS_I_T *B = W + k0 * c + j;
      size_t ldb = c;
      if (pk && tw) LINLOSS_I_FN(linloss_i_pack_t_)(K, W, d, k0, j, c, nt, pk);
      else if (pk) LINLOSS_I_FN(linloss_i_pack_v_)(K, NULL, W + k0 * c, c, j, c, nt, pk);
      if (pk) B = pk, ldb = nt;
      for (i = 0; i < r; i += om) /* S rows i.. += X[i.., k0..] W[k0.., j..] */
        LINLOSS_I_FN(linloss_i_op_tile_)(om, on, 0, r - i < om ? r - i : om, c - j < nt ? c - j : nt, K,
                                       X + i * ldx + k0, ldx, B, ldb, S + i * c + j, c);
    }
}

/* S (r x c, contiguous) = X W + b, W being D x C; one vector of classes per
   tile when they fit, two when they do, else the general tile on panels of
   W packed into pk (LINLOSS_I_PK elements), which may come from W as C x D
   (tw: W_CD, C > 2 vectors and pk given). */
#define LINLOSS_I_PK (LINLOSS_I_OKC * LINLOSS_I_ONV * LINLOSS_I_W)
static inline void LINLOSS_I_FN(linloss_i_forward_dc_)(size_t r, size_t d, size_t c,
                                                     const LINLOSS_I_T *X, size_t ldx,
                                                     const LINLOSS_I_T *W, const LINLOSS_I_T *b,
                                                     LINLOSS_I_T *S, LINLOSS_I_T *pk, int tw) {
  LINLOSS_I_FN(linloss_i_bias_rows_)(r, c, b, S);
  if (c <= LINLOSS_I_W)
    LINLOSS_I_FN(linloss_i_op_tiles_)(LINLOSS_I_ACC / 2, 1, r, d, c, X, ldx, W, S, NULL, 0);
  else if (c <= 2 * LINLOSS_I_W)
    LINLOSS_I_FN(linloss_i_op_tiles_)(LINLOSS_I_ACC / 2, 2, r, d, c, X, ldx, W, S, NULL, 0);
  else if (tw)
    LINLOSS_I_FN(linloss_i_op_tiles_)(LINLOSS_I_OMR, LINLOSS_I_ONV, r, d, c, X, ldx, W, S, pk, 1);
  else
    LINLOSS_I_FN(linloss_i_op_tiles_)(LINLOSS_I_OMR, LINLOSS_I_ONV, r, d, c, X, ldx, W, S, pk, 0);
}

/* The packed operands of a backward for a W larger than L2, at most: G,
   rows x C rounded up to whole tiles of classes, and for LINLOSS_W_CD a
   chunk of the rows of X (see linloss_i_backward_dc_, _cd_). */
#define LINLOSS_I_GPACK(rows, c) ((rows) * ((c) + LINLOSS_I_BNR + (LINLOSS_I_ONV + LINLOSS_I_KV) * LINLOSS_I_W))

/* dW (D x C) += X^T G over the rows act[0..r) of the block. Both operands
   are packed first so that the tiles read them in order, from few pages:
   G into panels of a tile of classes (gp, r x nt each, zeros past c) and,
   for each tile of rows of dW, its columns of X (xp, r x om, zeros past d).
   Rows of dW outer: dW is read and written in order. */
LINLOSS_I_KERNEL void LINLOSS_I_FN(linloss_i_backward_dc_)(size_t r, const size_t *act, size_t d, size_t c,
                                                        const LINLOSS_I_T *X, size_t ldx,
                                                        const LINLOSS_I_T *G, LINLOSS_I_T *dW,
                                                        LINLOSS_I_T *gp) {
  const size_t om = LINLOSS_I_OMR, nt = LINLOSS_I_ONV * LINLOSS_I_W;
  LINLOSS_I_T xp[LINLOSS_BLOCK_ROWS * LINLOSS_I_OMR];
  size_t i, j;
  for (j = 0; j < c; j += nt) LINLOSS_I_FN(linloss_i_pack_v_)(r, act, G, c, j, c, nt, gp + j * r);
  for (i = 0; i < d; i += om) {
    LINLOSS_I_FN(linloss_i_pack_s_)(r, act, X, ldx, i, d, om, xp);
    for (j = 0; j < c; j += nt)
      LINLOSS_I_FN(linloss_i_op_tile_)(om, LINLOSS_I_ONV, 1, d - i < om ? d - i : om, c - j < nt ? c - j : nt, r,
                                     xp, om, gp + j * r, nt, dW + i * c + j, c);
  }
}

/* Gt (C x D) += G^T X over the rows act[0..r) of the block, for a W larger
   than L2 as C x D: linloss_i_backward_dc_ with the roles of G and X
   swapped. G goes packed into tiles of BNR classes (gp, r x BNR each, zeros
   past c); for each chunk of KV vectors of D its rows of X (xp, r x nt,
   zeros past d), then the tiles of classes over that chunk. */
LINLOSS_I_KERNEL void LINLOSS_I_FN(linloss_i_backward_cd_)(size_t r, const size_t *act, size_t d, size_t c,
                                                        const LINLOSS_I_T *X, size_t ldx,
                                                        const LINLOSS_I_T *G, LINLOSS_I_T *Gt,
                                                        LINLOSS_I_T *gp) {
  const size_t om = LINLOSS_I_BNR, nt = LINLOSS_I_KV * LINLOSS_I_W;
  LINLOSS_I_T *xp = gp + r * ((c + om - 1) / om * om);
  size_t i, j;
  for (j = 0; j < c; j += om) LINLOSS_I_FN(linloss_i_pack_s_)(r, act, G, c, j, c, om, gp + j * r);
  for (i = 0; i < d; i += nt) {
    LINLOSS_I_FN(linloss_i_pack_v_)(r, act, X, ldx, i, d, nt, xp);
    for (j = 0; j < c; j += om)
      LINLOSS_I_FN(linloss_i_op_tile_)(om, LINLOSS_I_KV, 1, c - j < om ? c - j : om, d - i < nt ? d - i : nt, r,
                                     gp + j * r, om, xp, nt, Gt + j * d + i, d);
  }
}

/* ---- short rows, one row per lane throughout: a block of rows of D at
   most SMALL_D and a loss of the one-row-per-lane kernels (small C; see
   linloss_i_lanes_ok) has its X transposed (Xt, D x rp: rp the rows rounded
   up to W, 0 in the lanes past them), its scores computed transposed, as
   those kernels take them (St: blocks of C x W, W rows each), their loss
   and gradients in place, and the gradients back into dS (r x C) for the
   backward. The outer-product form there wasted the lanes past C in every
   vector (6 of 16 at C = 10 on AVX2) and the kernels transposed the scores
   in and out. Forward tiles of LMT vectors of rows x LNT classes (4 x 2,
   3 x 4 on AVX2, 2 x 10, 4 x 6 on AVX-512: 0.93-1.00x); W as D x C or
   C x D alike (wk, wj: its strides). */
#ifndef LINLOSS_I_LMT
#define LINLOSS_I_LMT (LINLOSS_I_REGS32 ? 4 : 2)
#endif
#ifndef LINLOSS_I_LNT
#define LINLOSS_I_LNT 5
#endif

LINLOSS_I_TILE void LINLOSS_I_FN(linloss_i_lfwd_tile_)(size_t mt, size_t nt, size_t mr, size_t nr, size_t d,
                                                    const LINLOSS_I_T *Xt, size_t rp, const LINLOSS_I_T *W,
                                                    size_t wk, size_t wj, const LINLOSS_I_T *b,
                                                    LINLOSS_I_T *St, size_t c) {
  LINLOSS_I_V acc[LINLOSS_I_ACC];
  const LINLOSS_I_T *w[LINLOSS_I_ACC], *x = Xt;
  size_t v, j, k;
  LINLOSS_I_UNROLL
  for (j = 0; j < nt; j++) {
    w[j] = W + (j < nr ? j : nr - 1) * wj;
    LINLOSS_I_UNROLL
    for (v = 0; v < mt; v++) acc[v * nt + j] = b ? linloss_i_vset1(b[j < nr ? j : nr - 1]) : linloss_i_vzero();
  }
  for (k = 0; k < d; k++, x += rp) {
    LINLOSS_I_V xv[LINLOSS_I_ACC];
    LINLOSS_I_UNROLL
    for (v = 0; v < mt; v++) {
      xv[v] = linloss_i_vload(x + (v < mr ? v : mr - 1) * LINLOSS_I_W);
      LINLOSS_I_INREG(xv[v]);
    }
    LINLOSS_I_UNROLL
    for (j = 0; j < nt; j++) {
      const LINLOSS_I_V wv = linloss_i_vset1(w[j][k * wk]);
      LINLOSS_I_UNROLL
      for (v = 0; v < mt; v++) acc[v * nt + j] = linloss_i_vfma(xv[v], wv, acc[v * nt + j]);
    }
  }
  LINLOSS_I_UNROLL /* constant indices only: acc stays in registers */
  for (v = 0; v < mt; v++) {
    LINLOSS_I_UNROLL
    for (j = 0; j < nt; j++)
      if (v < mr && j < nr) linloss_i_vstore(St + (v * c + j) * LINLOSS_I_W, acc[v * nt + j]);
  }
}

/* Rows first .. first + r (X, stride ldx), see above: the loss sum; dS
   (r x C, contiguous) when grad. */
static inline double LINLOSS_I_FN(linloss_i_lanes_block_)(int kind, size_t first, size_t r, size_t d, size_t c,
                                                        const LINLOSS_I_T *X, size_t ldx, const LINLOSS_I_T *W,
                                                        int dc, const LINLOSS_I_T *b, const int32_t *y,
                                                        const linloss_options *o,
                                                        double scale, double pw, LINLOSS_I_T *Xt, LINLOSS_I_T *St,
                                                        LINLOSS_I_T *dS, int grad) {
  const size_t rp = (r + LINLOSS_I_W - 1) / LINLOSS_I_W * LINLOSS_I_W, nv = rp / LINLOSS_I_W;
  const size_t wk = dc ? c : 1, wj = dc ? 1 : d;
  LINLOSS_I_T(*t)[LINLOSS_I_W] = (LINLOSS_I_T(*)[LINLOSS_I_W])St;
  double acc = 0;
  size_t i, j, k;
  LINLOSS_I_FN(linloss_i_transpose_)(r, d, X, ldx, Xt, rp);
  for (k = 0; rp > r && k < d; k++) memset(Xt + k * rp + r, 0, (rp - r) * sizeof(LINLOSS_I_T));
  for (i = 0; i < nv; i += LINLOSS_I_LMT)
    for (j = 0; j < c; j += LINLOSS_I_LNT)
      LINLOSS_I_FN(linloss_i_lfwd_tile_)(LINLOSS_I_LMT, LINLOSS_I_LNT, nv - i < LINLOSS_I_LMT ? nv - i : LINLOSS_I_LMT,
                                       c - j < LINLOSS_I_LNT ? c - j : LINLOSS_I_LNT, d, Xt + i * LINLOSS_I_W, rp,
                                       W + j * wj, wk, wj, b ? b + j : NULL, St + (i * c + j) * LINLOSS_I_W, c);
  if (kind == LINLOSS_I_KIND_SOFTMAX)
    acc = LINLOSS_I_FN(linloss_i_rows_small_)(first, r, c, NULL, 0, y, o, scale, pw, NULL, 0, t);
  else
    for (i = 0; i < r; i += LINLOSS_I_W)
      acc += LINLOSS_I_FN(linloss_i_svm_small_)(first + i, r - i < LINLOSS_I_W ? r - i : LINLOSS_I_W, c, NULL, 0, y, o,
                                              scale, pw, NULL, 0, t + i / LINLOSS_I_W * c);
  for (i = 0; grad && i < r; i += LINLOSS_I_W)
    LINLOSS_I_FN(linloss_i_lanes_out_)(r - i < LINLOSS_I_W ? r - i : LINLOSS_I_W, c, t + i / LINLOSS_I_W * c,
                                     dS + i * c, c);
  return acc;
}

/* p rounded up to a 64-byte boundary */
static inline LINLOSS_I_T *LINLOSS_I_FN(linloss_i_aligned_)(LINLOSS_I_T *p) {
  return p + (LINLOSS_I_ALIGN - (size_t)((uintptr_t)p / sizeof(LINLOSS_I_T) % LINLOSS_I_ALIGN)) % LINLOSS_I_ALIGN;
}

/* The copy of W a plan asks for (see linloss_i_plan_make), in p: for the
   outer-product form (odc, W_CD only) W^T (D x C); for the dot form the
   class-major W with rows of stride ldw (a multiple of 64 bytes) from a
   64-byte boundary, so that its loads never straddle cache lines (W_DC
   transposed, W_CD copied). At most c ldw + LINLOSS_I_ALIGN elements. */
static inline LINLOSS_I_T *LINLOSS_I_FN(linloss_i_wcopy_)(int dc, int odc, size_t d, size_t c,
                                                       const LINLOSS_I_T *W, LINLOSS_I_T *p, size_t ldw) {
  LINLOSS_I_T *wt = LINLOSS_I_FN(linloss_i_aligned_)(p);
  size_t j;
  if (odc) {
    LINLOSS_I_FN(linloss_i_transpose_)(c, d, W, d, p, c);
    return p;
  }
  if (dc) LINLOSS_I_FN(linloss_i_transpose_)(d, c, W, c, wt, ldw);
  else
    for (j = 0; j < c; j++) memcpy(wt + j * ldw, W + j * d, d * sizeof(LINLOSS_I_T));
  return wt;
}

/* Working memory of a call, len elements: the stack buffer when it fits,
   else one LINLOSS_MALLOC; NULL if that fails. */
static inline LINLOSS_I_T *LINLOSS_I_FN(linloss_i_work_)(size_t len, LINLOSS_I_T *stack, size_t stack_len) {
  if (len <= stack_len) return stack;
  if (!linloss_i_size_ok(len, 1, sizeof(LINLOSS_I_T))) return NULL;
  return (LINLOSS_I_T *)LINLOSS_MALLOC(len * sizeof(LINLOSS_I_T));
}

/* ---- a call as chunks of rows, one thread's unit of work (see THREADS).
   A fused call or predict (X != NULL) runs the linear part block by block;
   a loss-layer call works on S. Per thread, tmp holds `per` elements: a
   block of scores, then for the chunks after the first the partial
   gradient (glen elements) and db (c). */
typedef struct LINLOSS_I_FN(linloss_i_job_) {
  int kind, dc, tw; /* tw: the outer-product forward on W_CD, see linloss_i_op_tiles_ */
  linloss_i_plan pl;
  size_t d, c, ldx, lds, ldds, ldg, rows, chunk, glen, gpo, xco, ldp, pko, lxo, lso, per;
  const LINLOSS_I_T *X, *W, *b, *S;
  const int32_t *y;
  const linloss_options *o;
  double scale, pw;
  LINLOSS_I_T *dS, *G, *db, *tmp;
  int32_t *pred;
} LINLOSS_I_FN(linloss_i_job_);

/* Chunk k (rows k chunk .. of the n) on thread t: the loss sum of its rows.
   The first chunk adds its gradient straight into the call's G and db, the
   others into the thread's, zeroed first. */
static inline double LINLOSS_I_FN(linloss_i_chunk_)(const LINLOSS_I_FN(linloss_i_job_) *J, size_t n,
                                                  size_t k, size_t t) {
  const size_t i0 = k * J->chunk, m = n - i0 < J->chunk ? n - i0 : J->chunk, c = J->c;
  LINLOSS_I_T *S, *G = J->G, *db = J->db, *xc;
  size_t act[LINLOSS_BLOCK_ROWS], i, j;
  double data = 0;
  if (!J->X)
    return LINLOSS_I_FN(linloss_i_rows_)(J->kind, i0, m, c, J->S + i0 * J->lds, J->lds, J->y, J->o,
                                        J->scale, J->pw, J->dS ? J->dS + i0 * J->ldds : NULL, J->ldds);
  S = J->tmp + t * J->per; /* (the loss layer has no tmp) */
  xc = J->ldp ? LINLOSS_I_FN(linloss_i_aligned_)(S + J->xco) : NULL;
  if (k && G) memset(G = S + J->rows * c, 0, J->glen * sizeof(LINLOSS_I_T));
  if (k && db) memset(db = S + J->rows * c + J->glen, 0, c * sizeof(LINLOSS_I_T));
  for (i = i0; i < i0 + m; i += J->rows) {
    const size_t r = i0 + m - i < J->rows ? i0 + m - i : J->rows;
    const LINLOSS_I_T *Xb = J->X + i * J->ldx;
    if (J->pl.lanes) { /* forward and loss in one (never for predict) */
      data += LINLOSS_I_FN(linloss_i_lanes_block_)(
          J->kind, i, r, J->d, c, Xb, J->ldx, J->W, J->dc, J->b, J->y, J->o, J->scale, J->pw,
          LINLOSS_I_FN(linloss_i_aligned_)(J->tmp + t * J->per + J->lxo),
          LINLOSS_I_FN(linloss_i_aligned_)(J->tmp + t * J->per + J->lso), S, G || db);
    } else {
      if (J->pl.odc || J->tw)
        LINLOSS_I_FN(linloss_i_forward_dc_)(r, J->d, c, Xb, J->ldx, J->W, J->b, S,
                                           J->pko ? LINLOSS_I_FN(linloss_i_aligned_)(J->tmp + t * J->per + J->pko) : NULL,
                                           J->tw);
      else LINLOSS_I_FN(linloss_i_forward_)(J->pl.small, r, J->d, c, Xb, J->ldx, J->W, J->pl.ldw, J->b, S, xc, J->ldp);
      if (J->pred) {
        for (j = 0; j < r; j++) J->pred[i + j] = (int32_t)LINLOSS_I_FN(linloss_i_argmax_)(S + j * c, c, c);
        continue;
      }
      data += LINLOSS_I_FN(linloss_i_rows_)(J->kind, i, r, c, S, c, J->y, J->o, J->scale, J->pw, G || db ? S : NULL, c);
    }
    if (G) {
      const size_t na = linloss_i_active(J->o, J->y, i, r, act);
      LINLOSS_I_T *gp = J->tmp + t * J->per + J->gpo;
      if (!J->pl.pack) /* from the copy of the rows, if any */
        LINLOSS_I_FN(linloss_i_backward_)(J->pl.small, na, act, J->d, c, xc ? xc : Xb, xc ? J->ldp : J->ldx, S, G, J->ldg);
      else if (J->dc) LINLOSS_I_FN(linloss_i_backward_dc_)(na, act, J->d, c, Xb, J->ldx, S, G, gp);
      else LINLOSS_I_FN(linloss_i_backward_cd_)(na, act, J->d, c, Xb, J->ldx, S, G, gp);
    }
    if (db) LINLOSS_I_FN(linloss_i_colsum_)(r, c, S, db);
  }
  return data;
}

/* Adds chunk k's partial gradient (k > 0, on thread t) to the call's. */
static inline void LINLOSS_I_FN(linloss_i_merge_)(const LINLOSS_I_FN(linloss_i_job_) *J, size_t k, size_t t) {
  const LINLOSS_I_T *p;
  if (k == 0 || !J->X) return;
  p = J->tmp + t * J->per + J->rows * J->c;
  if (J->G) LINLOSS_I_FN(linloss_i_axpy_)(J->glen, 1, p, J->G);
  if (J->db) LINLOSS_I_FN(linloss_i_axpy_)(J->c, 1, p + J->glen, J->db);
}

/* The chunks of a call on nt threads, merged in chunk order: the same sums
   in the same order whatever the number of threads. */
static inline double LINLOSS_I_FN(linloss_i_run_)(const LINLOSS_I_FN(linloss_i_job_) *J, size_t n, size_t nt) {
  const size_t nch = (n + J->chunk - 1) / J->chunk;
  double data = 0;
  size_t k;
#if defined(_OPENMP)
  if (nt > 1) {
#pragma omp parallel num_threads((int)nt)
    {
      const size_t t = (size_t)omp_get_thread_num();
#pragma omp for ordered schedule(static, 1)
      for (k = 0; k < nch; k++) {
        const double dk = LINLOSS_I_FN(linloss_i_chunk_)(J, n, k, t);
#pragma omp ordered
        {
          LINLOSS_I_FN(linloss_i_merge_)(J, k, t);
          data += dk;
        }
      }
    }
    return data;
  }
#endif
  (void)nt;
  for (k = 0; k < nch; k++) {
    const double dk = LINLOSS_I_FN(linloss_i_chunk_)(J, n, k, 0);
    LINLOSS_I_FN(linloss_i_merge_)(J, k, 0);
    data += dk;
  }
  return data;
}

/* The linear part of a fused call (loss sum in *data, the gradient in dW
   and db without the L2 term) or of predict (pred != NULL), after the
   checks. Nothing is written before the scratch is had. */
static inline linloss_status LINLOSS_I_FN(linloss_i_linear_)(
    int kind, size_t n, size_t d, size_t c, const LINLOSS_I_T *X, size_t ldx, const int32_t *y,
    const LINLOSS_I_T *W, const LINLOSS_I_T *b, const linloss_options *o, double scale, double pw,
    LINLOSS_I_T *dW, LINLOSS_I_T *db, int32_t *pred, double *data) {
  LINLOSS_I_T stack[LINLOSS_STACK_SCRATCH / sizeof(LINLOSS_I_T)], *buf;
  LINLOSS_I_FN(linloss_i_job_) J;
  size_t nch, nt, len, j;
  int gt;
  memset(&J, 0, sizeof J);
  J.kind = kind;
  J.dc = o->w_layout == LINLOSS_W_DC && kind != LINLOSS_I_KIND_LOGISTIC;
  J.pl = linloss_i_plan_make(J.dc, n, d, c, sizeof(LINLOSS_I_T),
                             n && !pred && linloss_i_lanes_ok(kind, d, c, LINLOSS_I_W, o) ? LINLOSS_I_W : 0);
  J.d = d, J.c = c, J.X = X, J.ldx = ldx, J.y = y, J.b = b, J.o = o, J.scale = scale, J.pw = pw;
  J.db = db, J.pred = pred;
  J.rows = linloss_i_block_rows(&J.pl, n, d, c, sizeof(LINLOSS_I_T));
  J.chunk = linloss_i_chunk_rows(J.rows, d, c);
  /* the backward's class-major accumulator: rows that crowd into few L1
     sets (as X's do, see below; judged on the first 16, a few tiles' worth)
     get a spread stride */
  J.ldg = dW && n && !J.pl.pack && c > 1 && linloss_i_crowded(c < 16 ? c : 16, d, sizeof(LINLOSS_I_T))
              ? linloss_i_spread(d, sizeof(LINLOSS_I_T)) : d;
  J.glen = dW ? c * J.ldg : 0;
  nch = (n + J.chunk - 1) / J.chunk;
  nt = linloss_i_threads(o, nch);
  J.gpo = J.rows * c + (nch > 1 ? J.glen + (db ? c : 0) : 0);
  J.per = J.gpo + (dW && J.pl.pack ? LINLOSS_I_GPACK(J.rows, c) : 0);
  /* a W larger than L2 with more than two vectors of classes: the forward
     takes the outer-product form on packed panels, for W_CD too (TW) */
  J.tw = LINLOSS_I_TW && n && !J.dc && !J.pl.small && c > 2 * LINLOSS_I_W;
  if (J.tw || (J.pl.odc && !J.pl.small && c > 2 * LINLOSS_I_W)) {
    J.pko = J.per;
    J.per += LINLOSS_I_PK + LINLOSS_I_ALIGN;
  }
  /* rows of X that crowd into few cache sets: the forward copies them to a
     buffer of spread rows, which the backward reads */
  if (J.pl.lanes) { /* Xt (d x the rows rounded up to W) and St (as many rows, c each) */
    const size_t rw = (J.rows + LINLOSS_I_W - 1) / LINLOSS_I_W * LINLOSS_I_W;
    J.lxo = J.per;
    J.lso = J.lxo + d * rw + LINLOSS_I_ALIGN;
    J.per = J.lso + c * rw + LINLOSS_I_ALIGN;
  }
  if (LINLOSS_I_XCOPY && dW && n && !J.pl.odc && !J.pl.pack && !J.pl.lanes &&
      linloss_i_crowded(J.rows, ldx, sizeof(LINLOSS_I_T))) {
    J.ldp = linloss_i_spread(d, sizeof(LINLOSS_I_T));
    J.xco = J.per;
    J.per += J.rows * J.ldp + LINLOSS_I_ALIGN;
  }
  /* dW^T accumulated class-major then transposed (W_DC), or dW with spread rows then copied */
  gt = n && dW && !J.pl.pack && (J.dc || J.ldg != d);
  len = J.pl.wlen + (gt ? J.glen : 0);
  if (!linloss_i_size_ok(nt, J.per, 1) || nt * J.per > SIZE_MAX - len) return LINLOSS_ERR_NOMEM;
  buf = LINLOSS_I_FN(linloss_i_work_)(len + nt * J.per, stack, sizeof stack / sizeof *stack);
  if (!buf) return LINLOSS_ERR_NOMEM;
  J.W = J.pl.wlen ? LINLOSS_I_FN(linloss_i_wcopy_)(J.dc, J.pl.odc, d, c, W, buf, J.pl.ldw) : W;
  J.G = gt ? buf + J.pl.wlen : dW;
  J.tmp = buf + len;
  if (J.G) memset(J.G, 0, J.glen * sizeof(LINLOSS_I_T));
  if (db) memset(db, 0, c * sizeof(LINLOSS_I_T));
  *data = LINLOSS_I_FN(linloss_i_run_)(&J, n, nt);
  if (gt && J.dc) LINLOSS_I_FN(linloss_i_transpose_)(c, d, J.G, J.ldg, dW, c);
  else if (gt)
    for (j = 0; j < c; j++) memcpy(dW + j * d, J.G + j * J.ldg, d * sizeof(LINLOSS_I_T));
  if (buf != stack) LINLOSS_FREE(buf);
  return LINLOSS_OK;
}

/* The fused SVM, softmax and logistic (c = 1). */
static inline linloss_status LINLOSS_I_FN(linloss_i_fused_)(
    int kind, size_t n, size_t d, size_t c, const LINLOSS_I_T *X, size_t ldx, const int32_t *y,
    const LINLOSS_I_T *W, const LINLOSS_I_T *b, const linloss_options *opt, LINLOSS_I_T *loss,
    LINLOSS_I_T *dW, LINLOSS_I_T *db) {
  const linloss_options o = linloss_i_opts(opt);
  const int logistic = kind == LINLOSS_I_KIND_LOGISTIC;
  const size_t nclass = logistic ? 2 : c;
  const LINLOSS_I_T reg2 = (LINLOSS_I_T)(2 * o.reg);
  double total, scale, pw, data, regl;
  linloss_status st;
  if (!W || (n && (!X || !y))) return LINLOSS_ERR_NULL;
  if ((!logistic && c < 2) || d == 0 || ldx < d || !linloss_i_size_ok(n, ldx, sizeof(LINLOSS_I_T)) ||
      !linloss_i_size_ok(d, c, (logistic ? 1 : 2) * sizeof(LINLOSS_I_T)))
    return LINLOSS_ERR_SHAPE;
  if ((st = linloss_i_check_params(&o, n, nclass)) != LINLOSS_OK) return st;
  if ((st = linloss_i_check_labels(&o, n, y, nclass, &total)) != LINLOSS_OK) return st;
  scale = linloss_i_scale(&o, total, &pw);
  st = LINLOSS_I_FN(linloss_i_linear_)(kind, n, d, c, X, ldx, y, W, b, &o, scale, pw, dW, db, NULL, &data);
  if (st != LINLOSS_OK) return st;
  /* the L2 term: lambda sum W^2, and 2 lambda W (left out where it rounds to 0) */
  regl = o.reg > 0 && loss ? o.reg * LINLOSS_I_FN(linloss_i_dot_)(d * c, W, W) : 0;
  if (dW && reg2 != 0) LINLOSS_I_FN(linloss_i_axpy_)(d * c, reg2, W, dW);
  if (loss) *loss = (LINLOSS_I_T)(data * scale + regl);
  return LINLOSS_OK;
}

/* The loss layer of the SVM, softmax and logistic (c = 1, s contiguous). */
static inline linloss_status LINLOSS_I_FN(linloss_i_scores_)(int kind, size_t n, size_t c,
                                                           const LINLOSS_I_T *S, size_t lds,
                                                           const int32_t *y,
                                                           const linloss_options *opt,
                                                           LINLOSS_I_T *loss, LINLOSS_I_T *dS,
                                                           size_t ldds) {
  const linloss_options o = linloss_i_opts(opt);
  const int logistic = kind == LINLOSS_I_KIND_LOGISTIC;
  const size_t nclass = logistic ? 2 : c;
  LINLOSS_I_FN(linloss_i_job_) J;
  double total, data;
  linloss_status st;
  if (n && (!S || !y)) return LINLOSS_ERR_NULL;
  if (logistic ? !linloss_i_size_ok(n, 1, sizeof(LINLOSS_I_T))
               : c < 2 || lds < c || !linloss_i_size_ok(n, lds, sizeof(LINLOSS_I_T)) ||
                     (dS && (ldds < c || !linloss_i_size_ok(n, ldds, sizeof(LINLOSS_I_T)))))
    return LINLOSS_ERR_SHAPE;
  if ((st = linloss_i_check_params(&o, n, nclass)) != LINLOSS_OK) return st;
  if ((st = linloss_i_check_labels(&o, n, y, nclass, &total)) != LINLOSS_OK) return st;
  memset(&J, 0, sizeof J);
  J.kind = kind, J.c = c, J.S = S, J.lds = lds, J.dS = dS, J.ldds = ldds, J.y = y, J.o = &o;
  J.scale = linloss_i_scale(&o, total, &J.pw);
  J.chunk = linloss_i_chunk_rows(1, 0, c);
  data = n ? LINLOSS_I_FN(linloss_i_run_)(&J, n, linloss_i_threads(&o, (n + J.chunk - 1) / J.chunk)) : 0;
  if (loss) *loss = (LINLOSS_I_T)(data * J.scale);
  return LINLOSS_OK;
}

static inline linloss_status LINLOSS_I_FN(linloss_svm_)(size_t n, size_t d, size_t c,
                                                       const LINLOSS_I_T *X, size_t ldx,
                                                       const int32_t *y, const LINLOSS_I_T *W,
                                                       const LINLOSS_I_T *b,
                                                       const linloss_options *opt,
                                                       LINLOSS_I_T *loss, LINLOSS_I_T *dW,
                                                       LINLOSS_I_T *db) {
  return LINLOSS_I_FN(linloss_i_fused_)(LINLOSS_I_KIND_SVM, n, d, c, X, ldx, y, W, b, opt, loss, dW, db);
}

static inline linloss_status LINLOSS_I_FN(linloss_softmax_)(size_t n, size_t d, size_t c,
                                                           const LINLOSS_I_T *X, size_t ldx,
                                                           const int32_t *y, const LINLOSS_I_T *W,
                                                           const LINLOSS_I_T *b,
                                                           const linloss_options *opt,
                                                           LINLOSS_I_T *loss, LINLOSS_I_T *dW,
                                                           LINLOSS_I_T *db) {
  return LINLOSS_I_FN(linloss_i_fused_)(LINLOSS_I_KIND_SOFTMAX, n, d, c, X, ldx, y, W, b, opt, loss,
                                      dW, db);
}

static inline linloss_status LINLOSS_I_FN(linloss_svm_scores_)(size_t n, size_t c,
                                                              const LINLOSS_I_T *S, size_t lds,
                                                              const int32_t *y,
                                                              const linloss_options *opt,
                                                              LINLOSS_I_T *loss, LINLOSS_I_T *dS,
                                                              size_t ldds) {
  return LINLOSS_I_FN(linloss_i_scores_)(LINLOSS_I_KIND_SVM, n, c, S, lds, y, opt, loss, dS, ldds);
}

static inline linloss_status LINLOSS_I_FN(linloss_softmax_scores_)(size_t n, size_t c,
                                                                  const LINLOSS_I_T *S, size_t lds,
                                                                  const int32_t *y,
                                                                  const linloss_options *opt,
                                                                  LINLOSS_I_T *loss,
                                                                  LINLOSS_I_T *dS, size_t ldds) {
  return LINLOSS_I_FN(linloss_i_scores_)(LINLOSS_I_KIND_SOFTMAX, n, c, S, lds, y, opt, loss, dS,
                                       ldds);
}

static inline linloss_status LINLOSS_I_FN(linloss_logistic_scores_)(size_t n, const LINLOSS_I_T *s,
                                                                   const int32_t *y,
                                                                   const linloss_options *opt,
                                                                   LINLOSS_I_T *loss,
                                                                   LINLOSS_I_T *ds) {
  return LINLOSS_I_FN(linloss_i_scores_)(LINLOSS_I_KIND_LOGISTIC, n, 1, s, 1, y, opt, loss, ds, 1);
}

static inline linloss_status LINLOSS_I_FN(linloss_logistic_)(size_t n, size_t d,
                                                            const LINLOSS_I_T *X, size_t ldx,
                                                            const int32_t *y, const LINLOSS_I_T *w,
                                                            const LINLOSS_I_T *b,
                                                            const linloss_options *opt,
                                                            LINLOSS_I_T *loss, LINLOSS_I_T *dw,
                                                            LINLOSS_I_T *db) {
  return LINLOSS_I_FN(linloss_i_fused_)(LINLOSS_I_KIND_LOGISTIC, n, d, 1, X, ldx, y, w, b, opt, loss, dw, db);
}

static inline linloss_status LINLOSS_I_FN(linloss_predict_)(size_t n, size_t d, size_t c,
                                                           const LINLOSS_I_T *X, size_t ldx,
                                                           const LINLOSS_I_T *W,
                                                           const LINLOSS_I_T *b,
                                                           const linloss_options *opt,
                                                           int32_t *pred) {
  const linloss_options o = linloss_i_opts(opt);
  double data;
  linloss_status st;
  if (!W || (n && !X)) return LINLOSS_ERR_NULL;
  if (c < 2 || d == 0 || ldx < d || !linloss_i_size_ok(n, ldx, sizeof(LINLOSS_I_T)) ||
      !linloss_i_size_ok(d, c, sizeof(LINLOSS_I_T)))
    return LINLOSS_ERR_SHAPE;
  if ((st = linloss_i_check_params(&o, n, c)) != LINLOSS_OK) return st;
  if (!pred || n == 0) return LINLOSS_OK;
  return LINLOSS_I_FN(linloss_i_linear_)(LINLOSS_I_KIND_SVM, n, d, c, X, ldx, NULL, W, b, &o, 0, 1, NULL, NULL,
                                       pred, &data);
}

#endif /* LINLOSS_I_TEMPLATE */

/*
MIT License

Copyright (c) 2026 the linloss.h authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
*/
