/* gradcheck.c - check linloss's analytic gradients against centred
   differences, CS231n style (grad_check_sparse), through the public API in
   double precision.

   For each loss, ~10 random coordinates of dW and of db: the numerical
   gradient (f(x + h) - f(x - h)) / 2h against the analytic one, with the
   relative error |n - a| / (|n| + |a|). The SVM data are drawn so that no
   margin lies within a small gap of its kink (nor, for Crammer-Singer, two
   competing scores within a gap of each other): there the loss is not
   differentiable and the check would be meaningless.

   Exit status 1 if any relative error exceeds 1e-6 (or a call fails). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linloss.h"

#define N 40
#define D 37 /* odd sizes: the vector kernels' tails are exercised */
#define C 11
#define CHECKS 10
#define H 1e-5
#define TOL 1e-6
#define GAP 1e-2 /* least distance of an SVM margin from its kink */

typedef struct rng { uint64_t s; } rng;

static uint64_t rng_next(rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static double rng_uniform(rng *r) { /* in (0, 1) */
  return ((double)(rng_next(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double rng_normal(rng *r) {
  return sqrt(-2.0 * log(rng_uniform(r))) * cos(6.283185307179586 * rng_uniform(r));
}

enum { K_SVM, K_SOFTMAX, K_LOGISTIC };

typedef struct problem {
  const char *name;
  int kind;
  size_t c; /* classes (1 weight column for logistic) */
  linloss_options o;
  double X[N * D], W[D * C], b[C];
  int32_t y[N];
} problem;

static int failures = 0;

/* The loss alone, or the loss and the gradients. */
static double eval(problem *p, double *dW, double *db) {
  double loss = NAN;
  linloss_status st;
  switch (p->kind) {
  case K_SVM:
    st = linloss_svm_f64(N, D, p->c, p->X, D, p->y, p->W, p->b, &p->o, &loss, dW, db);
    break;
  case K_SOFTMAX:
    st = linloss_softmax_f64(N, D, p->c, p->X, D, p->y, p->W, p->b, &p->o, &loss, dW, db);
    break;
  default:
    st = linloss_logistic_f64(N, D, p->X, D, p->y, p->W, p->b, &p->o, &loss, dW, db);
    break;
  }
  if (st != LINLOSS_OK) {
    fprintf(stderr, "gradcheck: %s: %s\n", p->name, linloss_status_string(st));
    exit(1);
  }
  return loss;
}

/* Scores of sample i, W in p->o.w_layout. */
static void scores(const problem *p, size_t i, double *s) {
  for (size_t j = 0; j < p->c; j++) {
    double a = p->b[j];
    for (size_t k = 0; k < D; k++)
      a += p->X[i * D + k] *
           (p->o.w_layout == LINLOSS_W_CD ? p->W[j * D + k] : p->W[k * p->c + j]);
    s[j] = a;
  }
}

/* Does sample i sit within GAP of a kink of the SVM loss? */
static int near_kink(const problem *p, size_t i) {
  double s[C], best = -INFINITY;
  size_t y = (size_t)p->y[i];
  scores(p, i, s);
  for (size_t j = 0; j < p->c; j++) {
    if (j == y) continue;
    if (fabs(s[j] - s[y] + p->o.delta) < GAP) return 1;
    if (s[j] > best) best = s[j];
  }
  if (p->o.svm_variant == LINLOSS_SVM_CS) /* the worst class must be clear */
    for (size_t j = 0; j < p->c; j++)
      if (j != y && s[j] != best && best - s[j] < GAP) return 1;
  return 0;
}

static void fill(problem *p, rng *r) {
  size_t nw = p->kind == K_LOGISTIC ? D : D * p->c;
  for (size_t k = 0; k < N * D; k++) p->X[k] = rng_normal(r);
  for (size_t k = 0; k < nw; k++) p->W[k] = 0.1 * rng_normal(r);
  for (size_t j = 0; j < p->c; j++) p->b[j] = 0.1 * rng_normal(r);
  for (size_t i = 0; i < N; i++) {
    p->y[i] = (int32_t)(rng_next(r) % (p->kind == K_LOGISTIC ? 2 : p->c));
    if (p->kind == K_SVM) /* redraw the row until it is clear of the kinks */
      for (int tries = 0; near_kink(p, i); tries++) {
        if (tries == 1000) {
          fprintf(stderr, "gradcheck: %s: cannot draw a sample clear of the kinks\n",
                  p->name);
          exit(1);
        }
        for (size_t k = 0; k < D; k++) p->X[i * D + k] = rng_normal(r);
      }
  }
}

/* grad_check_sparse over x (m entries) against the analytic grad. */
static void check_sparse(problem *p, const char *what, double *x, size_t m,
                         const double *grad, rng *r) {
  double worst = 0;
  size_t seen[CHECKS];
  int checks = m < CHECKS ? (int)m : CHECKS;
  for (int t = 0; t < checks; t++) {
    size_t ix;
    double old, fp, fm, num, rel;
    int dup;
    do { /* distinct coordinates */
      ix = (size_t)(rng_next(r) % m);
      dup = 0;
      for (int u = 0; u < t; u++) dup |= seen[u] == ix;
    } while (dup);
    seen[t] = ix;
    old = x[ix];
    x[ix] = old + H;
    fp = eval(p, NULL, NULL);
    x[ix] = old - H;
    fm = eval(p, NULL, NULL);
    x[ix] = old;
    num = (fp - fm) / (2 * H);
    rel = num == grad[ix] ? 0 : fabs(num - grad[ix]) / (fabs(num) + fabs(grad[ix]));
    printf("  %s[%3zu]  numerical % .10f  analytic % .10f  relative error %.3e%s\n", what,
           ix, num, grad[ix], rel, rel > TOL ? "  <-- FAIL" : "");
    if (!(rel <= TOL)) failures++;
    if (rel > worst) worst = rel;
  }
  printf("  %s: worst relative error %.3e\n", what, worst);
}

static void run(problem *p, rng *r) {
  double dW[D * C], db[C], loss;
  size_t nw = p->kind == K_LOGISTIC ? D : D * p->c;
  fill(p, r);
  loss = eval(p, dW, db);
  printf("%s: loss %.10f\n", p->name, loss);
  if (!isfinite(loss)) {
    printf("  loss is not finite  <-- FAIL\n");
    failures++;
    return;
  }
  if (eval(p, NULL, NULL) != loss) {
    printf("  the loss differs with and without the gradients  <-- FAIL\n");
    failures++;
  }
  check_sparse(p, p->kind == K_LOGISTIC ? "dw" : "dW", p->W, nw, dW, r);
  check_sparse(p, "db", p->b, p->kind == K_LOGISTIC ? 1 : p->c, db, r);
}

int main(void) {
  static problem p;
  rng r = {12345};
  struct {
    const char *name;
    int kind, layout, variant, power;
    double reg, smoothing;
    int weighted;
  } cases[] = {
      {"svm (Weston-Watkins)", K_SVM, LINLOSS_W_DC, LINLOSS_SVM_WW, 1, 0.1, 0, 0},
      {"svm (Weston-Watkins, squared hinge, W C x D)", K_SVM, LINLOSS_W_CD,
       LINLOSS_SVM_WW, 2, 0.1, 0, 0},
      {"svm (Crammer-Singer, sample weights)", K_SVM, LINLOSS_W_DC, LINLOSS_SVM_CS, 1,
       0.05, 0, 1},
      {"softmax", K_SOFTMAX, LINLOSS_W_DC, 0, 1, 0.1, 0, 0},
      {"softmax (label smoothing 0.1, W C x D, sample weights)", K_SOFTMAX,
       LINLOSS_W_CD, 0, 1, 0.05, 0.1, 1},
      {"logistic", K_LOGISTIC, LINLOSS_W_DC, 0, 1, 0.1, 0, 0},
      {"logistic (label smoothing 0.2, sample weights)", K_LOGISTIC, LINLOSS_W_DC, 0, 1,
       0.01, 0.2, 1},
  };
  static double sw[N];
  printf("linloss %d.%d.%d, backend %s: centred differences, h = %g, tolerance %g\n",
         LINLOSS_VERSION_MAJOR, LINLOSS_VERSION_MINOR, LINLOSS_VERSION_PATCH,
         linloss_backend_name(), H, TOL);
  for (size_t i = 0; i < N; i++) sw[i] = 0.5 + rng_uniform(&r);
  for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
    memset(&p, 0, sizeof p);
    p.name = cases[t].name;
    p.kind = cases[t].kind;
    p.c = p.kind == K_LOGISTIC ? 1 : C;
    p.o = linloss_options_default();
    p.o.w_layout = cases[t].layout;
    p.o.svm_variant = cases[t].variant;
    p.o.hinge_power = cases[t].power;
    p.o.reg = cases[t].reg;
    p.o.label_smoothing = cases[t].smoothing;
    if (cases[t].weighted) p.o.sample_weight = sw;
    run(&p, &r);
  }
  if (failures) {
    printf("gradcheck: %d relative errors above %g: FAIL\n", failures, TOL);
    return 1;
  }
  printf("gradcheck: all relative errors below %g: OK\n", TOL);
  return 0;
}
