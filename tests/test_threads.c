/* test_threads.c - many threads calling linloss.h at once, on different
   data, give bitwise the same results as serial calls.

   Build:  cc -std=c99 -I. tests/test_threads.c -lm -lpthread
           (-DLINLOSS_BACKEND=LINLOSS_BACKEND_xxx and its flags for a backend)
   Run:    ./test_threads     LINLOSS_TEST_THREADS=<n> (default 8) threads,
                              LINLOSS_TEST_ROUNDS=<n> (default 20 on x86, 3
                              elsewhere: qemu) rounds each

   The manual (THREADS): "No global state, no printing, no abort: every call
   is independent and thread-safe on distinct outputs." A set of problems
   covers every entry point, both element types and layouts, weights, label
   smoothing, the stack scratch and the heap scratch (large C), in place and
   not. Each is run once serially; then every thread runs all of them,
   starting together and each in its own order, several rounds, into its
   own output buffers (the inputs are shared, read-only), and compares every
   output byte for byte with the serial run. Another group runs the threads
   with their own inputs, each problem copied per thread.

   Output: "ok N - ..." / "not ok N - ...", then "N passed, N failed". */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linloss.h"

enum { E_SVM, E_SOFTMAX, E_SVM_S, E_SOFTMAX_S, E_LOGISTIC, E_LOGISTIC_S, E_PREDICT, E_COUNT };
static const char *const entry_name[E_COUNT] = {"svm", "softmax", "svm_scores", "softmax_scores",
                                                "logistic", "logistic_scores", "predict"};

/* One call: its inputs (owned), and the bytes of its outputs. */
typedef struct problem {
  int entry, f64, inplace;
  size_t n, d, c, w; /* w: score columns (c, or 1 for logistic) */
  void *X, *W, *b, *S;
  int32_t *y;
  double *cw, *sw;
  linloss_options o;
  size_t out_bytes; /* loss, dW, db, dS, pred, sample_loss, one after the other */
  unsigned char *want;
} problem;

