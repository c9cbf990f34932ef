/* test_dataset.c - the IDX and digits-CSV loaders on small files written at
   test time: good ones (plain and gzip) are read back exactly, corrupt ones
   (missing, wrong magic, wrong dimensions, truncated, count mismatch, label
   out of range, ...) are rejected with a message that says why.

   With a second argument, the path of examples/train, it also runs train on
   small MNIST-format directories, one good and several corrupt: train must
   train on the good one and reject each corrupt one with a "train: ..."
   message naming the problem on stderr and a non-zero exit.

   usage: test_dataset [DIR [TRAIN]]   (scratch files go to DIR, default ".",
   and are removed at the end). Exit status 0 when every case passes. */
#if defined(__unix__) || defined(__APPLE__)
#include <sys/wait.h> /* WIFEXITED: tell an exit status from a crash */
#endif
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "dataset.h"

static const char *dir = ".";
static int passed, failed;

/* Files created, removed at the end. */
static char made[64][512];
static int nmade;

static const char *path_of(const char *name) {
  static char buf[8][512];
  static int k;
  k = (k + 1) % 8;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

static void remember(const char *path) {
  for (int i = 0; i < nmade; i++)
    if (!strcmp(made[i], path)) return;
  if (nmade < 64) snprintf(made[nmade++], sizeof made[0], "%s", path);
}

/* Writes len bytes to dir/name, gzip-compressed when gz. */
static void write_file(const char *name, const void *data, size_t len, int gz) {
  const char *p = path_of(name);
  remember(p);
  if (gz) {
    gzFile f = gzopen(p, "wb");
    if (!f || (len && gzwrite(f, data, (unsigned)len) != (int)len) || gzclose(f) != Z_OK) {
      fprintf(stderr, "test_dataset: cannot write %s\n", p);
      exit(2);
    }
  } else {
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
      fprintf(stderr, "test_dataset: cannot write %s\n", p);
      exit(2);
    }
  }
}

/* Reads dir/name whole (for cutting compressed files short). */
static unsigned char *read_file(const char *name, size_t *len) {
  const char *p = path_of(name);
  FILE *f = fopen(p, "rb");
  unsigned char *buf = malloc(1 << 20);
  if (!f || !buf) {
    fprintf(stderr, "test_dataset: cannot read %s\n", p);
    exit(2);
  }
  *len = fread(buf, 1, 1 << 20, f);
  fclose(f);
  return buf;
}

static void put_be32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

/* An IDX image file of n images rows x cols (header says hn, hrows, hcols),
   with `extra` bytes more or fewer (negative) than the header announces. */
static void write_images(const char *name, uint32_t magic, uint32_t hn, uint32_t hrows,
                         uint32_t hcols, size_t data_len, int gz) {
  unsigned char *buf = malloc(16 + data_len + 1);
  put_be32(buf, magic);
  put_be32(buf + 4, hn);
  put_be32(buf + 8, hrows);
  put_be32(buf + 12, hcols);
  for (size_t k = 0; k < data_len; k++) buf[16 + k] = (unsigned char)(k * 37 % 256);
  write_file(name, buf, 16 + data_len, gz);
  free(buf);
}

static void write_labels(const char *name, uint32_t magic, uint32_t hn, size_t n,
                         int bad_at, int gz) {
  unsigned char *buf = malloc(8 + n + 1);
  put_be32(buf, magic);
  put_be32(buf + 4, hn);
  for (size_t i = 0; i < n; i++) buf[8 + i] = (unsigned char)(i % 10);
  if (bad_at >= 0) buf[8 + bad_at] = 10;
  write_file(name, buf, 8 + n, gz);
  free(buf);
}

static void check(int ok, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("%s: ", ok ? "ok  " : "FAIL");
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  if (ok) passed++;
  else failed++;
}

/* A load that must fail, with `want` in its message. */
static void expect_fail(const char *what, int rc, const char *err, const char *want,
                        ds_set *s) {
  check(rc != 0 && strstr(err, want) != NULL && s->X == NULL && s->n == 0,
        "%s rejected: rc %d, \"%s\" (expected a message with \"%s\")", what, rc, err, want);
  ds_free(s);
}

