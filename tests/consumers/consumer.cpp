// The C++ consumer: linloss.h included first (before any C++ header), in a
// C++11 program that also links the C translation unit consumer2.c. Built by
// tests/consumers/run.sh with -Wall -Wextra -Wpedantic -Werror as C++11 and C++17.
#include "linloss.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

extern "C" int consumer_second(void);

static_assert(LINLOSS_VERSION_NUMBER ==
                  LINLOSS_VERSION_MAJOR * 10000 + LINLOSS_VERSION_MINOR * 100 + LINLOSS_VERSION_PATCH,
              "LINLOSS_VERSION_NUMBER");
static_assert(LINLOSS_OK == 0, "LINLOSS_OK is 0");

namespace {
int failures = 0;
void check(bool ok, const char *what) {
  if (!ok) {
    std::fprintf(stderr, "consumer (C++): FAILED: %s\n", what);
    ++failures;
  }
}
bool near(double got, double want, double tol) { return std::fabs(got - want) <= tol * (1 + std::fabs(want)); }
} // namespace

int main() {
  const std::size_t n = 7, d = 3, c = 5;
  std::vector<double> X(n * d), W(d * c, 0.0), dW(d * c), db(c);
  std::vector<std::int32_t> y(n);
  for (std::size_t i = 0; i < X.size(); i++) X[i] = std::sin(double(i));
  for (std::size_t i = 0; i < n; i++) y[i] = std::int32_t(i % c);
  linloss_options o = linloss_options_default();
  o.w_layout = LINLOSS_W_CD;
  o.reg = 0.5;
  double loss = -1;
  check(linloss_softmax_f64(n, d, c, X.data(), d, y.data(), W.data(), nullptr, &o, &loss, dW.data(),
                            db.data()) == LINLOSS_OK,
        "softmax_f64 returns LINLOSS_OK");
  check(near(loss, std::log(double(c)), 1e-12), "softmax_f64 loss of W = 0 is log C");
  float S[2 * 3] = {0, 0, 0, 0, 0, 0}, lossf = -1;
  std::int32_t y2[2] = {0, 2};
  check(linloss_svm_scores_f32(2, 3, S, 3, y2, nullptr, &lossf, S, 3) == LINLOSS_OK &&
            near(lossf, 2, 1e-6) && S[0] == -1.0f && S[1] == 0.5f,
        "svm_scores_f32 in place: loss C - 1, dS = 1/N per margin, -(C-1)/N at the label");
  check(std::string(linloss_status_string(LINLOSS_OK)) == "ok", "linloss_status_string(LINLOSS_OK)");
#ifdef EXPECT_BACKEND
  check(std::strcmp(linloss_backend_name(), EXPECT_BACKEND) == 0, "the backend asked for is the one compiled");
#endif
  check(consumer_second() == 0, "the header in a C translation unit of the same program");
  std::printf("consumer (C++%ld, %s backend): %s\n", long(__cplusplus / 100 % 100), linloss_backend_name(),
              failures ? "FAILED" : "ok");
  return failures != 0;
}
