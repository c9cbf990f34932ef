/* test_exp.c - the vectorized exp of one backend of linloss.h, against libm.

   Build:  cc -O2 -std=c99 -I. tests/test_exp.c -lm
           (-DLINLOSS_BACKEND=LINLOSS_BACKEND_xxx and its flags for a backend)
   Run:    ./test_exp

   linloss.h computes every exp of the softmax and logistic kernels with one
   internal function per element type: linloss_i_vexp_f32 / linloss_i_vexp_f64
   on the vector backends (vector in, vector out; reached here by copying
   arrays into the backend's vector type linloss_i_v_f32 / linloss_i_v_f64),
   linloss_i_exp_f32 / linloss_i_exp_f64 (libm's expf / exp) on the scalar one.
   These are internal names: if the header renames them, this file stops
   compiling, which is the point.

   Checked:
     f32  every float in [-104, 89] (the range the header clamps to), with
          exp((double)x) as the reference: the largest error in ulps of the
          correctly rounded float result (denormal results: ulps of 2^-149;
          results that round to infinity must be +inf) must not exceed
          EXP_F32_ULP_BOUND. Outside the range, a strided sweep: +inf above,
          +0 below.
     f64  LINLOSS_TEST_EXP_SAMPLES random doubles in [-746, 710] (uniform,
          and log-uniform in magnitude from 2^-60), against expl (long
          double); bound EXP_F64_ULP_BOUND.
     both exp(+-0) = 1, exp(-inf) = +0, exp(+inf) = +inf, exp(NaN) is NaN,
          exp of a denormal = 1, in every lane.
   The sweep is exhaustive on x86; elsewhere (cross builds run under qemu) it
   takes every LINLOSS_TEST_EXP_STRIDE-th float (default 61) and fewer f64
   samples. Both environment variables override the defaults.

   Output: "ok N - ..." / "not ok N - ..." per check, "#" lines with the
   figures, and a final line "N passed, N failed". Exit 1 on a failure, 77
   (skipped) when the CPU lacks the backend's instructions. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "linloss.h"

/* The documented accuracy (README, "Backends": 0.90 ulp for f32, measured
   over every float in [-104, 89]: 0.9013 with the degree-6 polynomial, 0.9386
   with the degree-7 Taylor polynomial before it); f64 is held to faithful
   rounding (< 1 ulp). SIMDe emulates _mm256_fmadd_* as a multiply and an add, rounded
   twice, where the CPU has no FMA (x86-64 without -mfma, s390x; f64 on
   aarch64): the polynomial then loses a little (measured 1.18 ulp for f32
   over every float on x86-64, 1.14 ulp for f64 on the sample). */
#if LINLOSS_BACKEND == LINLOSS_BACKEND_SIMDE && !defined(SIMDE_X86_FMA_NATIVE)
#define EXP_F32_ULP_DEFAULT 1.25
#define EXP_F64_ULP_DEFAULT 1.25
#else
#define EXP_F32_ULP_DEFAULT 0.92
#define EXP_F64_ULP_DEFAULT 1.0
#endif
/* The log of the softmax's sums (linloss_i_vlog): measured 2.85 ulp (f32,
   every float) and 2.58 (f64, sampled) on x86-64, near 1 where the result
   is small; libm's on the scalar backend. */
#ifndef LOG_ULP_BOUND
#define LOG_ULP_BOUND 3.0
#endif
#ifndef EXP_F32_ULP_BOUND
#define EXP_F32_ULP_BOUND EXP_F32_ULP_DEFAULT
#endif
#ifndef EXP_F64_ULP_BOUND
#define EXP_F64_ULP_BOUND EXP_F64_ULP_DEFAULT
#endif

#if LINLOSS_BACKEND == LINLOSS_BACKEND_SCALAR
#define LANES32 1
#define LANES64 1
#else
#define LANES32 (sizeof(linloss_i_v_f32) / sizeof(float))
#define LANES64 (sizeof(linloss_i_v_f64) / sizeof(double))
#endif

/* out[i] = f(in[i]) for i < n, n a multiple of 16: the vector function VF
   on a vector of type V (W lanes), or the scalar backend's SF */
#if LINLOSS_BACKEND == LINLOSS_BACKEND_SCALAR
#define APPLY(name, T, V, W, VF, SF)                            \
  static void name(const T *in, T *out, size_t n) {             \
    size_t i;                                                   \
    for (i = 0; i < n; i++) out[i] = SF(in[i]);                 \
  }