static void idx_tests(void) {
  char err[512];
  ds_set s, t;
  int rc;
  const size_t n = 5, rows = 3, cols = 4, d = rows * cols;

  /* Good files, plain, gzip, and mixed. */
  for (int gzi = 0; gzi < 2; gzi++)
    for (int gzl = 0; gzl < 2; gzl++) {
      int ok;
      write_images("img", 0x803, (uint32_t)n, (uint32_t)rows, (uint32_t)cols, n * d, gzi);
      write_labels("lab", 0x801, (uint32_t)n, n, -1, gzl);
      rc = ds_load_idx(path_of("img"), path_of("lab"), 10, &s, err, sizeof err);
      ok = rc == 0 && s.n == n && s.d == d && s.rows == rows && s.cols == cols &&
           s.classes == 10;
      for (size_t k = 0; ok && k < n * d; k++)
        ok = s.X[k] == (float)(unsigned char)(k * 37 % 256) / 255.0f && s.X[k] >= 0 &&
             s.X[k] <= 1;
      for (size_t i = 0; ok && i < n; i++) ok = s.y[i] == (int32_t)(i % 10);
      check(ok, "good IDX (images %s, labels %s) read back exactly%s%s",
            gzi ? "gzip" : "plain", gzl ? "gzip" : "plain", rc ? ": " : "", rc ? err : "");
      ds_free(&s);
    }
  write_images("img", 0x803, (uint32_t)n, (uint32_t)rows, (uint32_t)cols, n * d, 0);
  write_labels("lab", 0x801, (uint32_t)n, n, -1, 0);

  rc = ds_load_idx(path_of("nonexistent-images"), path_of("lab"), 10, &s, err, sizeof err);
  expect_fail("missing image file", rc, err, "cannot open", &s);
  rc = ds_load_idx(path_of("img"), path_of("nonexistent-labels"), 10, &s, err, sizeof err);
  expect_fail("missing label file", rc, err, "cannot open", &s);

  write_images("bad", 0x801, (uint32_t)n, (uint32_t)rows, (uint32_t)cols, n * d, 0);
  rc = ds_load_idx(path_of("bad"), path_of("lab"), 10, &s, err, sizeof err);
  expect_fail("image file with the label magic", rc, err, "wrong magic", &s);
  write_images("bad", 0x47494638, (uint32_t)n, (uint32_t)rows, (uint32_t)cols, n * d, 1);
  rc = ds_load_idx(path_of("bad"), path_of("lab"), 10, &s, err, sizeof err);
  expect_fail("image file with a foreign magic (gzip)", rc, err, "wrong magic", &s);
  write_images("bad", 0x0d03, (uint32_t)n, (uint32_t)rows, (uint32_t)cols, n * d, 0);
  rc = ds_load_idx(path_of("bad"), path_of("lab"), 10, &s, err, sizeof err);
  expect_fail("image file of float type (0x0d03)", rc, err, "wrong magic", &s);
  write_labels("bad", 0x803, (uint32_t)n, n, -1, 0);
  rc = ds_load_idx(path_of("img"), path_of("bad"), 10, &s, err, sizeof err);
  expect_fail("label file with the image magic", rc, err, "wrong magic", &s);

  write_images("bad", 0x803, (uint32_t)n, 0, (uint32_t)cols, 0, 0);
  rc = ds_load_idx(path_of("bad"), path_of("lab"), 10, &s, err, sizeof err);
  expect_fail("images of 0 rows", rc, err, "wrong dimensions", &s);
  write_images("bad", 0x803, 0, (uint32_t)rows, (uint32_t)cols, 0, 0);
  rc = ds_load_idx(path_of("bad"), path_of("lab"), 10, &s, err, sizeof err);
  expect_fail("0 images", rc, err, "wrong dimensions", &s);
  write_images("bad", 0x803, (uint32_t)n, 100000, 100000, n * d, 0);
  rc = ds_load_idx(path_of("bad"), path_of("lab"), 10, &s, err, sizeof err);
  expect_fail("absurd image size", rc, err, "wrong dimensions", &s);
  write_images("bad", 0x803, (uint32_t)n, (uint32_t)rows, (uint32_t)cols - 1, n * d, 0);
  rc = ds_load_idx(path_of("bad"), path_of("lab"), 10, &s, err, sizeof err);
  expect_fail("header smaller than the data", rc, err, "more data", &s);
  write_images("bad", 0x803, 1u << 27, (uint32_t)rows, (uint32_t)cols, n * d, 0);
  rc = ds_load_idx(path_of("bad"), path_of("lab"), 10, &s, err, sizeof err);
  expect_fail("header announcing 2^27 images over 60 bytes", rc, err, "truncated", &s);

  write_images("bad", 0x803, (uint32_t)n, (uint32_t)rows, (uint32_t)cols, n * d - 7, 0);
  rc = ds_load_idx(path_of("bad"), path_of("lab"), 10, &s, err, sizeof err);
  expect_fail("truncated images", rc, err, "truncated", &s);
  write_images("bad", 0x803, (uint32_t)n, (uint32_t)rows, (uint32_t)cols, n * d - 1, 1);
  rc = ds_load_idx(path_of("bad"), path_of("lab"), 10, &s, err, sizeof err);
  expect_fail("truncated images (gzip)", rc, err, "truncated", &s);
  write_file("bad", "\0\0\x08", 3, 0);
  rc = ds_load_idx(path_of("bad"), path_of("lab"), 10, &s, err, sizeof err);
  expect_fail("file cut inside the magic", rc, err, "truncated", &s);
  write_file("bad", "\0\0\x08\x03\0\0\0\x05\0\0", 10, 0);
  rc = ds_load_idx(path_of("bad"), path_of("lab"), 10, &s, err, sizeof err);
  expect_fail("file cut inside the dimensions", rc, err, "truncated", &s);
  write_file("bad", "", 0, 0);
  rc = ds_load_idx(path_of("bad"), path_of("lab"), 10, &s, err, sizeof err);
  expect_fail("empty image file", rc, err, "truncated", &s);
  write_labels("bad", 0x801, (uint32_t)n, n - 2, -1, 0);
  rc = ds_load_idx(path_of("img"), path_of("bad"), 10, &s, err, sizeof err);
  expect_fail("truncated labels", rc, err, "truncated", &s);
  {
    /* A gzip stream cut in the middle: a decompression error, not data. */
    size_t len;
    unsigned char *z;
    write_images("bad.gz", 0x803, 200, 28, 28, 200 * 784, 1);
    z = read_file("bad.gz", &len);
    write_file("bad.gz", z, len / 2, 0);
    free(z);
    rc = ds_load_idx(path_of("bad.gz"), path_of("lab"), 10, &s, err, sizeof err);
    expect_fail("gzip stream cut short", rc, err, "cut short or corrupt", &s);
  }

  write_labels("bad", 0x801, (uint32_t)n - 1, n - 1, -1, 0);
  rc = ds_load_idx(path_of("img"), path_of("bad"), 10, &s, err, sizeof err);
  expect_fail("4 labels for 5 images", rc, err, "count mismatch", &s);
  write_labels("bad", 0x801, (uint32_t)n + 1, n + 1, -1, 1);
  rc = ds_load_idx(path_of("img"), path_of("bad"), 10, &s, err, sizeof err);
  expect_fail("6 labels for 5 images (gzip)", rc, err, "count mismatch", &s);
  write_labels("bad", 0x801, (uint32_t)n, n, 3, 0);
  rc = ds_load_idx(path_of("img"), path_of("bad"), 10, &s, err, sizeof err);
  expect_fail("label 10 with 10 classes", rc, err, "not below the class count", &s);
  rc = ds_load_idx(path_of("img"), path_of("lab"), 4, &s, err, sizeof err);
  expect_fail("label 4 with 4 classes", rc, err, "not below the class count", &s);

  /* A whole directory: train-* plain, t10k-* gzip. */
  write_images("train-images-idx3-ubyte", 0x803, 7, 3, 4, 7 * 12, 0);
  write_labels("train-labels-idx1-ubyte", 0x801, 7, 7, -1, 0);
  write_images("t10k-images-idx3-ubyte.gz", 0x803, 2, 3, 4, 2 * 12, 1);
  write_labels("t10k-labels-idx1-ubyte.gz", 0x801, 2, 2, -1, 1);
  rc = ds_load_mnist_dir(dir, 10, &s, &t, err, sizeof err);
  check(rc == 0 && s.n == 7 && t.n == 2 && s.d == 12 && t.d == 12 && t.y[1] == 1,
        "MNIST directory (train plain, t10k gzip) read%s%s", rc ? ": " : "", rc ? err : "");
  ds_free(&s);
  ds_free(&t);
  write_images("t10k-images-idx3-ubyte.gz", 0x803, 2, 4, 3, 2 * 12, 1);
  rc = ds_load_mnist_dir(dir, 10, &s, &t, err, sizeof err);
  expect_fail("MNIST directory whose test images are 4x3, not 3x4", rc, err,
              "wrong dimensions", &s);
  check(t.X == NULL, "  (and the test set is left empty)");
  write_labels("t10k-labels-idx1-ubyte.gz", 0x801, 2, 2, 1, 1);
  rc = ds_load_mnist_dir(dir, 10, &s, &t, err, sizeof err);
  expect_fail("MNIST directory with a test label 10", rc, err, "not below the class count",
              &s);
  remove(path_of("t10k-labels-idx1-ubyte.gz"));
  rc = ds_load_mnist_dir(dir, 10, &s, &t, err, sizeof err);
  expect_fail("MNIST directory without test labels", rc, err, "cannot open", &s);
  rc = ds_load_mnist_dir(path_of("no-such-directory"), 10, &s, &t, err, sizeof err);
  expect_fail("missing MNIST directory", rc, err, "cannot open", &s);
}

