// main.cpp - the linloss.h benchmark suite (Google Benchmark).
//
// Every backend of linloss.h this build has (one object each, see
// backend.c), the naive loops and the OpenBLAS two-pass baseline, side by
// side in one binary, on the shapes of issue 4:
//
//   <loss>/<impl>/N:<n>/D:<d>/C:<c>[/W:CD][/f64]   fused loss + dW + db, lambda = 1e-3
//   <loss>_scores/<impl>/N:<n>/C:<c>               loss layer: loss + dS from scores
//   threads/<loss>/<impl>/N:<n>/D:<d>/C:<c>/T:<t>  a vector backend on t threads and on
//                                                  one called in turn (wall clock):
//                                                  ratio = the speedup
//   exp_scores/<impl>/N:<n>/C:<c>                  the softmax's vector exp alone over
//                                                  the same scores (dS = e^S): its floor
//   pair/<loss>/<impl>/N:<n>/D:<d>/C:<c>[/W:CD]     a vector backend and the BLAS
//                                                  two-pass called in turn in one
//                                                  loop: counter ratio = BLAS time /
//                                                  backend time (the targets' ratios)
//   layouts/<loss>/<impl>/N:<n>/D:<d>/C:<c>        a vector backend with W as C x D
//                                                  and as D x C called in turn in one
//                                                  loop: ratio = D x C time / C x D time
//   O2/<loss>[_scores]/<impl>/<shape>              a vector backend built at -O2 and
//                                                  at -O3 (a release build) called
//                                                  in turn: ratio = -O3's time /
//                                                  -O2's
//
// loss: svm | softmax; impl: scalar simde avx2 avx512 neon (linloss.h
// backends), naive (the "with loops" seed version), openblas (sgemm + loss
// pass + sgemm; twopass is its loss pass alone, at score level).
//
// Counters:
//   flops        4 N D C per call, as a rate (G/s on the console)
//   peak_frac    that rate over the FMA peak this program measured at
//                start-up for the ISA the implementation is compiled for
//                (the context lists the peaks and the mapping)
//   max_rel_err  max over loss, dW, db (dS) of |out - ref|_inf / |ref|_inf,
//                ref computed once per shape in float64 by plain loops
//   ns_per_elem  score level: CPU ns per score (N C per call)
//
// Own flags (before Google Benchmark's):
//   --linloss_reps=K   repetitions of the key shapes for the vector backends
//                      and the BLAS baseline (default 3; the aggregates,
//                      median included, are what is displayed; the others
//                      run once)
// --benchmark_min_time defaults to 0.1 here (not 0.5) unless given.
#include <benchmark/benchmark.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "bench.h"

