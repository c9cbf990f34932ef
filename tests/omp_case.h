/* omp_case.h - one call of a linloss.h entry point on a generated problem,
   its outputs as bytes. Included by tests/test_omp.c (built with -fopenmp)
   and tests/omp_serial.c (built without), so that the two builds of the
   header run the same calls. Define OMP_CASE_RUN, the name of the function,
   before including; linloss.h must be included first. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef OMP_CASE_TYPES
#define OMP_CASE_TYPES
enum { OC_SVM, OC_SOFTMAX, OC_LOGISTIC, OC_SVM_S, OC_SOFTMAX_S, OC_LOGISTIC_S, OC_PREDICT, OC_COUNT };

/* A problem: the entry point, element type, shape, W layout, a set of
   options (0 defaults; 1 L2, sample weights and losses, label smoothing,
   SUM, an ignored label; 2 Crammer-Singer squared hinge with class weights)
   and the option `threads`. */
typedef struct omp_case {
  int entry, f64, layout, opts, threads;
  size_t n, d, c;
  uint64_t seed;
} omp_case;

static uint64_t oc_next(uint64_t *s) { /* splitmix64 */
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static double oc_unit(uint64_t *s) { return (double)(oc_next(s) >> 11) / 9007199254740992.0 * 2 - 1; }
#endif

/* Runs the case; gives the number of bytes of *out (malloc'd): the status,
   then loss, dW, db, dS, sample_loss and pred as the entry point has them.
   Exits with status 2 when out of memory. */
size_t OMP_CASE_RUN(const omp_case *k, unsigned char **out);
size_t OMP_CASE_RUN(const omp_case *k, unsigned char **out) {
  const int logistic = k->entry == OC_LOGISTIC || k->entry == OC_LOGISTIC_S;
  const int scores = k->entry == OC_SVM_S || k->entry == OC_SOFTMAX_S || k->entry == OC_LOGISTIC_S;
  const size_t n = k->n, d = k->d, w = logistic ? 1 : k->c, lds = scores && !logistic ? w + 3 : w;
  const size_t es = k->f64 ? sizeof(double) : sizeof(float);
  const size_t nx = n * (d + 1), nw = d * w, ns = n * lds;
  uint64_t s = k->seed;
  double *sw = (double *)malloc(n * sizeof(double) + 1), *sl = (double *)calloc(n + 1, sizeof(double));
  double cw[4] = {0.5, 2, 1, 1.5};
  int32_t *y = (int32_t *)malloc(n * sizeof(int32_t) + 1), *pred = (int32_t *)calloc(n + 1, sizeof(int32_t));
  unsigned char *X = (unsigned char *)malloc(nx * es + 1), *W = (unsigned char *)malloc(nw * es + 1);
  unsigned char *b = (unsigned char *)malloc(w * es + 1), *S = (unsigned char *)malloc(ns * es + 1);
  unsigned char *g = (unsigned char *)calloc(nw + w + ns + 2, es), *o;
  linloss_options opt = linloss_options_default();
  linloss_status st = LINLOSS_OK;
  size_t i, len;
  if (!sw || !sl || !y || !pred || !X || !W || !b || !S || !g) exit(2);
#define OC_FILL(T)                                                                          \
  do {                                                                                      \
    for (i = 0; i < nx; i++) ((T *)X)[i] = (T)oc_unit(&s);                                  \
    for (i = 0; i < nw; i++) ((T *)W)[i] = (T)(0.3 * oc_unit(&s));                          \
    for (i = 0; i < w; i++) ((T *)b)[i] = (T)(0.1 * oc_unit(&s));                           \
    for (i = 0; i < ns; i++) ((T *)S)[i] = (T)(3 * oc_unit(&s));                            \
  } while (0)
  if (k->f64) OC_FILL(double);
  else OC_FILL(float);
  for (i = 0; i < n; i++) {
    y[i] = (int32_t)(oc_next(&s) % (logistic ? 2 : k->c));
    sw[i] = 0.5 + oc_unit(&s) * 0.4;
  }
  opt.w_layout = k->layout;
  opt.threads = k->threads;
  if (k->opts == 1) {
    opt.reg = 1e-3, opt.sample_weight = sw, opt.sample_loss = sl, opt.label_smoothing = 0.1;
    opt.reduction = LINLOSS_SUM, opt.ignore_label = 1;
  } else if (k->opts == 2 && k->c <= 4) {
    opt.class_weight = cw, opt.svm_variant = LINLOSS_SVM_CS, opt.hinge_power = 2, opt.reg = 0.5;
  } else if (k->opts == 2) {
    opt.svm_variant = LINLOSS_SVM_CS, opt.hinge_power = 2, opt.reg = 0.5;
  }
#define OC_CALL(T, S_)                                                                            \
  do {                                                                                            \
    T *loss = (T *)g, *dW = loss + 1, *db = dW + nw, *dS = db + w;                                \
    switch (k->entry) {                                                                           \
    case OC_SVM: st = linloss_svm_##S_(n, d, w, (T *)X, d + 1, y, (T *)W, (T *)b, &opt, loss, dW, db); break; \
    case OC_SOFTMAX: st = linloss_softmax_##S_(n, d, w, (T *)X, d + 1, y, (T *)W, (T *)b, &opt, loss, dW, db); break; \
    case OC_LOGISTIC: st = linloss_logistic_##S_(n, d, (T *)X, d + 1, y, (T *)W, (T *)b, &opt, loss, dW, db); break; \
    case OC_SVM_S: st = linloss_svm_scores_##S_(n, w, (T *)S, lds, y, &opt, loss, dS, lds); break;       \
    case OC_SOFTMAX_S: st = linloss_softmax_scores_##S_(n, w, (T *)S, lds, y, &opt, loss, dS, lds); break; \
    case OC_LOGISTIC_S: st = linloss_logistic_scores_##S_(n, (T *)S, y, &opt, loss, dS); break;          \
    default: st = linloss_predict_##S_(n, d, w, (T *)X, d + 1, (T *)W, (T *)b, &opt, pred); break;      \
    }                                                                                             \
  } while (0)
  if (k->f64) OC_CALL(double, f64);
  else OC_CALL(float, f32);
  len = sizeof st + (1 + nw + w + ns) * es + n * (sizeof(double) + sizeof(int32_t));
  o = (unsigned char *)malloc(len);
  if (!o) exit(2);
  memcpy(o, &st, sizeof st);
  memcpy(o + sizeof st, g, (1 + nw + w + ns) * es);
  memcpy(o + sizeof st + (1 + nw + w + ns) * es, sl, n * sizeof(double));
  memcpy(o + sizeof st + (1 + nw + w + ns) * es + n * sizeof(double), pred, n * sizeof(int32_t));
  free(sw), free(sl), free(y), free(pred), free(X), free(W), free(b), free(S), free(g);
  *out = o;
  return len;
}
