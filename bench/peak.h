/* peak.h - the register-only multiply-add loop of the ISA the including
   file is compiled for: static bench_peak_f32 / bench_peak_f64 (see
   bench_peak_fn in bench.h) and BENCH_ISA, its name. Included by backend.c
   (each backend's ISA) and naive.c (the baseline flags). */
#ifndef LINLOSS_BENCH_PEAK_H
#define LINLOSS_BENCH_PEAK_H

/* ---- the FMA peak of the ISA this object is compiled for: independent
   multiply-add chains, more of them than the FMA latency times the number of
   FMA pipes of any current core, all in registers. x = x * m + a converges
   to a / (1 - m) = 1: no overflow, no denormals. */
#if defined(__AVX512F__)
#include <immintrin.h>
#define BENCH_ISA "avx512"
#define BENCH_CHAINS 16
#define BENCH_VF __m512
#define BENCH_VD __m512d
#define BENCH_LANES_F 16
#define BENCH_LANES_D 8
#define BENCH_SET1F(x) _mm512_set1_ps(x)
#define BENCH_SET1D(x) _mm512_set1_pd(x)
#define BENCH_MADDF(x, m, a) _mm512_fmadd_ps(x, m, a)
#define BENCH_MADDD(x, m, a) _mm512_fmadd_pd(x, m, a)
#define BENCH_ADDF(x, y) _mm512_add_ps(x, y)
#define BENCH_ADDD(x, y) _mm512_add_pd(x, y)
#define BENCH_SUMF(v) _mm512_reduce_add_ps(v)
#define BENCH_SUMD(v) _mm512_reduce_add_pd(v)
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define BENCH_ISA "avx2"
#define BENCH_CHAINS 12
#define BENCH_VF __m256
#define BENCH_VD __m256d
#define BENCH_LANES_F 8
#define BENCH_LANES_D 4
#define BENCH_SET1F(x) _mm256_set1_ps(x)
#define BENCH_SET1D(x) _mm256_set1_pd(x)
#define BENCH_MADDF(x, m, a) _mm256_fmadd_ps(x, m, a)
#define BENCH_MADDD(x, m, a) _mm256_fmadd_pd(x, m, a)
#define BENCH_ADDF(x, y) _mm256_add_ps(x, y)
#define BENCH_ADDD(x, y) _mm256_add_pd(x, y)
static float bench_sumf(__m256 v) {
  float b[8], s = 0;
  int i;
  _mm256_storeu_ps(b, v);
  for (i = 0; i < 8; i++) s += b[i];
  return s;
}
static double bench_sumd(__m256d v) {
  double b[4], s = 0;
  int i;
  _mm256_storeu_pd(b, v);
  for (i = 0; i < 4; i++) s += b[i];
  return s;
}
#define BENCH_SUMF(v) bench_sumf(v)
#define BENCH_SUMD(v) bench_sumd(v)
#elif defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>
#define BENCH_ISA "neon"
#define BENCH_CHAINS 16
#define BENCH_VF float32x4_t
#define BENCH_VD float64x2_t
#define BENCH_LANES_F 4
#define BENCH_LANES_D 2
#define BENCH_SET1F(x) vdupq_n_f32(x)
#define BENCH_SET1D(x) vdupq_n_f64(x)
#define BENCH_MADDF(x, m, a) vfmaq_f32(a, x, m)
#define BENCH_MADDD(x, m, a) vfmaq_f64(a, x, m)
#define BENCH_ADDF(x, y) vaddq_f32(x, y)
#define BENCH_ADDD(x, y) vaddq_f64(x, y)
#define BENCH_SUMF(v) vaddvq_f32(v)
#define BENCH_SUMD(v) vaddvq_f64(v)
#elif defined(__SSE2__)
/* The x86-64 baseline: no FMA, a multiply and an add (2 flops) per step. */
#include <emmintrin.h>
#define BENCH_ISA "sse2"
#define BENCH_CHAINS 12
#define BENCH_VF __m128
#define BENCH_VD __m128d
#define BENCH_LANES_F 4
#define BENCH_LANES_D 2
#define BENCH_SET1F(x) _mm_set1_ps(x)
#define BENCH_SET1D(x) _mm_set1_pd(x)
#define BENCH_MADDF(x, m, a) _mm_add_ps(_mm_mul_ps(x, m), a)
#define BENCH_MADDD(x, m, a) _mm_add_pd(_mm_mul_pd(x, m), a)
#define BENCH_ADDF(x, y) _mm_add_ps(x, y)
#define BENCH_ADDD(x, y) _mm_add_pd(x, y)
static float bench_sumf(__m128 v) {
  float b[4];
  _mm_storeu_ps(b, v);
  return b[0] + b[1] + b[2] + b[3];
}
static double bench_sumd(__m128d v) {
  double b[2];
  _mm_storeu_pd(b, v);
  return b[0] + b[1];
}
#define BENCH_SUMF(v) bench_sumf(v)
#define BENCH_SUMD(v) bench_sumd(v)
#else
#define BENCH_ISA "scalar"
#define BENCH_CHAINS 8
#define BENCH_VF float
#define BENCH_VD double
#define BENCH_LANES_F 1
#define BENCH_LANES_D 1
#define BENCH_SET1F(x) (x)
#define BENCH_SET1D(x) (x)
#define BENCH_MADDF(x, m, a) ((x) * (m) + (a))
#define BENCH_MADDD(x, m, a) ((x) * (m) + (a))
#define BENCH_ADDF(x, y) ((x) + (y))
#define BENCH_ADDD(x, y) ((x) + (y))
#define BENCH_SUMF(v) (v)
#define BENCH_SUMD(v) (v)
#endif

