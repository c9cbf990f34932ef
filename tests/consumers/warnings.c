/* The warning matrix's translation unit (tests/consumers/run.sh): calls every
   entry point of linloss.h, in float and double, so that every kernel is
   compiled (at -O2, where gcc's flow-based warnings run) under
   -Wall -Wextra -Wpedantic -Werror. Valid C99, C11, C++11 and C++17: run.sh
   compiles it as C and, with -x c++, as C++, once per backend.

   -DEXPECT_BACKEND='"avx2"'  exit 1 unless linloss_backend_name() is that */
#include "linloss.h"

#include <string.h>

#define N 9
#define D 11
#define C 5

#define WARNINGS_USE(T, S)                                                                 \
  static int use_##S(const T *X, const T *W, const int32_t *y, const int32_t *y01) {       \
    T b[C] = {0}, loss = 0, dW[D * C], db[C], Sc[N * C] = {0}, s[N] = {0}, w[D] = {0}, b1 = 0; \
    T dw[D], db1;                                                                          \
    int32_t pred[N];                                                                       \
    double sample_loss[N];                                                                 \
    int bad = 0;                                                                           \
    linloss_options o = linloss_options_default();                                        \
    o.sample_loss = sample_loss;                                                           \
    bad |= linloss_svm_##S(N, D, C, X, D, y, W, b, &o, &loss, dW, db) != LINLOSS_OK;       \
    bad |= linloss_softmax_##S(N, D, C, X, D, y, W, b, NULL, &loss, dW, db) != LINLOSS_OK; \
    o.w_layout = LINLOSS_W_CD;                                                             \
    bad |= linloss_softmax_##S(N, D, C, X, D, y, W, NULL, &o, &loss, dW, NULL) != LINLOSS_OK; \
    bad |= linloss_svm_scores_##S(N, C, Sc, C, y, &o, &loss, Sc, C) != LINLOSS_OK;         \
    bad |= linloss_softmax_scores_##S(N, C, Sc, C, y, NULL, &loss, Sc, C) != LINLOSS_OK;   \
    bad |= linloss_logistic_##S(N, D, X, D, y01, w, &b1, NULL, &loss, dw, &db1) != LINLOSS_OK; \
    bad |= linloss_logistic_scores_##S(N, s, y01, &o, &loss, s) != LINLOSS_OK;             \
    bad |= linloss_predict_##S(N, D, C, X, D, W, b, &o, pred) != LINLOSS_OK;               \
    return bad;                                                                            \
  }
WARNINGS_USE(float, f32)
WARNINGS_USE(double, f64)

int main(void) {
  float Xf[N * D], Wf[D * C];
  double Xd[N * D], Wd[D * C];
  int32_t y[N], y01[N];
  int i;
  for (i = 0; i < N * D; i++) Xd[i] = Xf[i] = (float)(i % 7) - 3;
  for (i = 0; i < D * C; i++) Wd[i] = Wf[i] = (float)(i % 5) / 8;
  for (i = 0; i < N; i++) {
    y[i] = i % C;
    y01[i] = i % 2;
  }
#ifdef EXPECT_BACKEND
  if (strcmp(linloss_backend_name(), EXPECT_BACKEND) != 0) return 1;
#endif
  return use_f32(Xf, Wf, y, y01) | use_f64(Xd, Wd, y, y01) |
         (strcmp(linloss_status_string(LINLOSS_OK), "ok") != 0);
}