namespace {

// ------------------------------------------------------------ the shapes

struct Shape {
  size_t n, d, c;
  bool operator<(const Shape &o) const { return std::tie(n, d, c) < std::tie(o.n, o.d, o.c); }
};

// The table (one core, f32, loss + dW + db).
const Shape kKeyShapes[] = {{500, 3073, 10}, {256, 785, 10},  {4096, 3073, 10},
                            {256, 2048, 1000}, {64, 65, 10},  {2048, 512, 2}};
// f64 on a few of them.
const Shape kF64Shapes[] = {{500, 3073, 10}, {256, 2048, 1000}, {64, 65, 10}};
// Sweeps: C at N = 256, D = 1024; D at N = 256, C = 10.
const size_t kSweepC[] = {2, 4, 10, 32, 100, 300, 1000};
const size_t kSweepD[] = {64, 128, 256, 512, 1024, 2048, 4096};
// Score level: N C about 2M scores (8 MB of f32 in, 8 MB out).
const Shape kScoreShapes[] = {{262144, 0, 10}, {16384, 0, 100}, {2048, 0, 1000}, {64, 0, 32000}};

const double kReg = 1e-3;
// A max_rel_err above these labels the result WRONG (the speed is still
// reported): float rounding gives ~1e-6 here, double ~1e-15.
const double kTolF32 = 1e-4, kTolF64 = 1e-10;

// ----------------------------------------------------------------- clocks

// The CPU time of this thread: what Google Benchmark's rates use by default,
// so peak_frac and ns_per_elem agree with the flops counter.
double thread_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

// ------------------------------------------------- data, cached per shape

struct Data {
  std::vector<float> X, Wdc, Wcd, b;  // W d x c and its transpose c x d
  std::vector<double> Xd, Wdcd, Wcdd, bd;  // the same values in double
  std::vector<int32_t> y;
};

// X uniform in [-1, 1]; W uniform, scaled so that the scores have a spread
// of about 0.6 (SVM margins mostly positive, softmax far from one-hot);
// labels uniform. Deterministic per shape.
const Data &data_for(Shape s) {
  static std::map<Shape, std::unique_ptr<Data>> cache;
  auto &slot = cache[s];
  if (slot) return *slot;
  slot.reset(new Data);
  Data &D = *slot;
  std::mt19937_64 rng(s.n * 1000003u + s.d * 1009u + s.c);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  const float ws = std::sqrt(3.0f / (float)s.d);
  D.X.resize(s.n * s.d);
  for (auto &v : D.X) v = u(rng);
  D.Wdc.resize(s.d * s.c);
  for (auto &v : D.Wdc) v = ws * u(rng);
  D.Wcd.resize(s.d * s.c);
  for (size_t k = 0; k < s.d; k++)
    for (size_t j = 0; j < s.c; j++) D.Wcd[j * s.d + k] = D.Wdc[k * s.c + j];
  D.b.resize(s.c);
  for (auto &v : D.b) v = 0.1f * u(rng);
  std::uniform_int_distribution<int32_t> lab(0, (int32_t)s.c - 1);
  D.y.resize(s.n);
  for (auto &v : D.y) v = lab(rng);
  return D;
}

const Data &data_f64_for(Shape s) {
  Data &D = const_cast<Data &>(data_for(s));
  if (D.Xd.empty()) {
    D.Xd.assign(D.X.begin(), D.X.end());
    D.Wdcd.assign(D.Wdc.begin(), D.Wdc.end());
    D.Wcdd.assign(D.Wcd.begin(), D.Wcd.end());
    D.bd.assign(D.b.begin(), D.b.end());
  }
  return D;
}

template <class T> struct Typed;
template <> struct Typed<float> {
  static const float *X(const Data &D) { return D.X.data(); }
  static const float *W(const Data &D, int cd) { return cd ? D.Wcd.data() : D.Wdc.data(); }
  static const float *b(const Data &D) { return D.b.data(); }
  static const Data &get(Shape s) { return data_for(s); }
  static bench_fused_f32_fn fn(const bench_impl *im, bool svm) {
    return svm ? im->svm_f32 : im->softmax_f32;
  }
};
template <> struct Typed<double> {
  static const double *X(const Data &D) { return D.Xd.data(); }
  static const double *W(const Data &D, int cd) { return cd ? D.Wcdd.data() : D.Wdcd.data(); }
  static const double *b(const Data &D) { return D.bd.data(); }
  static const Data &get(Shape s) { return data_f64_for(s); }
  static bench_fused_f64_fn fn(const bench_impl *im, bool svm) {
    return svm ? im->svm_f64 : im->softmax_f64;
  }
};

// ------------------------------------------- the float64 reference

struct Ref {
  double loss = 0;
  std::vector<double> dW, db;  // dW d x c
};

// One row's loss and gradient g = dL/ds (before the 1/N).
double ref_row(bool svm, const double *s, size_t c, size_t y, double *g) {
  double loss = 0;
  if (svm) {
    double cnt = 0;
    for (size_t j = 0; j < c; j++) {
      g[j] = 0;
      if (j == y) continue;
      const double m = s[j] - s[y] + 1.0;
      if (m > 0) {
        loss += m;
        g[j] = 1;
        cnt += 1;
      }
    }
    g[y] = -cnt;
  } else {
    double mx = s[0], sum = 0;
    for (size_t j = 1; j < c; j++) mx = std::max(mx, s[j]);
    for (size_t j = 0; j < c; j++) sum += std::exp(s[j] - mx);
    loss = std::log(sum) + mx - s[y];
    for (size_t j = 0; j < c; j++) g[j] = std::exp(s[j] - mx) / sum - (j == y ? 1.0 : 0.0);
  }
  return loss;
}

const Ref &ref_for(bool svm, Shape s) {
  static std::map<std::pair<bool, Shape>, std::unique_ptr<Ref>> cache;
  auto &slot = cache[{svm, s}];
  if (slot) return *slot;
  slot.reset(new Ref);
  Ref &R = *slot;
  const Data &D = data_for(s);
  const size_t n = s.n, d = s.d, c = s.c;
  std::vector<double> W(D.Wdc.begin(), D.Wdc.end()), srow(c), g(c);
  R.dW.assign(d * c, 0.0);
  R.db.assign(c, 0.0);
  double data = 0;
  for (size_t i = 0; i < n; i++) {
    const float *x = &D.X[i * d];
    for (size_t j = 0; j < c; j++) srow[j] = D.b[j];
    for (size_t k = 0; k < d; k++) {
      const double xk = x[k];
      const double *w = &W[k * c];
      for (size_t j = 0; j < c; j++) srow[j] += xk * w[j];
    }
    data += ref_row(svm, srow.data(), c, (size_t)D.y[i], g.data());
    for (size_t j = 0; j < c; j++) g[j] /= (double)n;
    for (size_t k = 0; k < d; k++) {
      const double xk = x[k];
      double *dw = &R.dW[k * c];
      for (size_t j = 0; j < c; j++) dw[j] += xk * g[j];
    }
    for (size_t j = 0; j < c; j++) R.db[j] += g[j];
  }
  double reg = 0;
  for (size_t k = 0; k < d * c; k++) {
    reg += W[k] * W[k];
    R.dW[k] += 2 * kReg * W[k];
  }
  R.loss = data / (double)n + kReg * reg;
  return R;
}

// |out - ref|_inf / |ref|_inf; out is read at out[idx(k)].
template <class T, class Idx>
double rel_err(const T *out, const std::vector<double> &ref, Idx idx) {
  double num = 0, den = 0;
  for (size_t k = 0; k < ref.size(); k++) {
    const double e = std::fabs((double)out[idx(k)] - ref[k]);
    num = std::isnan(e) ? INFINITY : std::max(num, e);
    den = std::max(den, std::fabs(ref[k]));
  }
  return den > 0 ? num / den : num;
}

// ------------------------------------------------------------- peaks

std::map<std::string, double> g_peak_f32, g_peak_f64;  // flop/s per ISA

double measure_peak(bench_peak_fn f) {
  long iters = 1 << 14;
  double t = 0;
  for (;;) {
    const double t0 = thread_seconds();
    f(iters);
    t = thread_seconds() - t0;
    if (t > 0.005 || iters > (1L << 40)) break;
    iters *= 2;
  }
  iters = std::max(1L, (long)((double)iters * 0.02 / t));  // ~20 ms a trial
  double best = 0;
  for (int trial = 0; trial < 5; trial++) {
    const double t0 = thread_seconds();
    const double flops = f(iters);
    const double dt = thread_seconds() - t0;
    if (dt > 0) best = std::max(best, flops / dt);
  }
  return best;
}

// What the baselines (naive.c, pass.c) are compiled for.
const std::string g_baseline_isa = bench_impl_naive.isa;

std::string isa_of(const bench_impl *im) {
  const std::string isa = im->isa;
  if (isa == "baseline") return g_baseline_isa;
#ifdef BENCH_HAVE_BLAS  // (only openblas.c's baselines say "blas")
  if (isa == "blas") return bench_blas_isa();
#endif
  return isa;
}

double peak_of(const bench_impl *im, bool f64) {
  const auto &m = f64 ? g_peak_f64 : g_peak_f32;
  const auto it = m.find(isa_of(im));
  return it == m.end() ? 0.0 : it->second;
}

bool cpu_has(const std::string &isa) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (isa == "avx512")
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
           __builtin_cpu_supports("fma");
  if (isa == "avx2") return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  (void)isa;
#endif
  return true;
}

