/* reference.h - an independent float64 reference for the linloss tests.

   Written straight from the definitions in the manual at the top of
   linloss.h, as plain loops over double arrays. It shares no code, no types
   and no headers with linloss.h on purpose: the tests compare the library
   against this file only.

   Conventions (all arrays are row-major double arrays):
     X    n x d, row stride ldx
     W    d x w (w_cd = 0: S = X W) or w x d (w_cd = 1: S = X W^T),
          w = number of score columns (C, or 1 for the logistic loss)
     b    w values or NULL
     S    n x w, row stride lds; dS is written n x w contiguous
     y    n labels; for the logistic loss the labels are 0 / 1 and there
          are 2 class weights
*/
#ifndef LINLOSS_TEST_REFERENCE_H
#define LINLOSS_TEST_REFERENCE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

enum { REF_SVM = 0, REF_SOFTMAX = 1, REF_LOGISTIC = 2 };

typedef struct ref_opts {
  int kind;                    /* REF_SVM, REF_SOFTMAX or REF_LOGISTIC */
  double delta;                /* SVM margin */
  double reg;                  /* L2 strength (fused entry points) */
  int w_cd;                    /* 1: W is w x d, S = X W^T; 0: W is d x w */
  int sum;                     /* 1: sum the data term; 0: weighted mean */
  int crammer_singer;          /* SVM: 1 = max over j != y, 0 = sum */
  int power;                   /* hinge power, 1 or 2 */
  int has_ignore;              /* 1: samples labelled `ignore` weigh 0 */
  int32_t ignore;
  double eps;                  /* label smoothing */
  const double *class_weight;  /* or NULL */
  const double *sample_weight; /* or NULL */
} ref_opts;

/* w_i = sample_weight[i] * class_weight[y_i]; 0 for the ignore label. */
static double ref_weight(const ref_opts *o, size_t i, int32_t y) {
  double w = 1.0;
  if (o->has_ignore && y == o->ignore) return 0.0;
  if (o->sample_weight) w *= o->sample_weight[i];
  if (o->class_weight) w *= o->class_weight[y];
  return w;
}

/* h(m) and h'(m) of the SVM; NaN margins give NaN for both. */
static double ref_hinge(double m, int power) {
  if (isnan(m)) return m;
  if (!(m > 0)) return 0.0;
  return power == 1 ? m : m * m;
}
static double ref_hinge_grad(double m, int power) {
  if (isnan(m)) return m;
  if (!(m > 0)) return 0.0; /* the kink itself (m == 0) has gradient 0 */
  return power == 1 ? 1.0 : 2.0 * m;
}

/* One sample of the multiclass SVM: returns L_i, writes dL_i/ds to g. */
static double ref_svm_row(const ref_opts *o, const double *s, size_t c, size_t y,
                          double *g) {
  size_t j;
  double loss = 0.0, gy = 0.0;
  for (j = 0; j < c; j++) g[j] = 0.0;
  if (!o->crammer_singer) {
    for (j = 0; j < c; j++) {
      double m;
      if (j == y) continue;
      m = s[j] - s[y] + o->delta;
      loss += ref_hinge(m, o->power);
      g[j] = ref_hinge_grad(m, o->power);
      gy -= g[j];
    }
    g[y] = gy;
  } else {
    /* the first j != y of largest score; a NaN counts as the largest */
    size_t best = c;
    double m;
    for (j = 0; j < c; j++) {
      if (j == y) continue;
      if (best == c) { best = j; continue; }
      if (isnan(s[best])) break;
      if (isnan(s[j]) || s[j] > s[best]) best = j;
    }
    m = s[best] - s[y] + o->delta;
    loss = ref_hinge(m, o->power);
    g[best] = ref_hinge_grad(m, o->power);
    g[y] = -g[best];
  }
  return loss;
}

/* One sample of the softmax cross-entropy with label smoothing:
   L = log sum_j exp(s_j) - sum_j q_j s_j, with the maximum m shifted out:
   L = log sum_j exp(s_j - m) - sum_j q_j (s_j - m)   (sum_j q_j = 1). */
static double ref_softmax_row(const ref_opts *o, const double *s, size_t c, size_t y,
                              double *g) {
  size_t j;
  double m = -INFINITY, sum = 0.0, qs = 0.0, lse;
  for (j = 0; j < c; j++) {
    if (isnan(s[j])) {
      for (j = 0; j < c; j++) g[j] = NAN;
      return NAN;
    }
    if (s[j] > m) m = s[j];
  }
  for (j = 0; j < c; j++) sum += exp(s[j] - m);
  lse = log(sum);
  for (j = 0; j < c; j++) {
    double q = o->eps / (double)c + (j == y ? 1.0 - o->eps : 0.0);
    if (q != 0.0) qs += q * (s[j] - m); /* q = 0: an -inf score costs nothing */
    g[j] = exp(s[j] - m) / sum - q;
  }
  return lse - qs;
}

/* sigma(x) without cancellation in either tail */
static double ref_sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + exp(-x));
  return exp(x) / (1.0 + exp(x));
}

/* One sample of the logistic loss, label y in {0, 1}, smoothed target
   t = (1 - eps) y + eps / 2. */
static double ref_logistic_row(const ref_opts *o, double s, int32_t y, double *g) {
  double t = (1.0 - o->eps) * (double)y + o->eps / 2.0;
  if (isnan(s)) {
    *g = s;
    return s;
  }
  *g = (1.0 - t) * ref_sigmoid(s) - t * ref_sigmoid(-s);
  return (s > 0 ? s : 0.0) - s * t + log1p(exp(-fabs(s)));
}

