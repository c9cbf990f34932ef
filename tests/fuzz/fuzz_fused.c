/* fuzz_fused.c - libFuzzer target: the fused entry points linloss_svm_f32/f64
   and linloss_softmax_f32/f64 against tests/reference.h (see fuzz_common.h
   for what an input describes and what is checked).

   Build (one binary per backend):
     clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Itests \
           -DLINLOSS_BACKEND=LINLOSS_BACKEND_AVX2 -mavx2 -mfma \
           tests/fuzz/fuzz_fused.c -o fuzz_fused_avx2 -lm
   Replay without libFuzzer: build tests/fuzz/replay.c with this file. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const int entries[] = {FZ_SVM, FZ_SOFTMAX};
  return fz_run(data, size, entries, 2);
}