/* A digits CSV line: 64 pixels then the label. */
static size_t digits_line(char *p, int seed, int label, const char *eol) {
  size_t len = 0;
  for (int k = 0; k < 64; k++) len += (size_t)sprintf(p + len, "%d,", (k * 7 + seed) % 17);
  len += (size_t)sprintf(p + len, "%d%s", label, eol);
  return len;
}

static void csv_bad(const char *what, const char *text, const char *want) {
  char err[512];
  ds_set s;
  int rc;
  write_file("bad.csv", text, strlen(text), 1);
  rc = ds_load_digits_csv(path_of("bad.csv"), &s, err, sizeof err);
  expect_fail(what, rc, err, want, &s);
}

static void csv_tests(void) {
  static char buf[16384];
  char line[1024], err[512];
  ds_set s;
  int rc;
  size_t len = 0;

  len += digits_line(buf + len, 0, 3, "\n");
  len += digits_line(buf + len, 1, 0, "\r\n");
  len += digits_line(buf + len, 2, 9, "");  /* no newline at the end */
  for (int gz = 0; gz < 2; gz++) {
    int ok;
    write_file("good.csv", buf, len, gz);
    rc = ds_load_digits_csv(path_of("good.csv"), &s, err, sizeof err);
    ok = rc == 0 && s.n == 3 && s.d == 64 && s.classes == 10 && s.y[0] == 3 &&
         s.y[1] == 0 && s.y[2] == 9;
    for (int i = 0; ok && i < 3; i++)
      for (int k = 0; ok && k < 64; k++)
        ok = s.X[i * 64 + k] == (float)((k * 7 + i) % 17) / 16.0f;
    check(ok, "good digits CSV (%s) read back exactly%s%s", gz ? "gzip" : "plain",
          rc ? ": " : "", rc ? err : "");
    ds_free(&s);
  }

  rc = ds_load_digits_csv(path_of("no-such.csv.gz"), &s, err, sizeof err);
  expect_fail("missing digits CSV", rc, err, "cannot open", &s);
  csv_bad("empty digits CSV", "", "no samples");
  csv_bad("blank digits CSV", "\n\n", "no samples");
  len = digits_line(line, 0, 3, "\n");
  memmove(line, line + 2, len - 1); /* drop the first field */
  csv_bad("line of 64 fields", line, "expected 65");
  len = digits_line(line, 0, 3, "");
  strcat(line, ",4\n");
  csv_bad("line of 66 fields", line, "expected 65");
  {
    char l2[600];
    digits_line(l2, 0, 3, "\n");
    snprintf(line, sizeof line, "17%s", strchr(l2, ','));
    csv_bad("pixel 17", line, "outside 0..16");
    digits_line(l2, 0, 10, "\n");
    csv_bad("label 10", l2, "not below the class count");
    digits_line(l2, 0, 3, "\n");
    snprintf(line, sizeof line, "-1%s", strchr(l2, ','));
    csv_bad("negative pixel", line, "not a non-negative integer");
    snprintf(line, sizeof line, "x%s", strchr(l2, ','));
    csv_bad("non-numeric pixel", line, "not a non-negative integer");
    snprintf(line, sizeof line, "1.5%s", strchr(l2, ','));
    csv_bad("fractional pixel", line, "unexpected character");
    snprintf(line, sizeof line, "%s%s", l2, ",,,");
    csv_bad("empty fields", line, "not a non-negative integer");
  }
  memset(buf, '1', 2000);
  buf[2000] = '\n';
  buf[2001] = '\0';
  csv_bad("overlong line", buf, "longer than");
  {
    /* A good file whose gzip stream is cut in the middle. */
    size_t zlen;
    unsigned char *z;
    len = 0;
    for (int i = 0; i < 40; i++) len += digits_line(buf + len, i, i % 10, "\n");
    write_file("cut.csv.gz", buf, len, 1);
    z = read_file("cut.csv.gz", &zlen);
    write_file("cut.csv.gz", z, zlen * 2 / 3, 0);
    free(z);
    rc = ds_load_digits_csv(path_of("cut.csv.gz"), &s, err, sizeof err);
    expect_fail("digits CSV whose gzip stream is cut short", rc, err,
                "cut short or corrupt", &s);
  }
}

