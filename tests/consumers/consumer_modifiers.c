/* The build modifiers of linloss.h, as a consumer sets them: its own
   allocator (LINLOSS_MALLOC / LINLOSS_FREE), a stack scratch too small for
   the working memory (LINLOSS_STACK_SCRATCH) and small blocks
   (LINLOSS_BLOCK_ROWS). Built and run by tests/consumers/run.sh. */
#include <stdlib.h>

static int n_malloc, n_free;
static void *counting_malloc(size_t n) {
  n_malloc++;
  return malloc(n);
}
static void counting_free(void *p) {
  if (p) n_free++;
  free(p);
}
#define LINLOSS_MALLOC(n) counting_malloc(n)
#define LINLOSS_FREE(p) counting_free(p)
#define LINLOSS_STACK_SCRATCH 64
#define LINLOSS_BLOCK_ROWS 4
#include "linloss.h"

#include <math.h>
#include <stdio.h>

int main(int argc, char **argv) {
  enum { N = 10, D = 3, C = 5 };
  /* The shape as the program's data, not constants: gcc 12 -O2 -mavx2 with a
     64-byte LINLOSS_STACK_SCRATCH and a constant 10 x 3 x 5 problem warns
     (-Warray-bounds) of vector loads on paths those shapes never take. */
  const size_t extra = (size_t)(argc > 99), n = N + extra, d = D + extra, c = C + extra;
  double X[N * D], W[D * C] = {0}, b[C] = {0}, loss = -1, dW[D * C], db[C];
  int32_t y[N];
  int i, bad = 0;
  (void)argv;
  for (i = 0; i < N * D; i++) X[i] = (i % 4) - 1.5;
  for (i = 0; i < N; i++) y[i] = i % C;
  /* W = 0: loss log C; every class is the label of N / C samples, db = 0. */
  if (linloss_softmax_f64(n, d, c, X, d, y, W, b, NULL, &loss, dW, db) != LINLOSS_OK) bad |= 1;
  if (fabs(loss - log((double)C)) > 1e-12) bad |= 2;
  for (i = 0; i < C; i++)
    if (fabs(db[i]) > 1e-12) bad |= 4;
  if (n_malloc < 1) bad |= 8; /* 64 bytes of stack hold no block of scores */
  {
    /* the logistic with rows too long for even a few of them to stay in L2:
       blocks still of at most LINLOSS_BLOCK_ROWS rows. w = 0: loss log 2 */
    const size_t nl = 20 + extra, dl = 30000 + extra;
    double *Xl = (double *)calloc(nl * dl, sizeof *Xl), *wl = (double *)calloc(dl, sizeof *wl),
           *dwl = (double *)malloc(dl * sizeof *dwl), bl = 0, dbl = 0, lossl = -1;
    int32_t yl[21];
    size_t k;
    for (k = 0; k < nl; k++) yl[k] = (int32_t)(k % 2);
    for (k = 0; Xl && k < nl * dl; k++) Xl[k] = (double)(k % 5) - 2;
    if (!Xl || !wl || !dwl ||
        linloss_logistic_f64(nl, dl, Xl, dl, yl, wl, &bl, NULL, &lossl, dwl, &dbl) != LINLOSS_OK ||
        fabs(lossl - log(2.0)) > 1e-12 || fabs(dbl) > 1e-12)
      bad |= 32;
    free(Xl), free(wl), free(dwl);
  }
  if (n_free != n_malloc) bad |= 16;
  printf("consumer_modifiers (%s backend): %d LINLOSS_MALLOC, %d LINLOSS_FREE: %s\n",
         linloss_backend_name(), n_malloc, n_free, bad ? "FAILED" : "ok");
  return bad;
}