#else
#define APPLY(name, T, V, W, VF, SF)                            \
  static void name(const T *in, T *out, size_t n) {             \
    size_t i;                                                   \
    for (i = 0; i < n; i += W) {                                \
      V v;                                                      \
      memcpy(&v, in + i, sizeof v);                             \
      v = VF(v);                                                \
      memcpy(out + i, &v, sizeof v);                            \
    }                                                           \
  }
#endif
/* exp; and the softmax's log of its sums (libm's on the scalar backend) */
APPLY(vexp32, float, linloss_i_v_f32, LANES32, linloss_i_vexp_f32, linloss_i_exp_f32)
APPLY(vexp64, double, linloss_i_v_f64, LANES64, linloss_i_vexp_f64, linloss_i_exp_f64)
APPLY(vlog32, float, linloss_i_v_f32, LANES32, linloss_i_vlog_f32, linloss_i_log_f32)
APPLY(vlog64, double, linloss_i_v_f64, LANES64, linloss_i_vlog_f64, linloss_i_log_f64)

/* ------------------------------------------------------------ reporting */

static int g_number, g_passed, g_failed;
static void report(int ok, const char *fmt, ...) {
  va_list ap;
  g_number++;
  printf("%s %d - ", ok ? "ok" : "not ok", g_number);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  fflush(stdout);
  if (ok)
    g_passed++;
  else
    g_failed++;
}

static float f32_of(uint32_t b) {
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}
static uint32_t bits_of(float f) {
  uint32_t b;
  memcpy(&b, &f, sizeof b);
  return b;
}

/* The error of got in ulps of the float nearest to ref (ref > 0). */
static double ulp_err32(float got, double ref) {
  double g = (double)got, ulp;
  uint64_t rb, ub;
  int e;
  if (got != got) return INFINITY;
  if (ref >= 0x1p128 * (1 - 0x1p-25)) return got == INFINITY ? 0 : (0x1p128 - g) / 0x1p104;
  if (got == INFINITY) g = 0x1p128;
  memcpy(&rb, &ref, sizeof rb); /* ref = 1.f 2^e, a normal double */
  e = (int)(rb >> 52 & 0x7ff) - 1023;
  ub = (uint64_t)((e - 23 > -149 ? e - 23 : -149) + 1023) << 52; /* 2^(e-23), at least 2^-149 */
  memcpy(&ulp, &ub, sizeof ulp);
  return fabs(g - ref) / ulp;
}
static double ulp_err64(double got, long double ref) {
  int e;
  long double g = (long double)got, ulp;
  if (got != got) return INFINITY;
  if (ref >= 0x1p1024L * (1 - 0x1p-54L)) return got == INFINITY ? 0 : (double)((0x1p1024L - g) / 0x1p971L);
  if (got == INFINITY) g = 0x1p1024L;
  frexpl(ref, &e);
  ulp = ldexpl(1.0L, e - 53 > -1074 ? e - 53 : -1074);
  return (double)(fabsl(g - ref) / ulp);
}

/* ------------------------------------------------------------ f32 sweep */

#define CHUNK 4096

typedef struct sweep {
  double max_err;
  float worst_x;
  float worst_got;
  double worst_ref;
  uint64_t count, over_half, unfaithful, nonmono;
} sweep;

/* Floats of bit patterns from, from + stride, ... while <= to, all of one
   sign (so x moves away from 0: exp is monotonic along the sweep). */
static void sweep32(uint32_t from, uint32_t to, uint32_t stride, sweep *s) {
  static float in[CHUNK], out[CHUNK];
  uint64_t b = from;
  const int neg = (from >> 31) != 0;
  float prev = neg ? 1.0f : 1.0f;
  while (b <= to) {
    size_t n = 0, i;
    for (; n < CHUNK && b <= to; b += stride) in[n++] = f32_of((uint32_t)b);
    for (i = n; i % 16; i++) in[i] = 0;
    vexp32(in, out, (n + 15) / 16 * 16);
    for (i = 0; i < n; i++) {
      const double ref = exp((double)in[i]);
      const double err = ulp_err32(out[i], ref);
      s->count++;
      if (err > 0.5) s->over_half++;
      if (!(err < 1)) s->unfaithful++;
      if (!(err <= s->max_err)) {
        s->max_err = err;
        s->worst_x = in[i];
        s->worst_got = out[i];
        s->worst_ref = ref;
      }
      if (neg ? out[i] > prev : out[i] < prev) s->nonmono++;
      prev = out[i];
    }
  }
}