static void subset_tests(void) {
  char err[512];
  ds_set src, dst;
  float X[6] = {0, 1, 2, 3, 4, 5};
  int32_t y[3] = {7, 8, 9};
  size_t idx[2] = {2, 0};
  int rc;
  memset(&src, 0, sizeof src);
  src.n = 3;
  src.d = 2;
  src.classes = 10;
  src.X = X;
  src.y = y;
  rc = ds_subset(&src, idx, 2, &dst, err, sizeof err);
  check(rc == 0 && dst.n == 2 && dst.X[0] == 4 && dst.X[1] == 5 && dst.X[2] == 0 &&
            dst.y[0] == 9 && dst.y[1] == 7,
        "ds_subset picks the rows asked for");
  ds_free(&dst);
}

/* ------------------------------------------------- train on bad data */

static const char *const MNIST_NAMES[4] = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte"};

/* Writes a good MNIST-format directory into dir: 7 training and 2 test
   images of 3 x 4 pixels, labels i % 10, all four files plain, no .gz
   variant left over to be picked instead. */
static void write_mnist_dir(void) {
  char gzname[64];
  for (int k = 0; k < 4; k++) {
    snprintf(gzname, sizeof gzname, "%s.gz", MNIST_NAMES[k]);
    remove(path_of(gzname));
  }
  write_images(MNIST_NAMES[0], 0x803, 7, 3, 4, 7 * 12, 0);
  write_labels(MNIST_NAMES[1], 0x801, 7, 7, -1, 0);
  write_images(MNIST_NAMES[2], 0x803, 2, 3, 4, 2 * 12, 0);
  write_labels(MNIST_NAMES[3], 0x801, 2, 2, -1, 0);
}

