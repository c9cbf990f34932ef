/* fuzz_layer.c - libFuzzer target: the loss layer (linloss_svm_scores,
   linloss_softmax_scores, linloss_logistic_scores), the fused logistic loss
   and linloss_predict, f32 and f64, against tests/reference.h (see
   fuzz_common.h for what an input describes and what is checked).

   Build and replay as fuzz_fused.c. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const int entries[] = {FZ_SVM_S, FZ_SOFTMAX_S, FZ_LOGISTIC, FZ_LOGISTIC_S, FZ_PREDICT};
  return fz_run(data, size, entries, 5);
}