static uint64_t rng_next(uint64_t *s) { /* splitmix64 */
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static double rng_range(uint64_t *s, double lo, double hi) {
  return lo + (hi - lo) * (double)(rng_next(s) >> 11) * 0x1p-53;
}

static void *xmalloc(size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (!p) {
    fprintf(stderr, "test_threads: out of memory\n");
    exit(2);
  }
  return p;
}

static void *values(uint64_t *s, int f64, size_t n, double lo, double hi) {
  void *p = xmalloc(n * (f64 ? 8 : 4));
  size_t i;
  for (i = 0; i < n; i++) {
    const double v = rng_range(s, lo, hi);
    if (f64)
      ((double *)p)[i] = v;
    else
      ((float *)p)[i] = (float)v;
  }
  return p;
}

static size_t es_of(const problem *p) { return p->f64 ? 8 : 4; }

/* byte offsets of the outputs */
typedef struct layout {
  size_t loss, dW, db, dS, pred, sl, total;
} layout;
#define ALIGN16(x) (((x) + 15) / 16 * 16) /* every output aligned for its type */
static layout layout_of(const problem *p) {
  const size_t es = es_of(p);
  layout l;
  l.loss = 0;
  l.dW = ALIGN16(l.loss + es);
  l.db = ALIGN16(l.dW + p->d * p->w * es);
  l.dS = ALIGN16(l.db + p->w * es);
  l.pred = ALIGN16(l.dS + p->n * p->w * es);
  l.sl = ALIGN16(l.pred + p->n * sizeof(int32_t));
  l.total = l.sl + p->n * sizeof(double);
  return l;
}

static void problem_make(problem *p, uint64_t *s, int entry, int f64, size_t n, size_t d, size_t c) {
  const int logistic = entry == E_LOGISTIC || entry == E_LOGISTIC_S;
  size_t i;
  memset(p, 0, sizeof *p);
  p->entry = entry;
  p->f64 = f64;
  p->n = n;
  p->d = entry == E_SVM_S || entry == E_SOFTMAX_S || entry == E_LOGISTIC_S ? 0 : d;
  p->c = logistic ? 2 : c;
  p->w = logistic ? 1 : c;
  p->inplace = (entry == E_SVM_S || entry == E_SOFTMAX_S || entry == E_LOGISTIC_S) && rng_next(s) % 2;
  p->X = values(s, f64, n * p->d, -1, 1);
  p->W = values(s, f64, p->d * p->w, -1, 1);
  p->b = values(s, f64, p->w, -0.5, 0.5);
  p->S = values(s, f64, n * p->w, -6, 6);
  p->y = (int32_t *)xmalloc(n * sizeof(int32_t));
  for (i = 0; i < n; i++) p->y[i] = (int32_t)(rng_next(s) % p->c);
  p->o = linloss_options_default();
  p->o.w_layout = rng_next(s) % 2 ? LINLOSS_W_CD : LINLOSS_W_DC;
  p->o.reduction = rng_next(s) % 3 ? LINLOSS_MEAN : LINLOSS_SUM;
  p->o.svm_variant = rng_next(s) % 3 ? LINLOSS_SVM_WW : LINLOSS_SVM_CS;
  p->o.hinge_power = rng_next(s) % 3 ? 1 : 2;
  p->o.reg = rng_next(s) % 2 ? 1e-3 : 0;
  p->o.label_smoothing = rng_next(s) % 2 ? 0.1 : 0;
  if (rng_next(s) % 2) p->o.ignore_label = 0;
  if (rng_next(s) % 2) {
    p->cw = (double *)xmalloc(p->c * sizeof(double));
    for (i = 0; i < p->c; i++) p->cw[i] = rng_range(s, 0.5, 2);
    p->o.class_weight = p->cw;
  }
  if (rng_next(s) % 2) {
    p->sw = (double *)xmalloc(n * sizeof(double));
    for (i = 0; i < n; i++) p->sw[i] = rng_range(s, 0, 3);
    p->o.sample_weight = p->sw;
  }
  p->out_bytes = layout_of(p).total;
  p->want = (unsigned char *)xmalloc(p->out_bytes);
}

static void problem_free(problem *p) {
  free(p->X), free(p->W), free(p->b), free(p->S), free(p->y), free(p->cw), free(p->sw), free(p->want);
}

/* Runs p into out (out_bytes, filled first with 0xa5). S: the scores to
   use (a private copy when in place). */
static linloss_status run(const problem *p, unsigned char *out, void *S) {
  const layout l = layout_of(p);
  linloss_options o = p->o;
  void *loss = out + l.loss, *dW = out + l.dW, *db = out + l.db, *dS = p->inplace ? S : out + l.dS;
  int32_t *pred = (int32_t *)(void *)(out + l.pred);
  linloss_status st;
  memset(out, 0xa5, p->out_bytes);
  o.sample_loss = (double *)(void *)(out + l.sl);
  if (p->f64) {
    switch (p->entry) {
    case E_SVM: st = linloss_svm_f64(p->n, p->d, p->c, p->X, p->d, p->y, p->W, p->b, &o, loss, dW, db); break;
    case E_SOFTMAX: st = linloss_softmax_f64(p->n, p->d, p->c, p->X, p->d, p->y, p->W, p->b, &o, loss, dW, db); break;
    case E_SVM_S: st = linloss_svm_scores_f64(p->n, p->c, S, p->c, p->y, &o, loss, dS, p->c); break;
    case E_SOFTMAX_S: st = linloss_softmax_scores_f64(p->n, p->c, S, p->c, p->y, &o, loss, dS, p->c); break;
    case E_LOGISTIC: st = linloss_logistic_f64(p->n, p->d, p->X, p->d, p->y, p->W, p->b, &o, loss, dW, db); break;
    case E_LOGISTIC_S: st = linloss_logistic_scores_f64(p->n, S, p->y, &o, loss, dS); break;
    default: st = linloss_predict_f64(p->n, p->d, p->c, p->X, p->d, p->W, p->b, &o, pred); break;
    }
  } else {
    switch (p->entry) {
    case E_SVM: st = linloss_svm_f32(p->n, p->d, p->c, p->X, p->d, p->y, p->W, p->b, &o, loss, dW, db); break;
    case E_SOFTMAX: st = linloss_softmax_f32(p->n, p->d, p->c, p->X, p->d, p->y, p->W, p->b, &o, loss, dW, db); break;
    case E_SVM_S: st = linloss_svm_scores_f32(p->n, p->c, S, p->c, p->y, &o, loss, dS, p->c); break;
    case E_SOFTMAX_S: st = linloss_softmax_scores_f32(p->n, p->c, S, p->c, p->y, &o, loss, dS, p->c); break;
    case E_LOGISTIC: st = linloss_logistic_f32(p->n, p->d, p->X, p->d, p->y, p->W, p->b, &o, loss, dW, db); break;
    case E_LOGISTIC_S: st = linloss_logistic_scores_f32(p->n, S, p->y, &o, loss, dS); break;
    default: st = linloss_predict_f32(p->n, p->d, p->c, p->X, p->d, p->W, p->b, &o, pred); break;
    }
  }
  if (p->inplace) memcpy(out + l.dS, S, p->n * p->w * es_of(p));
  return st;
}

/* ------------------------------------------------------------ threads */

#define MAX_THREADS 64
static problem *g_probs;
static size_t g_nprobs;
static int g_rounds;
static pthread_barrier_t g_start;

typedef struct worker {
  int id;
  int own_inputs; /* copy every problem's inputs first */
  long calls, mismatches, bad_status;
  char first[256];
} worker;

static void *thread_main(void *arg) {
  worker *wk = (worker *)arg;
  problem *mine = g_probs;
  size_t k, i;
  int r;
  if (wk->own_inputs) { /* deep copies: different data in every thread */
    mine = (problem *)xmalloc(g_nprobs * sizeof(problem));
    for (k = 0; k < g_nprobs; k++) {
      const problem *p = &g_probs[k];
      const size_t es = es_of(p);
      mine[k] = *p;
      mine[k].X = xmalloc(p->n * p->d * es), memcpy(mine[k].X, p->X, p->n * p->d * es);
      mine[k].W = xmalloc(p->d * p->w * es), memcpy(mine[k].W, p->W, p->d * p->w * es);
      mine[k].b = xmalloc(p->w * es), memcpy(mine[k].b, p->b, p->w * es);
      mine[k].y = (int32_t *)xmalloc(p->n * 4), memcpy(mine[k].y, p->y, p->n * 4);
      if (p->cw) {
        mine[k].cw = (double *)xmalloc(p->c * 8), memcpy(mine[k].cw, p->cw, p->c * 8);
        mine[k].o.class_weight = mine[k].cw;
      }
      if (p->sw) {
        mine[k].sw = (double *)xmalloc(p->n * 8), memcpy(mine[k].sw, p->sw, p->n * 8);
        mine[k].o.sample_weight = mine[k].sw;
      }
    }
  }
  pthread_barrier_wait(&g_start);
  for (r = 0; r < g_rounds; r++)
    for (i = 0; i < g_nprobs; i++) {
      /* each thread in its own order: different calls overlap */
      const problem *p = &mine[(i * 7 + (size_t)wk->id * 5 + (size_t)r * 3) % g_nprobs];
      const size_t sbytes = p->n * p->w * es_of(p);
      unsigned char *out = (unsigned char *)xmalloc(p->out_bytes);
      void *S = xmalloc(sbytes);
      linloss_status st;
      memcpy(S, p->S, sbytes);
      st = run(p, out, S);
      wk->calls++;
      if (st != LINLOSS_OK) {
        if (!wk->bad_status++)
          snprintf(wk->first, sizeof wk->first, "%s_%s: status %d", entry_name[p->entry], p->f64 ? "f64" : "f32",
                   (int)st);
      } else if (memcmp(out, p->want, p->out_bytes) != 0) {
        if (!wk->mismatches++ && !wk->bad_status)
          snprintf(wk->first, sizeof wk->first, "%s_%s (n %zu d %zu c %zu): outputs differ from the serial call",
                   entry_name[p->entry], p->f64 ? "f64" : "f32", p->n, p->d, p->c);
      }
      free(out);
      free(S);
    }
  if (wk->own_inputs) {
    for (k = 0; k < g_nprobs; k++) {
      free(mine[k].X), free(mine[k].W), free(mine[k].b), free(mine[k].y);
      if (g_probs[k].cw) free(mine[k].cw);
      if (g_probs[k].sw) free(mine[k].sw);
    }
    free(mine);
  }
  return NULL;
}

static int g_number, g_passed, g_failed;

static void run_threads(int nthreads, int own_inputs) {
  pthread_t th[MAX_THREADS];
  worker wk[MAX_THREADS];
  long calls = 0, mism = 0, bad = 0;
  const char *first = "";
  int t, ok;
  pthread_barrier_init(&g_start, NULL, (unsigned)nthreads);
  for (t = 0; t < nthreads; t++) {
    memset(&wk[t], 0, sizeof wk[t]);
    wk[t].id = t;
    wk[t].own_inputs = own_inputs;
    if (pthread_create(&th[t], NULL, thread_main, &wk[t]) != 0) {
      fprintf(stderr, "test_threads: pthread_create failed\n");
      exit(2);
    }
  }
  for (t = 0; t < nthreads; t++) {
    pthread_join(th[t], NULL);
    calls += wk[t].calls;
    mism += wk[t].mismatches;
    bad += wk[t].bad_status;
    if (!*first && wk[t].first[0]) first = wk[t].first;
  }
  pthread_barrier_destroy(&g_start);
  ok = mism == 0 && bad == 0 && calls == (long)nthreads * g_rounds * (long)g_nprobs;
  g_number++;
  if (ok) g_passed++; else g_failed++;
  printf("%s %d - %s: %d threads x %d rounds x %zu problems (%s inputs): %ld calls, bitwise equal to the serial"
         " calls%s%s\n",
         ok ? "ok" : "not ok", g_number, linloss_backend_name(), nthreads, g_rounds, g_nprobs,
         own_inputs ? "per-thread" : "shared", calls, ok ? "" : ": ", ok ? "" : first);
  fflush(stdout);
}

static int env_int(const char *name, int dflt, int lo, int hi) {
  const char *v = getenv(name);
  int n;
  if (!v || !*v) return dflt;
  n = atoi(v);
  return n < lo ? lo : n > hi ? hi : n;
}

int main(void) {
  static const size_t shapes[][3] = {/* n, d, c */
                                     {1, 1, 2},   {7, 3, 3},   {33, 17, 5},  {64, 8, 10}, {65, 9, 33},
                                     {130, 20, 2}, {24, 20, 1100}, {5, 300, 7}, {200, 4, 40}};
  const size_t nshapes = sizeof shapes / sizeof shapes[0];
  uint64_t seed = 20240607;
  int nthreads, e, f64;
  size_t k, si;
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
  __builtin_cpu_init();
#if defined(__AVX512F__)
  if (!__builtin_cpu_supports("avx512f")) return 77;
#endif
#if defined(__AVX2__)
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return 77;
#endif
#endif
  nthreads = env_int("LINLOSS_TEST_THREADS", 8, 2, MAX_THREADS);
#if defined(__x86_64__) || defined(__i386__)
  g_rounds = env_int("LINLOSS_TEST_ROUNDS", 20, 1, 1000);
#else /* cross builds run under qemu, which runs threads slowly */
  g_rounds = env_int("LINLOSS_TEST_ROUNDS", 3, 1, 1000);
#endif
  g_nprobs = (size_t)E_COUNT * 2 * nshapes;
  g_probs = (problem *)xmalloc(g_nprobs * sizeof(problem));
  k = 0;
  for (e = 0; e < E_COUNT; e++)
    for (f64 = 0; f64 < 2; f64++)
      for (si = 0; si < nshapes; si++)
        problem_make(&g_probs[k++], &seed, e, f64, shapes[si][0], shapes[si][1], shapes[si][2]);
  printf("# linloss %s: %zu problems (every entry point, f32 and f64, C up to 1100), serial first\n",
         linloss_backend_name(), g_nprobs);
  for (k = 0; k < g_nprobs; k++) { /* the serial results */
    problem *p = &g_probs[k];
    const size_t sbytes = p->n * p->w * es_of(p);
    void *S = xmalloc(sbytes);
    linloss_status st;
    memcpy(S, p->S, sbytes);
    st = run(p, p->want, S);
    free(S);
    if (st != LINLOSS_OK) {
      printf("not ok 1 - serial %s_%s (n %zu d %zu c %zu): status %d\n", entry_name[p->entry],
             p->f64 ? "f64" : "f32", p->n, p->d, p->c, (int)st);
      printf("0 passed, 1 failed\n");
      return 1;
    }
  }
  run_threads(nthreads, 0);
  run_threads(nthreads, 1);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  for (k = 0; k < g_nprobs; k++) problem_free(&g_probs[k]);
  free(g_probs);
  return g_failed ? 1 : 0;
}