// ---------------------------------------------------------- benchmarks

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A fused call's max_rel_err (loss, dW with W in `layout`, db) against the
// float64 reference; the counter, and the label WRONG above the tolerance.
template <class T>
double fused_err(const Ref &R, Shape s, int layout, T loss, const T *dW, const T *db) {
  const size_t d = s.d, c = s.c;
  double err = std::fabs((double)loss - R.loss) / std::fabs(R.loss);
  if (std::isnan(err)) err = INFINITY;
  if (layout == BENCH_W_CD)  // ref index k * c + j  ->  dW[j * d + k]
    err = std::max(err, rel_err(dW, R.dW, [=](size_t t) { return (t % c) * d + t / c; }));
  else
    err = std::max(err, rel_err(dW, R.dW, [](size_t t) { return t; }));
  return std::max(err, rel_err(db, R.db, [](size_t t) { return t; }));
}
void report_err(benchmark::State &st, double err, double tol) {
  st.counters["max_rel_err"] = err;
  if (!(err <= tol)) st.SetLabel("WRONG: max_rel_err too large");
}

template <class T>
void bm_fused(benchmark::State &st, const bench_impl *im, bool svm, Shape s, int layout) {
  using TT = Typed<T>;
  const Data &D = TT::get(s);
  const Ref &R = ref_for(svm, s);
  const auto fn = TT::fn(im, svm);
  const T *X = TT::X(D), *W = TT::W(D, layout == BENCH_W_CD), *b = TT::b(D);
  const int32_t *y = D.y.data();
  std::vector<T> dW(s.d * s.c), db(s.c);
  T loss = 0;
  if (fn(s.n, s.d, s.c, X, y, W, b, layout, kReg, &loss, dW.data(), db.data()) != 0) {
    st.SkipWithError("the call failed");
    return;
  }
  const double t0 = thread_seconds();
  for (auto _ : st) {
    int rc = fn(s.n, s.d, s.c, X, y, W, b, layout, kReg, &loss, dW.data(), db.data());
    benchmark::DoNotOptimize(rc);
    benchmark::ClobberMemory();
  }
  const double dt = thread_seconds() - t0;
  const double flops = 4.0 * (double)s.n * (double)s.d * (double)s.c;
  st.counters["flops"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
  const double peak = peak_of(im, sizeof(T) == 8);
  if (peak > 0 && dt > 0) st.counters["peak_frac"] = flops * (double)st.iterations() / dt / peak;
  report_err(st, fused_err<T>(R, s, layout, loss, dW.data(), db.data()), sizeof(T) == 8 ? kTolF64 : kTolF32);
}

// The loop of the paired benchmarks: per iteration call(true) (the backend's
// call) and call(false) (the other's), in turn first, each timed on its own
// by clock. Counters: ratio = the other's time / the backend's, us and
// other_us the two times per call.
template <class Call>
void run_pair(benchmark::State &st, double (*clock)(), Call call) {
  double ta = 0, tb = 0;
  bool first = true;
  int rc = 0;
  for (auto _ : st) {
    for (int k = 0; k < 2; k++) {
      const bool mine = (k == 0) == first;
      const double t0 = clock();
      rc |= call(mine);
      (mine ? ta : tb) += clock() - t0;
    }
    first = !first;
    benchmark::DoNotOptimize(rc);
    benchmark::ClobberMemory();
  }
  if (rc != 0) {
    st.SkipWithError("a call failed");
    return;
  }
  const double it = (double)st.iterations();
  st.counters["ratio"] = ta > 0 ? tb / ta : 0;
  st.counters["us"] = ta / it * 1e6;
  st.counters["other_us"] = tb / it * 1e6;
}

// Paired: per iteration one call of the backend with W in `layout` and one
// of `other` with W in `olayout` (in turn first), each timed on its own by
// the thread's CPU clock, so that both see the same spells of a shared
// machine. Counters: ratio = the other's time / the backend's, the two
// times per call in µs (other_us: the BLAS baseline's, the backend's own
// with the other layout, on one thread, or built at -O3 for the O2/
// pairs), and max_rel_err over both sides' results. threads > 0: the
// backend's calls on that many threads, the other's (the backend itself)
// on one, both timed by the wall clock (registered with UseRealTime).
template <class T>
void bm_pair(benchmark::State &st, const bench_impl *im, const bench_impl *other, bool svm, Shape s,
             int layout, int olayout, int threads) {
  struct Reset {
    const bench_impl *im;
    ~Reset() {
      if (im) im->set_threads(1);
    }
  } reset{threads > 0 ? im : nullptr};
  const auto clock = threads > 0 ? wall_seconds : thread_seconds;
  using TT = Typed<T>;
  const Data &D = TT::get(s);
  const auto f = TT::fn(im, svm), g = TT::fn(other, svm);
  const T *X = TT::X(D), *b = TT::b(D);
  const T *W = TT::W(D, layout == BENCH_W_CD), *oW = TT::W(D, olayout == BENCH_W_CD);
  const int32_t *y = D.y.data();
  std::vector<T> dW(s.d * s.c), db(s.c), odW(s.d * s.c), odb(s.c);
  T loss = 0, oloss = 0;
  run_pair(st, clock, [&](bool mine) {
    if (threads > 0) im->set_threads(mine ? threads : 1);
    return mine ? f(s.n, s.d, s.c, X, y, W, b, layout, kReg, &loss, dW.data(), db.data())
                : g(s.n, s.d, s.c, X, y, oW, b, olayout, kReg, &oloss, odW.data(), odb.data());
  });
  if (st.error_occurred()) return;
  const Ref &R = ref_for(svm, s);  // both sides' results (the -O2 objects', the threads' too)
  report_err(st, std::max(fused_err<T>(R, s, layout, loss, dW.data(), db.data()),
                          fused_err<T>(R, s, olayout, oloss, odW.data(), odb.data())),
             sizeof(T) == 8 ? kTolF64 : kTolF32);
}

struct ScoreData {
  std::vector<float> S;
  std::vector<int32_t> y;
  double loss[2] = {0, 0};     // [svm]
  std::vector<double> dS[2];  // [svm], n x c
};

const ScoreData &score_data_for(Shape s) {
  static std::map<Shape, std::unique_ptr<ScoreData>> cache;
  auto &slot = cache[s];
  if (slot) return *slot;
  slot.reset(new ScoreData);
  ScoreData &D = *slot;
  std::mt19937_64 rng(s.n * 7919u + s.c);
  std::uniform_real_distribution<float> u(-3.0f, 3.0f);
  std::uniform_int_distribution<int32_t> lab(0, (int32_t)s.c - 1);
  D.S.resize(s.n * s.c);
  for (auto &v : D.S) v = u(rng);
  D.y.resize(s.n);
  for (auto &v : D.y) v = lab(rng);
  std::vector<double> row(s.c);
  for (int svm = 0; svm < 2; svm++) {
    double data = 0;
    D.dS[svm].resize(s.n * s.c);
    for (size_t i = 0; i < s.n; i++) {
      for (size_t j = 0; j < s.c; j++) row[j] = D.S[i * s.c + j];
      double *g = &D.dS[svm][i * s.c];
      data += ref_row(svm != 0, row.data(), s.c, (size_t)D.y[i], g);
      for (size_t j = 0; j < s.c; j++) g[j] /= (double)s.n;
    }
    D.loss[svm] = data / (double)s.n;
  }
  return D;
}

// A loss layer call's max_rel_err (loss, dS) against the float64 reference.
double score_err(const ScoreData &D, bool svm, float loss, const std::vector<float> &dS) {
  double err = std::fabs((double)loss - D.loss[svm]) / std::fabs(D.loss[svm]);
  if (std::isnan(err)) err = INFINITY;
  return std::max(err, rel_err(dS.data(), D.dS[svm], [](size_t t) { return t; }));
}

void bm_scores(benchmark::State &st, const bench_impl *im, bool svm, Shape s) {
  const ScoreData &D = score_data_for(s);
  const auto fn = svm ? im->svm_scores_f32 : im->softmax_scores_f32;
  std::vector<float> dS(s.n * s.c);
  float loss = 0;
  if (fn(s.n, s.c, D.S.data(), D.y.data(), &loss, dS.data()) != 0) {
    st.SkipWithError("the call failed");
    return;
  }
  const double t0 = thread_seconds();
  for (auto _ : st) {
    int rc = fn(s.n, s.c, D.S.data(), D.y.data(), &loss, dS.data());
    benchmark::DoNotOptimize(rc);
    benchmark::ClobberMemory();
  }
  const double dt = thread_seconds() - t0;
  const double elems = (double)s.n * (double)s.c;
  st.counters["ns_per_elem"] = dt * 1e9 / ((double)st.iterations() * elems);
  report_err(st, score_err(D, svm, loss, dS), kTolF32);
}

// Score level, paired as bm_pair (thread CPU time): ratio = the other's
// time / im's; max_rel_err over both sides' results.
void bm_scores_pair(benchmark::State &st, const bench_impl *im, const bench_impl *other, bool svm,
                    Shape s) {
  const ScoreData &D = score_data_for(s);
  const auto f = svm ? im->svm_scores_f32 : im->softmax_scores_f32;
  const auto g = svm ? other->svm_scores_f32 : other->softmax_scores_f32;
  std::vector<float> dS(s.n * s.c), odS(s.n * s.c);
  float loss = 0, oloss = 0;
  run_pair(st, thread_seconds, [&](bool mine) {
    return mine ? f(s.n, s.c, D.S.data(), D.y.data(), &loss, dS.data())
                : g(s.n, s.c, D.S.data(), D.y.data(), &oloss, odS.data());
  });
  if (!st.error_occurred())
    report_err(st, std::max(score_err(D, svm, loss, dS), score_err(D, svm, oloss, odS)), kTolF32);
}

// The vector exp alone, S -> e^S, on the score shapes: one pass that every
// softmax over these scores makes at least (its max, its sums and its
// gradient come on top). max_rel_err against exp in double.
void bm_exp(benchmark::State &st, const bench_impl *im, Shape s) {
  const ScoreData &D = score_data_for(s);
  const size_t m = s.n * s.c;
  std::vector<float> E(m);
  const double t0 = thread_seconds();
  for (auto _ : st) {
    im->exp_f32(m, D.S.data(), E.data());
    benchmark::ClobberMemory();
  }
  const double dt = thread_seconds() - t0;
  st.counters["ns_per_elem"] = dt * 1e9 / ((double)st.iterations() * (double)m);
  double err = 0;
  for (size_t t = 0; t < m; t++) {
    const double ref = std::exp((double)D.S[t]), e = std::fabs((double)E[t] - ref) / ref;
    if (!(e <= err)) err = std::isnan(e) ? INFINITY : e;
  }
  st.counters["max_rel_err"] = err;
  if (!(err <= kTolF32)) st.SetLabel("WRONG: max_rel_err too large");
}

// ------------------------------------------------------ registration

std::vector<const bench_impl *> g_impls;  // linloss backends, naive, BLAS, twopass
// The vector backends built at -O2 (in a release build, -O3), each with its
// own build: only in the O2/ pairs.
std::vector<std::pair<const bench_impl *, const bench_impl *>> g_o2;
std::vector<std::string> g_skipped;
std::set<std::string> g_names;
int g_reps = 3;

std::string shape_name(Shape s) {
  char buf[96];
  if (s.d)
    std::snprintf(buf, sizeof buf, "N:%zu/D:%zu/C:%zu", s.n, s.d, s.c);
  else
    std::snprintf(buf, sizeof buf, "N:%zu/C:%zu", s.n, s.c);
  return buf;
}

// Key shapes are repeated (median reported) for the implementations whose
// ratios are the targets: the vector backends and the BLAS baseline. The
// naive loops, the scalar and SIMDe backends and the bare loss pass are 5 to
// 50 times slower (up to a second a call) and run once: their noise does not
// change any conclusion, and it keeps the whole run near two minutes.
bool repeated(const bench_impl *im) {
  for (const char *once : {"naive", "scalar", "simde", "twopass"})
    if (std::strcmp(im->name, once) == 0) return false;
  return true;
}

// linloss.h's vector backends (those with exp_f32), not SIMDe or scalar.
bool vector_backend(const bench_impl *im) { return im->exp_f32 && repeated(im); }

void add(const std::string &name, const bench_impl *im, benchmark::internal::Benchmark *b,
         bool key) {
  g_names.insert(name);
  b->Unit(benchmark::kMicrosecond);
  if (key && g_reps > 1 && repeated(im)) b->Repetitions(g_reps)->DisplayAggregatesOnly(true);
}

template <class T> void register_fused(Shape s, int layout, bool key) {
  for (int svm = 1; svm >= 0; svm--) {
    for (const bench_impl *im : g_impls) {
      if (!Typed<T>::fn(im, svm != 0)) continue;
      if (sizeof(T) == 8 && std::strcmp(im->name, "naive") == 0) continue;  // f32 is enough
      std::string name = std::string(svm ? "svm/" : "softmax/") + im->name + "/" + shape_name(s);
      if (layout == BENCH_W_CD) name += "/W:CD";
      if (sizeof(T) == 8) name += "/f64";
      if (g_names.count(name)) continue;
      add(name, im,
          benchmark::RegisterBenchmark(name.c_str(), bm_fused<T>, im, svm != 0, s, layout),
          key);
    }
  }
}

void register_scores(Shape s, bool key) {
  for (int svm = 1; svm >= 0; svm--) {
    for (const bench_impl *im : g_impls) {
      if (!(svm ? im->svm_scores_f32 : im->softmax_scores_f32)) continue;
      const std::string name =
          std::string(svm ? "svm_scores/" : "softmax_scores/") + im->name + "/" + shape_name(s);
      if (g_names.count(name)) continue;
      add(name, im, benchmark::RegisterBenchmark(name.c_str(), bm_scores, im, svm != 0, s), key);
    }
  }
  for (const bench_impl *im : g_impls) {
    if (!vector_backend(im)) continue;
    const std::string name = std::string("exp_scores/") + im->name + "/" + shape_name(s);
    if (!g_names.count(name)) add(name, im, benchmark::RegisterBenchmark(name.c_str(), bm_exp, im, s), key);
  }
}

// The threads axis (linloss.h with OpenMP): the large batch and the tiny
// one, 1 thread and every core, wall-clock time.
void register_threads() {
  const Shape shapes[] = {{4096, 3073, 10}, {64, 65, 10}};
  const int cores = (int)std::max(1u, std::thread::hardware_concurrency());
  for (Shape s : shapes)
    for (int svm = 1; svm >= 0; svm--)
      for (const bench_impl *im : g_impls) {
        if (!im->set_threads) continue;
        if (std::strcmp(im->name, "scalar") == 0 || std::strcmp(im->name, "simde") == 0) continue;
        for (int t : {2, cores}) {
          if (t > cores) continue;
          const std::string name = std::string("threads/") + (svm ? "svm/" : "softmax/") + im->name + "/" +
                                   shape_name(s) + "/T:" + std::to_string(t);
          if (g_names.count(name)) continue;
          auto *b = benchmark::RegisterBenchmark(name.c_str(), bm_pair<float>, im, im, svm != 0, s, BENCH_W_DC,
                                                 BENCH_W_DC, t);
          add(name, im, b, true);
          b->UseRealTime();
        }
      }
}

// Paired ratios (bm_pair) of the vector backends on the key shapes, f32:
// to the BLAS baseline (pair/, both layouts where the targets compare
// them), and of the two W layouts, each backend against itself (layouts/,
// the target: within 10 %, at C = 10 and 1000).
void register_pairs() {
  const bench_impl *blas = nullptr;
  for (const bench_impl *im : g_impls)
    if (std::strcmp(im->name, "openblas") == 0 || std::strcmp(im->name, "cblas") == 0) blas = im;
  for (Shape s : kKeyShapes) {
    const bool both = s.c == 10 || s.c == 1000;
    for (int svm = 1; svm >= 0; svm--)
      for (const bench_impl *im : g_impls) {
        if (!vector_backend(im) || !Typed<float>::fn(im, svm != 0)) continue;
        const std::string tail = std::string(svm ? "svm/" : "softmax/") + im->name + "/" + shape_name(s);
        for (int layout : {BENCH_W_DC, BENCH_W_CD}) {
          const std::string name = "pair/" + tail + (layout == BENCH_W_CD ? "/W:CD" : "");
          if (!blas || (layout == BENCH_W_CD && !both) || g_names.count(name)) continue;
          add(name, im,
              benchmark::RegisterBenchmark(name.c_str(), bm_pair<float>, im, blas, svm != 0, s, layout, layout, 0),
              true);
        }
        const std::string lname = "layouts/" + tail;
        if (both && !g_names.count(lname))
          add(lname, im,
              benchmark::RegisterBenchmark(lname.c_str(), bm_pair<float>, im, im, svm != 0, s, BENCH_W_CD,
                                           BENCH_W_DC, 0),
              true);
      }
  }
}

// The header built at -O2 against the same backend built at -O3 (a
// release build; only there), paired, on the key shapes (f32, W as D x C) and
// the score shapes: O2/<loss>[_scores]/<backend>/<shape>, ratio = speed at
// -O2 / speed at -O3.
void register_o2() {
  for (const auto &p : g_o2)
    for (int svm = 1; svm >= 0; svm--) {
      const std::string tail = std::string(svm ? "svm" : "softmax");
      for (Shape s : kKeyShapes) {
        const std::string name = "O2/" + tail + "/" + p.second->name + "/" + shape_name(s);
        if (!g_names.count(name))
          add(name, p.second,
              benchmark::RegisterBenchmark(name.c_str(), bm_pair<float>, p.first, p.second, svm != 0, s,
                                           BENCH_W_DC, BENCH_W_DC, 0),
              true);
      }
      for (Shape s : kScoreShapes) {
        const std::string name = "O2/" + tail + "_scores/" + p.second->name + "/" + shape_name(s);
        if (!g_names.count(name))
          add(name, p.second,
              benchmark::RegisterBenchmark(name.c_str(), bm_scores_pair, p.first, p.second, svm != 0, s), true);
      }
    }
}

void register_all() {
  register_threads();
  register_pairs();
  register_o2();
  for (Shape s : kKeyShapes) register_fused<float>(s, BENCH_W_DC, true);
  for (Shape s : kKeyShapes)
    if (s.c == 10 || s.c == 1000) register_fused<float>(s, BENCH_W_CD, true);
  for (Shape s : kF64Shapes) register_fused<double>(s, BENCH_W_DC, true);
  for (Shape s : kScoreShapes) register_scores(s, true);
  for (size_t c : kSweepC) register_fused<float>({256, 1024, c}, BENCH_W_DC, false);
  for (size_t d : kSweepD) register_fused<float>({256, d, 10}, BENCH_W_DC, false);
  for (size_t d : kSweepD) register_fused<float>({256, d, 10}, BENCH_W_CD, false);
}

void add_impl(const bench_impl *im) {
  if (!cpu_has(im->isa)) {
    g_skipped.push_back(std::string(im->name) + " (this CPU lacks " + im->isa + ")");
    return;
  }
  g_impls.push_back(im);
}

// The backend at -O2 when the backend itself runs here.
void add_o2(const bench_impl *o2, const bench_impl *im) {
  if (std::find(g_impls.begin(), g_impls.end(), im) != g_impls.end()) g_o2.emplace_back(o2, im);
}

// "model name" of /proc/cpuinfo (Linux), or "unknown".
std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.compare(0, 10, "model name") == 0) {
      const size_t start = line.find_first_not_of(" \t", line.find(':') + 1);
      if (line.find(':') != std::string::npos && start != std::string::npos)
        return line.substr(start);
    }
  return "unknown";
}