/* The whole of dir/name (at most size - 1 bytes), "" if unreadable. */
static void slurp(const char *name, char *buf, size_t size) {
  FILE *f = fopen(path_of(name), "rb");
  size_t n = 0;
  if (f) {
    n = fread(buf, 1, size - 1, f);
    fclose(f);
  }
  buf[n] = '\0';
}

/* Runs `train --data data_dir --epochs 1 extra`, its output in dir. Returns
   its exit status: 0..255, or -1 when it did not exit normally (a crash).
   The output files are named in *out and *err. */
static int run_train(const char *train, const char *data_dir, const char *extra,
                     char *out, size_t outlen, char *err, size_t errlen) {
  char cmd[2048];
  const char *o = path_of("train-out.txt"), *e = path_of("train-err.txt");
  int rc;
  remember(o);
  remember(e);
  snprintf(cmd, sizeof cmd, "\"%s\" --data \"%s\" --epochs 1 %s > \"%s\" 2> \"%s\"",
           train, data_dir, extra, o, e);
  fflush(stdout);
  rc = system(cmd);
  slurp("train-out.txt", out, outlen);
  slurp("train-err.txt", err, errlen);
#ifdef WIFEXITED
  if (rc == -1 || !WIFEXITED(rc)) return -1;
  return WEXITSTATUS(rc);
#else
  return rc;
#endif
}