static void test_f32(uint32_t stride) {
  sweep s;
  const uint32_t lo = bits_of(-104.0f), hi = bits_of(89.0f);
  clock_t t0 = clock();
  memset(&s, 0, sizeof s);
  sweep32(0, hi, stride, &s);          /* +0 .. 89 */
  sweep32(0x80000000u, lo, stride, &s); /* -0 .. -104 */
  printf("# f32: %llu floats in [-104, 89]%s: max error %.4f ulp at x = %.9g (got %.9g, exp %.17g);"
         " %llu above 0.5 ulp, %llu not faithful (>= 1 ulp), %llu steps against monotonicity;"
         " %.1f s\n",
         (unsigned long long)s.count, stride == 1 ? " (every one)" : " (strided)", s.max_err,
         (double)s.worst_x, (double)s.worst_got, s.worst_ref, (unsigned long long)s.over_half,
         (unsigned long long)s.unfaithful, (unsigned long long)s.nonmono,
         (double)(clock() - t0) / CLOCKS_PER_SEC);
  report(s.max_err <= EXP_F32_ULP_BOUND,
         "%s f32 exp: max error %.4f ulp over %s%llu floats in [-104, 89] (bound %.2f)",
         linloss_backend_name(), s.max_err, stride == 1 ? "all " : "", (unsigned long long)s.count,
         EXP_F32_ULP_BOUND);
}

/* Outside the clamped range: +inf above 89, +0 below -104 (strided). */
static void test_f32_outside(uint32_t stride) {
  static float in[CHUNK], out[CHUNK];
  const uint32_t ranges[2][2] = {{bits_of(89.0f) + 1, 0x7f7fffffu}, {bits_of(-104.0f) + 1, 0xff7fffffu}};
  uint64_t bad = 0, count = 0;
  float worst = 0;
  int r;
  for (r = 0; r < 2; r++) {
    uint64_t b = ranges[r][0];
    while (b <= ranges[r][1]) {
      size_t n = 0, i;
      for (; n < CHUNK && b <= ranges[r][1]; b += stride > 1 ? stride : 7) in[n++] = f32_of((uint32_t)b);
      if (n < CHUNK) in[n++] = f32_of(ranges[r][1]); /* the last one too */
      for (i = n; i % 16; i++) in[i] = 0;
      vexp32(in, out, (n + 15) / 16 * 16);
      for (i = 0; i < n; i++) {
        const int ok = r == 0 ? out[i] == INFINITY : out[i] == 0 && !signbit(out[i]);
        count++;
        if (!ok && !bad++) worst = in[i];
      }
    }
  }
  if (bad)
    report(0, "%s f32 exp: +inf above 89, +0 below -104 (%llu floats): %llu wrong, the first at x = %.9g",
           linloss_backend_name(), (unsigned long long)count, (unsigned long long)bad, (double)worst);
  else
    report(1, "%s f32 exp: +inf above 89, +0 below -104 (%llu floats)", linloss_backend_name(),
           (unsigned long long)count);
}

/* ------------------------------------------------------------ f64 sample */