/* v w / t for a weight w > 0 and t = W_tot (or 1 under LINLOSS_SUM),
   rounded into the denormals at most once, at the end: (v w) / t or
   v (w / t) would round an intermediate there and lose its low bits when w
   is tiny (a denormal weight). Computed as v (m_w / m_t / 2) 2^(e_w - e_t + 1)
   with w = m_w 2^e_w, t = m_t 2^e_t, m in [1/2, 1): the factor is in
   (1/4, 1), so v times it neither overflows nor leaves the normal range
   for normal v; ldexp rounds once. */
static double ref_wscale(double v, double w, double t) {
  int ew, et;
  const double mw = frexp(w, &ew), mt = frexp(t, &et);
  return ldexp(v * (mw / mt * 0.5), ew - et + 1);
}

/* The data term of a batch of scores. S is n x w (w = C, or 1 for the
   logistic loss) with row stride lds. Writes dS = dloss/dS (n x w,
   contiguous) and sample_loss[i] = w_i L_i when those are not NULL. */
static double ref_loss_scores(const ref_opts *o, size_t n, size_t w, const double *S,
                              size_t lds, const int32_t *y, double *dS,
                              double *sample_loss) {
  size_t i, j;
  double wtot = 0.0, total = 0.0, norm;
  double *g = (double *)malloc((w ? w : 1) * sizeof(double));
  for (i = 0; i < n; i++) wtot += ref_weight(o, i, y[i]);
  norm = o->sum ? 1.0 : wtot;
  for (i = 0; i < n; i++) {
    const double *s = S + i * lds;
    double wi = ref_weight(o, i, y[i]), li;
    if (wi == 0.0) { /* counts for nothing, whatever its scores */
      if (sample_loss) sample_loss[i] = 0.0;
      if (dS)
        for (j = 0; j < w; j++) dS[i * w + j] = 0.0;
      continue;
    }
    if (o->kind == REF_SVM)
      li = ref_svm_row(o, s, w, (size_t)y[i], g);
    else if (o->kind == REF_SOFTMAX)
      li = ref_softmax_row(o, s, w, (size_t)y[i], g);
    else
      li = ref_logistic_row(o, s[0], y[i], g);
    total += ref_wscale(li, wi, norm);
    if (sample_loss) sample_loss[i] = wi * li;
    if (dS)
      for (j = 0; j < w; j++) dS[i * w + j] = ref_wscale(g[j], wi, norm);
  }
  free(g);
  return wtot > 0.0 ? total : 0.0;
}

/* S = X W + b (n x w, contiguous). */
static void ref_scores(const ref_opts *o, size_t n, size_t d, size_t w, const double *X,
                       size_t ldx, const double *W, const double *b, double *S) {
  size_t i, j, k;
  for (i = 0; i < n; i++)
    for (j = 0; j < w; j++) {
      double acc = b ? b[j] : 0.0;
      for (k = 0; k < d; k++)
        acc += X[i * ldx + k] * (o->w_cd ? W[j * d + k] : W[k * w + j]);
      S[i * w + j] = acc;
    }
}

/* The fused loss: data term of S = X W + b plus reg * sum(W^2).
   dW (W's layout) = X^T dS + 2 reg W, db = column sums of dS. Samples of
   weight 0 contribute nothing, even if their row of X holds NaN. dS_out
   (n x w, or NULL) receives dloss/dS. */
static double ref_loss_fused(const ref_opts *o, size_t n, size_t d, size_t w,
                             const double *X, size_t ldx, const int32_t *y,
                             const double *W, const double *b, double *dW, double *db,
                             double *sample_loss, double *dS_out) {
  size_t i, j, k, nw = n * w;
  double *S = (double *)calloc(nw ? nw : 1, sizeof(double));
  double *dS = (double *)calloc(nw ? nw : 1, sizeof(double));
  double loss, sq = 0.0;
  ref_scores(o, n, d, w, X, ldx, W, b, S);
  loss = ref_loss_scores(o, n, w, S, w, y, dS, sample_loss);
  for (k = 0; k < d * w; k++) sq += W[k] * W[k];
  loss += o->reg * sq;
  if (dW) {
    for (k = 0; k < d * w; k++) dW[k] = 2.0 * o->reg * W[k];
    for (i = 0; i < n; i++) {
      if (ref_weight(o, i, y[i]) == 0.0) continue;
      for (j = 0; j < w; j++)
        for (k = 0; k < d; k++)
          dW[o->w_cd ? j * d + k : k * w + j] += X[i * ldx + k] * dS[i * w + j];
    }
  }
  if (db) {
    for (j = 0; j < w; j++) db[j] = 0.0;
    for (i = 0; i < n; i++) {
      if (ref_weight(o, i, y[i]) == 0.0) continue;
      for (j = 0; j < w; j++) db[j] += dS[i * w + j];
    }
  }
  for (i = 0; dS_out && i < n * w; i++) dS_out[i] = dS[i];
  free(S);
  free(dS);
  return loss;
}

/* pred[i] = the first index of the largest score; a NaN counts as the
   largest (the first NaN wins). Returns the scores in S (n x c) too. */
static void ref_predict(const ref_opts *o, size_t n, size_t d, size_t c, const double *X,
                        size_t ldx, const double *W, const double *b, int32_t *pred,
                        double *S) {
  size_t i, j;
  ref_scores(o, n, d, c, X, ldx, W, b, S);
  for (i = 0; i < n; i++) {
    const double *s = S + i * c;
    size_t best = 0;
    for (j = 1; j < c; j++) {
      if (isnan(s[best])) break;
      if (isnan(s[j]) || s[j] > s[best]) best = j;
    }
    pred[i] = (int32_t)best;
  }
}

#endif /* LINLOSS_TEST_REFERENCE_H */