/* Keeps the compiler from folding or merging the chains: the result is
   stored to a volatile sink. Written out for 16 chains; BENCH_CHAINS of them
   are used. */
static volatile double bench_sink;

#define BENCH_PEAK(S, V, T, SET1, MADD, ADD, SUM, LANES)                                       \
  static double bench_peak_##S(long iters) {                                                   \
    const V m = SET1((T)0.999999), a = SET1((T)1e-6);                                           \
    V x0 = SET1((T)0.10), x1 = SET1((T)0.11), x2 = SET1((T)0.12), x3 = SET1((T)0.13);           \
    V x4 = SET1((T)0.14), x5 = SET1((T)0.15), x6 = SET1((T)0.16), x7 = SET1((T)0.17);           \
    V x8 = SET1((T)0.18), x9 = SET1((T)0.19), x10 = SET1((T)0.20), x11 = SET1((T)0.21);         \
    V x12 = SET1((T)0.22), x13 = SET1((T)0.23), x14 = SET1((T)0.24), x15 = SET1((T)0.25);       \
    long i;                                                                                    \
    for (i = 0; i < iters; i++) {                                                              \
      x0 = MADD(x0, m, a); x1 = MADD(x1, m, a); x2 = MADD(x2, m, a); x3 = MADD(x3, m, a);     \
      x4 = MADD(x4, m, a); x5 = MADD(x5, m, a); x6 = MADD(x6, m, a); x7 = MADD(x7, m, a);     \
      if (BENCH_CHAINS > 8) {                                                                  \
        x8 = MADD(x8, m, a); x9 = MADD(x9, m, a); x10 = MADD(x10, m, a); x11 = MADD(x11, m, a); \
      }                                                                                        \
      if (BENCH_CHAINS > 12) {                                                                 \
        x12 = MADD(x12, m, a); x13 = MADD(x13, m, a); x14 = MADD(x14, m, a);                   \
        x15 = MADD(x15, m, a);                                                                 \
      }                                                                                        \
    }                                                                                          \
    x0 = ADD(ADD(ADD(x0, x1), ADD(x2, x3)), ADD(ADD(x4, x5), ADD(x6, x7)));                   \
    x8 = ADD(ADD(ADD(x8, x9), ADD(x10, x11)), ADD(ADD(x12, x13), ADD(x14, x15)));             \
    bench_sink = (double)SUM(ADD(x0, x8));                                                     \
    return 2.0 * BENCH_CHAINS * LANES * (double)iters;                                         \
  }
BENCH_PEAK(f32, BENCH_VF, float, BENCH_SET1F, BENCH_MADDF, BENCH_ADDF, BENCH_SUMF, BENCH_LANES_F)
BENCH_PEAK(f64, BENCH_VD, double, BENCH_SET1D, BENCH_MADDD, BENCH_ADDD, BENCH_SUMD, BENCH_LANES_D)

#endif