std::string fmt(const char *f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

int main(int argc, char **argv) {
  // Own flags out, default min_time in.
  std::vector<char *> args;
  bool has_min_time = false;
  static char min_time[] = "--benchmark_min_time=0.1";
  for (int i = 0; i < argc; i++) {
    if (i > 0 && std::strncmp(argv[i], "--linloss_reps=", 15) == 0) {
      g_reps = std::max(1, std::atoi(argv[i] + 15));
      continue;
    }
    if (i > 0 && std::strcmp(argv[i], "--help") == 0)
      std::printf("linloss_bench: --linloss_reps=K  repetitions of the key shapes (default 3)\n"
                  "  --benchmark_min_time defaults to 0.1 s here\n\n");
    if (std::strncmp(argv[i], "--benchmark_min_time", 20) == 0) has_min_time = true;
    args.push_back(argv[i]);
  }
  if (!has_min_time) args.insert(args.begin() + 1, min_time);
  int nargs = (int)args.size();
  args.push_back(nullptr);

  // One thread for the BLAS (before it is used).
  std::string blas_config;
#ifdef BENCH_HAVE_BLAS
  blas_config = bench_blas_config();
#endif

#ifdef BENCH_HAVE_SCALAR
  add_impl(&bench_impl_scalar);
#endif
#ifdef BENCH_HAVE_SIMDE
  add_impl(&bench_impl_simde);
#endif
#ifdef BENCH_HAVE_AVX2
  add_impl(&bench_impl_avx2);
#endif
#ifdef BENCH_HAVE_AVX512
  add_impl(&bench_impl_avx512);
#endif
#ifdef BENCH_HAVE_NEON
  add_impl(&bench_impl_neon);
#endif
#ifdef BENCH_HAVE_AVX2_O2
  add_o2(&bench_impl_avx2_o2, &bench_impl_avx2);
#endif
#ifdef BENCH_HAVE_AVX512_O2
  add_o2(&bench_impl_avx512_o2, &bench_impl_avx512);
#endif
#ifdef BENCH_HAVE_NEON_O2
  add_o2(&bench_impl_neon_o2, &bench_impl_neon);
#endif
  add_impl(&bench_impl_naive);
#ifdef BENCH_HAVE_BLAS
  add_impl(&bench_impl_openblas);
#endif
  add_impl(&bench_impl_twopass);

  benchmark::Initialize(&nargs, args.data());
  if (benchmark::ReportUnrecognizedArguments(nargs, args.data())) return 1;

  // The FMA peak of each ISA we have a loop for, on one core.
  for (const bench_impl *im : g_impls) {
    if (!im->peak_f32 || g_peak_f32.count(im->isa)) continue;
    g_peak_f32[im->isa] = measure_peak(im->peak_f32);
    g_peak_f64[im->isa] = measure_peak(im->peak_f64);
    benchmark::AddCustomContext(std::string("peak_gflops_") + im->isa,
                                fmt("%.1f", g_peak_f32[im->isa] * 1e-9) + " f32, " +
                                    fmt("%.1f", g_peak_f64[im->isa] * 1e-9) + " f64");
  }
  std::string mapping;
  for (const bench_impl *im : g_impls) {
    if (!mapping.empty()) mapping += ", ";
    mapping += std::string(im->name) + "=" + isa_of(im);
  }
  benchmark::AddCustomContext("peak_frac_isa", mapping);
#ifdef BENCH_HAVE_BLAS
  benchmark::AddCustomContext("blas", blas_config);
  benchmark::AddCustomContext("blas_threads", std::to_string(bench_blas_threads()));
#endif
  if (!g_skipped.empty()) {
    std::string s;
    for (const auto &k : g_skipped) s += (s.empty() ? "" : ", ") + k;
    benchmark::AddCustomContext("skipped", s);
  }
  benchmark::AddCustomContext("workload",
                              "fused: loss + dW + db, lambda 1e-3, mean, margin 1, flops = 4 N D C;"
                              " scores: loss + dS (separate array)");
  benchmark::AddCustomContext("max_rel_err",
                              "max over loss, dW, db (dS) of |out-ref|_inf/|ref|_inf, float64 ref");
  benchmark::AddCustomContext("key_repetitions", std::to_string(g_reps));
  benchmark::AddCustomContext("timing", "rates, peak_frac and ns_per_elem use the CPU time of the"
                                        " benchmark thread (the CPU column)");
  benchmark::AddCustomContext("cpu_model", cpu_model());
#if defined(__clang__)
  benchmark::AddCustomContext("compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
  benchmark::AddCustomContext("compiler", "gcc " __VERSION__);
#endif

  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
