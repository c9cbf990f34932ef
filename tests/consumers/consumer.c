/* A program that uses linloss.h the way a consumer does: it includes the
   header, calls a few entry points on problems whose answers are known, and
   exits 0 when they are right. Built by tests/consumers/run.sh for every route
   (plain #include, meson subproject, pkg-config, CMake) with
   -Wall -Wextra -Wpedantic -Werror, as C99 and C11.

   -DEXPECT_BACKEND='"avx2"'  fail unless linloss_backend_name() is that
   -DEXPECT_VERSION='"0.1.0"' fail unless LINLOSS_VERSION_* spell that */
#include "linloss.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int consumer_second(void); /* consumer2.c: the header in a second translation unit */

static int failures;

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "consumer: FAILED: %s\n", what);
    failures++;
  }
}

static int near(double got, double want, double tol) {
  return fabs(got - want) <= tol * (1 + fabs(want));
}

int main(void) {
  enum { N = 6, D = 5, C = 4 };
  float X[N * D], W[D * C], b[C], loss, dW[D * C], db[C], s[N], w[D];
  double Xd[N * D], Wd[D * C], lossd, sample_loss[N];
  int32_t y[N] = {0, 1, 2, 3, 1, 2}, y01[N] = {0, 1, 1, 0, 1, 0}, pred[N];
  linloss_options o = linloss_options_default();
  char version[32];
  size_t i;
  for (i = 0; i < N * D; i++) Xd[i] = X[i] = (float)((int)(i * 7 % 11) - 5) / 4;
  for (i = 0; i < D * C; i++) Wd[i] = W[i] = 0;
  for (i = 0; i < C; i++) b[i] = 0;
  for (i = 0; i < D; i++) w[i] = 0;

  /* softmax, W = 0: every class has probability 1/C, the loss is log C. */
  loss = -1;
  check(linloss_softmax_f32(N, D, C, X, D, y, W, b, NULL, &loss, dW, db) == LINLOSS_OK,
        "softmax_f32 returns LINLOSS_OK");
  check(near(loss, log((double)C), 1e-6), "softmax_f32 loss of W = 0 is log C");
  check(near(db[0], 1.0 / C - 1.0 / N, 1e-6), "softmax_f32 db[0] = 1/C - (share of class 0)");
  o.sample_loss = sample_loss;
  lossd = -1;
  check(linloss_softmax_f64(N, D, C, Xd, D, y, Wd, NULL, &o, &lossd, NULL, NULL) == LINLOSS_OK,
        "softmax_f64 returns LINLOSS_OK");
  check(near(lossd, log((double)C), 1e-12), "softmax_f64 loss of W = 0 is log C");
  check(near(sample_loss[N - 1], log((double)C), 1e-12), "softmax_f64 sample_loss");
  o.sample_loss = NULL;

  /* SVM, W = 0, margin 1: each of the C - 1 other classes costs 1. */
  check(linloss_svm_f32(N, D, C, X, D, y, W, b, &o, &loss, dW, db) == LINLOSS_OK,
        "svm_f32 returns LINLOSS_OK");
  check(near(loss, C - 1, 1e-6), "svm_f32 loss of W = 0 is C - 1");

  /* Logistic, w = 0: log 2; its loss layer agrees. */
  check(linloss_logistic_f32(N, D, X, D, y01, w, NULL, NULL, &loss, NULL, NULL) == LINLOSS_OK,
        "logistic_f32 returns LINLOSS_OK");
  check(near(loss, log(2.0), 1e-6), "logistic_f32 loss of w = 0 is log 2");
  for (i = 0; i < N; i++) s[i] = 0;
  check(linloss_logistic_scores_f32(N, s, y01, NULL, &loss, s) == LINLOSS_OK &&
            near(loss, log(2.0), 1e-6) && near(s[0], 0.5 / N, 1e-6),
        "logistic_scores_f32 in place: log 2, ds = (1/2 - y) / N");

  /* predict: all scores tie at 0, the first class wins. */
  check(linloss_predict_f32(N, D, C, X, D, W, b, NULL, pred) == LINLOSS_OK && pred[0] == 0 &&
            pred[N - 1] == 0,
        "predict_f32 picks the first of tied classes");

  /* An error writes nothing. */
  loss = 123;
  check(linloss_softmax_f32(N, D, 1, X, D, y, W, b, NULL, &loss, NULL, NULL) == LINLOSS_ERR_SHAPE &&
            loss == 123,
        "C = 1 is LINLOSS_ERR_SHAPE and leaves the loss untouched");
  check(strlen(linloss_status_string(LINLOSS_ERR_SHAPE)) > 0, "linloss_status_string");

  /* Versioning. */
  check(LINLOSS_VERSION_NUMBER ==
            LINLOSS_VERSION_MAJOR * 10000 + LINLOSS_VERSION_MINOR * 100 + LINLOSS_VERSION_PATCH,
        "LINLOSS_VERSION_NUMBER = MAJOR * 10000 + MINOR * 100 + PATCH");
  snprintf(version, sizeof version, "%d.%d.%d", LINLOSS_VERSION_MAJOR, LINLOSS_VERSION_MINOR, LINLOSS_VERSION_PATCH);
#ifdef EXPECT_VERSION
  check(strcmp(version, EXPECT_VERSION) == 0, "LINLOSS_VERSION_* match the build system's version");
#endif
#ifdef EXPECT_BACKEND
  check(strcmp(linloss_backend_name(), EXPECT_BACKEND) == 0, "the backend asked for is the one compiled");
#endif
  check(consumer_second() == 0, "the header in a second translation unit");

  printf("consumer (C, linloss %s, %s backend): %s\n", version, linloss_backend_name(),
         failures ? "FAILED" : "ok");
  return failures != 0;
}