static uint64_t rng_next(uint64_t *s) { /* splitmix64 */
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static double rng_unit(uint64_t *s) { return (double)(rng_next(s) >> 11) * 0x1p-53; }

static void test_f64(uint64_t samples) {
  static double in[CHUNK], out[CHUNK];
  uint64_t seed = 20240607, done = 0, over_half = 0, unfaithful = 0;
  double max_err = 0, worst_x = 0, worst_got = 0;
  long double worst_ref = 0;
  clock_t t0 = clock();
  while (done < samples) {
    size_t n = 0, i;
    for (; n < CHUNK && done + n < samples; n++) {
      const uint64_t k = rng_next(&seed);
      double x;
      if (k % 4 == 0) /* log-uniform magnitude, 2^-60 .. 746 */
        x = ldexp(1.0, -60) * pow(746.0 * 0x1p60, rng_unit(&seed)) * (k & 16 ? -1 : 1);
      else
        x = -746.0 + 1456.0 * rng_unit(&seed);
      if (x < -746) x = -746;
      if (x > 710) x = 710;
      in[n] = x;
    }
    for (i = n; i % 16; i++) in[i] = 0;
    vexp64(in, out, (n + 15) / 16 * 16);
    for (i = 0; i < n; i++) {
      const long double ref = expl((long double)in[i]);
      const double err = ulp_err64(out[i], ref);
      if (err > 0.5) over_half++;
      if (!(err < 1)) unfaithful++;
      if (!(err <= max_err)) {
        max_err = err;
        worst_x = in[i];
        worst_got = out[i];
        worst_ref = ref;
      }
    }
    done += n;
  }
  printf("# f64: %llu random doubles in [-746, 710]: max error %.4f ulp at x = %.17g (got %.17g, exp %.21Lg);"
         " %llu above 0.5 ulp, %llu not faithful; reference expl with %d-bit long double; %.1f s\n",
         (unsigned long long)samples, max_err, worst_x, worst_got, worst_ref,
         (unsigned long long)over_half, (unsigned long long)unfaithful, LDBL_MANT_DIG,
         (double)(clock() - t0) / CLOCKS_PER_SEC);
  report(max_err <= EXP_F64_ULP_BOUND + (LDBL_MANT_DIG < 64 ? 0.5 : 0),
         "%s f64 exp: max error %.4f ulp over %llu random doubles in [-746, 710] (bound %.2f)",
         linloss_backend_name(), max_err, (unsigned long long)samples, EXP_F64_ULP_BOUND);
}

/* ------------------------------------------------------------ log */

/* The log the softmax takes of its sums of exps (in [1, C]), over its whole
   documented range [2^-120, 2^120]: every float (strided off x86), and
   random doubles, log-uniform. The error in ulps of the result. */
static void test_log(uint32_t stride, uint64_t samples) {
  static float in[CHUNK], out[CHUNK];
  static double in64[CHUNK], out64[CHUNK];
  const uint32_t lo = bits_of(0x1p-120f), hi = bits_of(0x1p120f);
  uint64_t b = lo, count = 0, seed = 20261123, done = 0;
  double max32 = 0, max64 = 0, x32 = 0, x64 = 0;
  int e;
  while (b <= hi) {
    size_t n = 0, i;
    for (; n < CHUNK && b <= hi; b += stride) in[n++] = f32_of((uint32_t)b);
    for (i = n; i % 16; i++) in[i] = 1;
    vlog32(in, out, (n + 15) / 16 * 16);
    for (i = 0; i < n; i++) {
      const double ref = log((double)in[i]);
      double err;
      if (ref == 0) {
        err = out[i] == 0 ? 0 : INFINITY;
      } else {
        frexp(ref, &e);
        err = fabs((double)out[i] - ref) / ldexp(1.0, e - 24);
      }
      if (!(err <= max32)) max32 = err, x32 = in[i];
    }
    count += n;
  }
  while (done < samples) {
    size_t n = 0, i;
    for (; n < CHUNK && done + n < samples; n++) in64[n] = ldexp(1.0 + rng_unit(&seed), (int)(rng_next(&seed) % 240) - 120);
    for (i = n; i % 16; i++) in64[i] = 1;
    vlog64(in64, out64, (n + 15) / 16 * 16);
    for (i = 0; i < n; i++) {
      const long double ref = logl((long double)in64[i]);
      double err;
      frexpl(ref, &e);
      err = (double)(fabsl((long double)out64[i] - ref) / ldexpl(1.0L, e - 53));
      if (!(err <= max64)) max64 = err, x64 = in64[i];
    }
    done += n;
  }
  printf("# log: f32 max error %.4f ulp at x = %.9g over %llu floats; f64 %.4f ulp at x = %.17g over %llu doubles\n",
         max32, x32, (unsigned long long)count, max64, x64, (unsigned long long)samples);
  report(max32 <= LOG_ULP_BOUND && max64 <= LOG_ULP_BOUND + (LDBL_MANT_DIG < 64 ? 0.5 : 0),
         "%s log: max error %.4f ulp (f32, %s%llu floats in [2^-120, 2^120]), %.4f ulp (f64) (bound %.2f)",
         linloss_backend_name(), max32, stride == 1 ? "all " : "", (unsigned long long)count, max64,
         LOG_ULP_BOUND);
}

/* ------------------------------------------------------------ special values */

/* Each special value in every lane, the other lanes holding ordinary ones. */
static void test_specials(void) {
  static const double xs[] = {0.0, -0.0, -INFINITY, INFINITY, NAN, -NAN, 1e-310, -1e-310,
                              0x1p-149, -0x1p-149, 1e30, -1e30, 1e300, -1e300, 750, -750,
                              89.5, -104.5, FLT_MAX, -FLT_MAX, DBL_MAX, -DBL_MAX};
  const size_t nx = sizeof xs / sizeof xs[0];
  int bad32 = 0, bad64 = 0;
  char why[200] = "";
  size_t k, lane;
  for (k = 0; k < nx; k++)
    for (lane = 0; lane < 16; lane++) {
      float in32[16], out32[16];
      double in64[16], out64[16];
      size_t i;
      const float x32 = (float)xs[k];
      const double x64 = xs[k];
      float want32;
      double want64;
      for (i = 0; i < 16; i++) {
        in32[i] = (float)i * 0.25f - 2;
        in64[i] = (double)i * 0.25 - 2;
      }
      in32[lane] = x32;
      in64[lane] = x64;
      vexp32(in32, out32, 16);
      vexp64(in64, out64, 16);
      /* what exp gives: 1 for zeros and denormals, +0 / +inf beyond the range */
      want32 = x32 != x32 ? NAN : x32 == 0 || fabsf(x32) < FLT_MIN ? 1.0f : x32 > 89 ? INFINITY : x32 < -104 ? 0.0f : expf(x32);
      want64 = x64 != x64 ? NAN : x64 == 0 || fabs(x64) < DBL_MIN ? 1.0 : x64 > 710 ? INFINITY : x64 < -746 ? 0.0 : exp(x64);
      if (want32 != want32 ? out32[lane] == out32[lane]
                           : memcmp(&want32, &out32[lane], sizeof want32) != 0 &&
                                 !(isfinite(want32) && want32 != 0 && ulp_err32(out32[lane], exp((double)x32)) < 1)) {
        if (!bad32++)
          snprintf(why, sizeof why, "f32 exp(%g) = %g in lane %zu", (double)x32, (double)out32[lane], lane);
      }
      if (want64 != want64 ? out64[lane] == out64[lane]
                           : memcmp(&want64, &out64[lane], sizeof want64) != 0 &&
                                 !(isfinite(want64) && want64 != 0 && ulp_err64(out64[lane], expl(x64)) < 1)) {
        if (!bad64++ && !bad32)
          snprintf(why, sizeof why, "f64 exp(%g) = %g in lane %zu", x64, out64[lane], lane);
      }
      for (i = 0; i < 16; i++) /* the ordinary lanes stay right */
        if (i != lane && (ulp_err32(out32[i], exp((double)in32[i])) >= 1 ||
                          ulp_err64(out64[i], expl((long double)in64[i])) >= 1)) {
          if (!bad32++ && !bad64) snprintf(why, sizeof why, "lane %zu disturbed by exp(%g) in lane %zu", i, x64, lane);
        }
    }
  report(!bad32 && !bad64,
         "%s exp(+-0) = 1, exp(denormal) = 1, exp(-inf) = +0, exp(+inf) = +inf, NaN stays NaN,"
         " +inf/+0 beyond the range, in each of %u (f32) / %u (f64) lanes%s%s",
         linloss_backend_name(), (unsigned)LANES32, (unsigned)LANES64, bad32 || bad64 ? ": " : "", why);
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

static unsigned long long env_number(const char *name, unsigned long long dflt) {
  const char *v = getenv(name);
  char *end;
  unsigned long long n;
  if (!v || !*v) return dflt;
  n = strtoull(v, &end, 0);
  if (*end || n == 0) {
    fprintf(stderr, "test_exp: %s=%s is not a positive number\n", name, v);
    exit(2);
  }
  return n;
}

int main(void) {
#if defined(__x86_64__) || defined(__i386__)
  const unsigned long long stride_default = 1, samples_default = 1ull << 24;
#else
  const unsigned long long stride_default = 61, samples_default = 1ull << 18;
#endif
  unsigned long long stride, samples;
  if (!cpu_can_run()) {
    printf("# this CPU lacks the instructions the %s backend was built for: skipped\n",
           linloss_backend_name());
    return 77;
  }
  stride = env_number("LINLOSS_TEST_EXP_STRIDE", stride_default);
  samples = env_number("LINLOSS_TEST_EXP_SAMPLES", samples_default);
  if (stride > 0x10000000ull) stride = 0x10000000ull;
  printf("# linloss %s exp: %u f32 lanes, %u f64 lanes; f32 stride %llu, %llu f64 samples"
         " (LINLOSS_TEST_EXP_STRIDE, LINLOSS_TEST_EXP_SAMPLES)\n",
         linloss_backend_name(), (unsigned)LANES32, (unsigned)LANES64, stride, samples);
  test_specials();
  test_f32_outside(stride > 1 ? (uint32_t)stride * 64 + 1 : 4099);
  test_f32((uint32_t)stride);
  test_f64(samples);
  test_log((uint32_t)stride, samples);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed ? 1 : 0;
}
