/* The second translation unit of the consumer programs: linloss.h's
   functions are static inline, so two files that include it link together. */
#include "linloss.h"

#include <math.h>

int consumer_second(void);

int consumer_second(void) {
  double S[2 * 3] = {0, 0, 0, 1, 2, 3}, loss = 0;
  int32_t y[2] = {2, 0};
  linloss_options o = linloss_options_default();
  o.reduction = LINLOSS_SUM;
  if (linloss_softmax_scores_f64(2, 3, S, 3, y, &o, &loss, S, 3) != LINLOSS_OK) return 1;
  /* log 3 + (log(e + e^2 + e^3) - 1) */
  return fabs(loss - (log(3.0) + log(exp(1.0) + exp(2.0) + exp(3.0)) - 1)) > 1e-12;
}