/* train on data_dir must exit with status 1 and say `want` on stderr. */
static void train_rejects(const char *train, const char *what, const char *data_dir,
                          const char *extra, const char *want) {
  char out[4096], err[4096], *nl;
  int rc = run_train(train, data_dir, extra, out, sizeof out, err, sizeof err);
  if ((nl = strchr(err, '\n')) != NULL) *nl = '\0';
  check(rc == 1 && !strncmp(err, "train: ", 7) && strstr(err, want) != NULL &&
            strstr(out, "test_accuracy=") == NULL,
        "train rejects %s: exit %d, \"%s\" (expected exit 1 and a message with "
        "\"%s\")", what, rc, err, want);
}

static void train_tests(const char *train) {
  char out[4096], err[4096];
  int rc;

  write_mnist_dir();
  rc = run_train(train, dir, "", out, sizeof out, err, sizeof err);
  check(rc == 0 && strstr(out, "\ntest_accuracy=") != NULL,
        "train trains on a small good MNIST directory: exit %d%s%s", rc,
        *err ? ", stderr: " : "", err);

  remove(path_of(MNIST_NAMES[1]));
  train_rejects(train, "a directory without train-labels", dir, "", "cannot open");
  train_rejects(train, "a missing directory", path_of("no-such-directory"), "",
                "cannot open");

  write_mnist_dir();
  write_images(MNIST_NAMES[0], 0x801, 7, 3, 4, 7 * 12, 0);
  train_rejects(train, "training images with the label magic", dir, "", "wrong magic");
  write_mnist_dir();
  write_labels(MNIST_NAMES[3], 0x803, 2, 2, -1, 1);
  train_rejects(train, "test labels with the image magic (gzip)", dir, "",
                "wrong magic");

  write_mnist_dir();
  write_images(MNIST_NAMES[0], 0x803, 7, 0, 4, 0, 0);
  train_rejects(train, "training images of 0 rows", dir, "", "wrong dimensions");
  write_mnist_dir();
  write_images(MNIST_NAMES[2], 0x803, 2, 4, 3, 2 * 12, 0);
  train_rejects(train, "test images of 4x3 beside training images of 3x4", dir, "",
                "wrong dimensions");
  write_mnist_dir();
  write_images(MNIST_NAMES[0], 0x803, 7, 3, 3, 7 * 12, 0);
  train_rejects(train, "a header announcing fewer pixels than the file holds", dir, "",
                "more data");

  write_mnist_dir();
  write_images(MNIST_NAMES[0], 0x803, 7, 3, 4, 7 * 12 - 5, 0);
  train_rejects(train, "truncated training images", dir, "", "truncated");
  write_mnist_dir();
  write_labels(MNIST_NAMES[1], 0x801, 7, 4, -1, 0);
  train_rejects(train, "truncated training labels", dir, "", "truncated");
  write_mnist_dir();
  write_file(MNIST_NAMES[2], "\0\0\x08\x03\0\0\0\x02", 8, 0);
  train_rejects(train, "test images cut inside the header", dir, "", "truncated");
  {
    size_t len;
    unsigned char *z;
    write_mnist_dir();
    write_images(MNIST_NAMES[2], 0x803, 200, 28, 28, 200 * 784, 1);
    z = read_file(MNIST_NAMES[2], &len);
    write_file(MNIST_NAMES[2], z, len / 2, 0);
    free(z);
    write_labels(MNIST_NAMES[3], 0x801, 200, 200, -1, 0);
    train_rejects(train, "test images whose gzip stream is cut short", dir, "",
                  "cut short or corrupt");
  }

  write_mnist_dir();
  write_labels(MNIST_NAMES[1], 0x801, 6, 6, -1, 0);
  train_rejects(train, "6 training labels for 7 images", dir, "", "count mismatch");
  write_mnist_dir();
  write_labels(MNIST_NAMES[3], 0x801, 3, 3, -1, 1);
  train_rejects(train, "3 test labels for 2 images (gzip)", dir, "", "count mismatch");

  write_mnist_dir();
  write_labels(MNIST_NAMES[3], 0x801, 2, 2, 1, 0);
  train_rejects(train, "a test label 10 with 10 classes", dir, "",
                "not below the class count");
  write_mnist_dir();
  train_rejects(train, "training labels up to 6 with --classes 5", dir, "--classes 5",
                "not below the class count");
}

int main(int argc, char **argv) {
  if (argc > 1) dir = argv[1];
  idx_tests();
  csv_tests();
  subset_tests();
  if (argc > 2) train_tests(argv[2]);
  for (int i = 0; i < nmade; i++) remove(made[i]);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
