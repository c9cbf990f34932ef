/* test_omp.c - with OpenMP, every entry point gives bitwise the same
   results whatever the number of threads, and the same as a build without
   OpenMP (THREADS in linloss.h).

   Build:  cc -std=c99 -fopenmp -I. -Itests -c tests/test_omp.c
           cc -std=c99 -I. -Itests -c tests/omp_serial.c   (no -fopenmp)
           cc -fopenmp test_omp.o omp_serial.o -lm
           (both with the same -DLINLOSS_BACKEND=... and flags)
   Run:    OMP_NUM_THREADS=3 ./test_omp
           LINLOSS_TEST_OMP_DIV=<k> divides the numbers of rows by k (under
           qemu, with chunks of a few rows).

   Every entry point, f32 and f64, both W layouts, three sets of options, on
   shapes of many chunks of rows (and of one, and N = 0): each call is run
   through the build without OpenMP, then through this one with the option
   `threads` at 0 (OpenMP's number: OMP_NUM_THREADS), 1, 2, 3 and 5; every
   output byte (status, loss, dW, db, dS, sample losses, predictions) must be
   the same. That the values are right is test_linloss.c's part (built with
   OpenMP too by the meson suite).

   Output: "ok N - ..." / "not ok N - ...", then "N passed, N failed". Exit 1
   on a failure, 77 if the CPU lacks the backend's instructions. */
#include <omp.h>
#include <stdio.h>

#include "linloss.h"
#define OMP_CASE_RUN omp_parallel_run
#include "omp_case.h"

size_t omp_serial_run(const omp_case *k, unsigned char **out);
const char *omp_serial_backend(void);

static int cpu_can_run(void) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  __builtin_cpu_init();
#if LINLOSS_BACKEND == LINLOSS_BACKEND_AVX512
  if (!__builtin_cpu_supports("avx512f")) return 0;
#endif
#if LINLOSS_BACKEND == LINLOSS_BACKEND_AVX512 || LINLOSS_BACKEND == LINLOSS_BACKEND_AVX2
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return 0;
#endif
#endif
  return 1;
}

static const char *const entry_name[OC_COUNT] = {"svm", "softmax", "logistic", "svm_scores",
                                                 "softmax_scores", "logistic_scores", "predict"};

/* n, d, c per kind of entry point (d unused by the loss layer, c by logistic) */
static const size_t fused_shapes[][3] = {{3000, 100, 10}, {6000, 33, 3}, {600, 700, 100},
                                         {20000, 20, 2}, {64, 65, 10}, {0, 5, 3}};
static const size_t logistic_shapes[][3] = {{5000, 64, 1}, {700, 2000, 1}, {64, 65, 1}, {0, 3, 1}};
static const size_t score_shapes[][3] = {{20000, 0, 10}, {3000, 0, 200}, {300, 0, 5000}, {50, 0, 7}, {0, 0, 3}};
static const size_t logistic_score_shapes[][3] = {{100000, 0, 1}, {50, 0, 1}};
static const int threads[] = {0, 1, 2, 3, 5};

static int passed, failed, tests;

int main(void) {
  const char *env = getenv("LINLOSS_TEST_OMP_DIV");
  const size_t div = env && atoi(env) > 1 ? (size_t)atoi(env) : 1;
  int e, f;
  if (!cpu_can_run()) {
    printf("# this CPU lacks the instructions the %s backend was built for: skipped\n", linloss_backend_name());
    return 77;
  }
  printf("# backend %s (serial build: %s), omp_get_max_threads() = %d, rows / %zu\n", linloss_backend_name(),
         omp_serial_backend(), omp_get_max_threads(), div);
  for (e = 0; e < OC_COUNT; e++)
    for (f = 0; f < 2; f++) {
      const size_t(*shapes)[3];
      size_t ns, si, cases = 0, bad = 0;
      int layout, opts, t;
      char first[200] = "";
      switch (e) {
      case OC_LOGISTIC: shapes = logistic_shapes, ns = sizeof logistic_shapes / sizeof *logistic_shapes; break;
      case OC_SVM_S: case OC_SOFTMAX_S: shapes = score_shapes, ns = sizeof score_shapes / sizeof *score_shapes; break;
      case OC_LOGISTIC_S:
        shapes = logistic_score_shapes, ns = sizeof logistic_score_shapes / sizeof *logistic_score_shapes;
        break;
      default: shapes = fused_shapes, ns = sizeof fused_shapes / sizeof *fused_shapes; break;
      }
      for (si = 0; si < ns; si++)
        for (layout = 0; layout < 2; layout++)
          for (opts = 0; opts < 3; opts++) {
            omp_case k;
            unsigned char *want, *got;
            size_t wl, gl;
            if (layout && (e != OC_SVM && e != OC_SOFTMAX && e != OC_PREDICT)) continue;
            if (e == OC_PREDICT && opts) continue;
            k.entry = e, k.f64 = f, k.layout = layout, k.opts = opts, k.threads = 0;
            k.n = shapes[si][0] ? (shapes[si][0] + div - 1) / div : 0, k.d = shapes[si][1], k.c = shapes[si][2];
            k.seed = 0x5eed0000u + (uint64_t)(e * 1000 + si * 10 + opts);
            wl = omp_serial_run(&k, &want);
            for (t = 0; t < (int)(sizeof threads / sizeof *threads); t++) {
              k.threads = threads[t];
              gl = omp_parallel_run(&k, &got);
              cases++;
              if (gl != wl || memcmp(got, want, wl) != 0) {
                if (!bad++)
                  snprintf(first, sizeof first, "n=%zu d=%zu c=%zu %s opts=%d threads=%d", k.n, k.d, k.c,
                           layout ? "CD" : "DC", opts, threads[t]);
              }
              free(got);
            }
            free(want);
          }
      tests++;
      if (bad) {
        failed++;
        printf("not ok %d - %s %s: %zu of %zu calls differ from the build without OpenMP, first: %s\n", tests,
               f ? "f64" : "f32", entry_name[e], bad, cases, first);
      } else {
        passed++;
        printf("ok %d - %s %s: %zu calls (threads 0 1 2 3 5) bitwise equal to the build without OpenMP\n",
               tests, f ? "f64" : "f32", entry_name[e], cases);
      }
    }
  { /* the option is checked: threads < 0 is LINLOSS_ERR_PARAM, nothing written */
    linloss_options o = linloss_options_default();
    float S[4] = {1, 2, 3, 4}, loss = 7;
    int32_t y[2] = {0, 1};
    o.threads = -1;
    tests++;
    if (linloss_softmax_scores_f32(2, 2, S, 2, y, &o, &loss, NULL, 2) == LINLOSS_ERR_PARAM && loss == 7) {
      passed++;
      printf("ok %d - threads = -1: LINLOSS_ERR_PARAM, nothing written\n", tests);
    } else {
      failed++;
      printf("not ok %d - threads = -1: not LINLOSS_ERR_PARAM, or the loss written\n", tests);
    }
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
