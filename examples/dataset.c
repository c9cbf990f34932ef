/* dataset.c - the loaders declared in dataset.h (MNIST IDX, digits CSV). */
#include "dataset.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

/* Images larger than this (rows * cols) or more numerous than this are taken
   for a corrupt header rather than allocated. */
#define DS_MAX_PIXELS (1u << 24)
#define DS_MAX_SAMPLES (1u << 28)

static int fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

void ds_free(ds_set *s) {
  if (!s) return;
  free(s->X);
  free(s->y);
  memset(s, 0, sizeof *s);
}

/* The message of zlib's last error on f, or the system's for errno. zlib
   puts the path in front of its messages ("path: unexpected end of file");
   the callers name the file themselves, so that prefix is dropped. */
static const char *gz_message(gzFile f, const char *path) {
  int errnum = Z_OK;
  const char *msg = gzerror(f, &errnum);
  size_t plen = strlen(path);
  if (errnum == Z_ERRNO) return strerror(errno);
  if (!msg || !*msg) return "read error";
  if (!strncmp(msg, path, plen) && msg[plen] == ':' && msg[plen + 1] == ' ')
    msg += plen + 2;
  return msg;
}

/* Reads up to len bytes. Returns the count read (short at the end of the
   data), or (size_t)-1 on a read or decompression error (message in err). A
   gzip stream cut short is an error, not a short read. */
static size_t gz_read_upto(gzFile f, void *buf, size_t len, const char *path,
                           char *err, size_t errlen) {
  unsigned char *p = (unsigned char *)buf;
  size_t got = 0;
  while (got < len) {
    size_t want = len - got;
    int r;
    if (want > (size_t)1 << 30) want = (size_t)1 << 30;
    r = gzread(f, p + got, (unsigned)want);
    if (r < 0) {
      fail(err, errlen, "%s: %s", path, gz_message(f, path));
      return (size_t)-1;
    }
    if (r == 0) break;
    got += (size_t)r;
  }
  if (got < len) {
    /* End of data: a gzip stream that ended early shows up here. */
    int errnum = Z_OK;
    (void)gzerror(f, &errnum);
    if (errnum != Z_OK && errnum != Z_STREAM_END) {
      fail(err, errlen, "%s: %s (the compressed file is cut short or corrupt)",
           path, gz_message(f, path));
      return (size_t)-1;
    }
  }
  return got;
}

static gzFile open_gz(const char *path, char *err, size_t errlen) {
  gzFile f;
  errno = 0;
  f = gzopen(path, "rb");
  if (!f) {
    fail(err, errlen, "cannot open %s: %s", path,
         errno ? strerror(errno) : "out of memory");
    return NULL;
  }
  gzbuffer(f, 1u << 17);
  return f;
}

static uint32_t be32(const unsigned char *b) {
  return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) |
         (uint32_t)b[3];
}

/* Reads the IDX header: magic (checked against `magic`) and ndim counts. */
static int read_idx_header(gzFile f, const char *path, uint32_t magic, const char *what,
                           uint32_t *dims, char *err, size_t errlen) {
  unsigned char h[16];
  size_t ndim = magic & 0xffu, hlen = 4 + 4 * ndim, got;
  uint32_t m;
  got = gz_read_upto(f, h, 4, path, err, errlen);
  if (got == (size_t)-1) return -1;
  if (got < 4)
    return fail(err, errlen, "%s: truncated: the file ends inside its IDX header "
                "(%zu bytes)", path, got);
  m = be32(h);
  if (m != magic) {
    const char *hint = "";
    if (m == 0x00000801u) hint = " (this is an IDX label file)";
    else if (m == 0x00000803u) hint = " (this is an IDX image file)";
    else if ((m >> 16) != 0) hint = " (not an IDX file)";
    return fail(err, errlen, "%s: wrong magic number 0x%08lx for an IDX %s file, "
                "expected 0x%08lx%s", path, (unsigned long)m, what,
                (unsigned long)magic, hint);
  }
  got = gz_read_upto(f, h + 4, hlen - 4, path, err, errlen);
  if (got == (size_t)-1) return -1;
  if (got < hlen - 4)
    return fail(err, errlen, "%s: truncated: the file ends inside its IDX header "
                "(%zu of %zu bytes)", path, got + 4, hlen);
  for (size_t k = 0; k < ndim; k++) dims[k] = be32(h + 4 + 4 * k);
  return 0;
}

/* Reads exactly `len` payload bytes into a buffer that grows as data
   arrives (so a header announcing absurd sizes cannot make us allocate them
   up front), then checks that nothing follows. */
static unsigned char *read_payload(gzFile f, const char *path, size_t len,
                                   const char *unit, size_t count, char *err,
                                   size_t errlen) {
  size_t cap = len < ((size_t)1 << 20) ? len : ((size_t)1 << 20), have = 0;
  unsigned char *buf = (unsigned char *)malloc(cap ? cap : 1), extra;
  if (!buf) {
    fail(err, errlen, "%s: out of memory", path);
    return NULL;
  }
  for (;;) {
    size_t got = gz_read_upto(f, buf + have, cap - have, path, err, errlen);
    if (got == (size_t)-1) {
      free(buf);
      return NULL;
    }
    have += got;
    if (have < cap) break; /* end of data */
    if (have == len) break;
    {
      size_t ncap = cap > len / 2 ? len : 2 * cap;
      unsigned char *nb = (unsigned char *)realloc(buf, ncap);
      if (!nb) {
        free(buf);
        fail(err, errlen, "%s: out of memory (%zu bytes)", path, ncap);
        return NULL;
      }
      buf = nb;
      cap = ncap;
    }
  }
  if (have < len) {
    free(buf);
    fail(err, errlen, "%s: truncated: the header announces %zu %s (%zu bytes of data) "
         "but the file holds %zu bytes of data", path, count, unit, len, have);
    return NULL;
  }
  {
    size_t more = gz_read_upto(f, &extra, 1, path, err, errlen);
    if (more == (size_t)-1) {
      free(buf);
      return NULL;
    }
    if (more) {
      free(buf);
      fail(err, errlen, "%s: the file holds more data than the %zu %s its header "
           "announces (wrong dimensions?)", path, count, unit);
      return NULL;
    }
  }
  return buf;
}

int ds_load_idx(const char *images_path, const char *labels_path, int classes,
                ds_set *out, char *err, size_t errlen) {
  gzFile f;
  uint32_t idims[3] = {0, 0, 0}, ldims[1] = {0};
  size_t n, rows, cols, d;
  unsigned char *pix, *lab;
  ds_set s;

  memset(out, 0, sizeof *out);
  if (classes < 1 || classes > 256)
    return fail(err, errlen, "class count %d outside 1..256", classes);

  /* Images. */
  f = open_gz(images_path, err, errlen);
  if (!f) return -1;
  if (read_idx_header(f, images_path, 0x00000803u, "image", idims, err, errlen)) {
    gzclose(f);
    return -1;
  }
  n = idims[0];
  rows = idims[1];
  cols = idims[2];
  if (n == 0 || rows == 0 || cols == 0 || n > DS_MAX_SAMPLES ||
      rows * cols > DS_MAX_PIXELS) {
    gzclose(f);
    return fail(err, errlen, "%s: wrong dimensions %zu x %zu x %zu (images x rows x "
                "cols; each must be at least 1, at most %u images of at most %u "
                "pixels)", images_path, n, rows, cols, (unsigned)DS_MAX_SAMPLES,
                (unsigned)DS_MAX_PIXELS);
  }
  d = rows * cols;
  if (n > SIZE_MAX / sizeof(float) / d) {
    gzclose(f);
    return fail(err, errlen, "%s: %zu images of %zu pixels do not fit in memory",
                images_path, n, d);
  }
  pix = read_payload(f, images_path, n * d, "images", n, err, errlen);
  gzclose(f);
  if (!pix) return -1;

  /* Labels. */
  f = open_gz(labels_path, err, errlen);
  if (!f) {
    free(pix);
    return -1;
  }
  if (read_idx_header(f, labels_path, 0x00000801u, "label", ldims, err, errlen)) {
    gzclose(f);
    free(pix);
    return -1;
  }
  if (ldims[0] != n) {
    gzclose(f);
    free(pix);
    return fail(err, errlen, "count mismatch: %s holds %zu images but %s holds %lu "
                "labels", images_path, n, labels_path, (unsigned long)ldims[0]);
  }
  lab = read_payload(f, labels_path, n, "labels", n, err, errlen);
  gzclose(f);
  if (!lab) {
    free(pix);
    return -1;
  }
  for (size_t i = 0; i < n; i++)
    if (lab[i] >= classes) {
      int l = lab[i];
      free(pix);
      free(lab);
      return fail(err, errlen, "%s: label %d of sample %zu is not below the class "
                  "count %d", labels_path, l, i, classes);
    }

  memset(&s, 0, sizeof s);
  s.n = n;
  s.d = d;
  s.rows = rows;
  s.cols = cols;
  s.classes = classes;
  s.X = (float *)malloc(n * d * sizeof(float));
  s.y = (int32_t *)malloc(n * sizeof(int32_t));
  if (!s.X || !s.y) {
    free(pix);
    free(lab);
    ds_free(&s);
    return fail(err, errlen, "out of memory for %zu x %zu floats", n, d);
  }
  for (size_t k = 0; k < n * d; k++) s.X[k] = (float)pix[k] / 255.0f;
  for (size_t i = 0; i < n; i++) s.y[i] = lab[i];
  free(pix);
  free(lab);
  *out = s;
  return 0;
}

/* dir/name if it can be opened, else dir/name.gz; NULL (and a message) when
   neither exists. The result is malloc'd. */
static char *find_file(const char *dir, const char *name, char *err, size_t errlen) {
  size_t len = strlen(dir) + strlen(name) + 8;
  char *p = (char *)malloc(len);
  FILE *f;
  int e;
  if (!p) {
    fail(err, errlen, "out of memory");
    return NULL;
  }
  snprintf(p, len, "%s/%s", dir, name);
  errno = 0;
  f = fopen(p, "rb");
  if (f) {
    fclose(f);
    return p;
  }
  e = errno;
  snprintf(p, len, "%s/%s.gz", dir, name);
  f = fopen(p, "rb");
  if (f) {
    fclose(f);
    return p;
  }
  if (errno != ENOENT) e = errno; /* e.g. permission denied on the .gz */
  fail(err, errlen, "cannot open %s/%s (nor %s.gz): %s", dir, name, name,
       e ? strerror(e) : "not found");
  free(p);
  return NULL;
}

static int load_pair(const char *dir, const char *prefix, int classes, ds_set *out,
                     char *err, size_t errlen) {
  char iname[64], lname[64];
  char *ip, *lp;
  int r;
  snprintf(iname, sizeof iname, "%s-images-idx3-ubyte", prefix);
  snprintf(lname, sizeof lname, "%s-labels-idx1-ubyte", prefix);
  ip = find_file(dir, iname, err, errlen);
  if (!ip) return -1;
  lp = find_file(dir, lname, err, errlen);
  if (!lp) {
    free(ip);
    return -1;
  }
  r = ds_load_idx(ip, lp, classes, out, err, errlen);
  free(ip);
  free(lp);
  return r;
}

int ds_load_mnist_dir(const char *dir, int classes, ds_set *train, ds_set *test,
                      char *err, size_t errlen) {
  memset(train, 0, sizeof *train);
  memset(test, 0, sizeof *test);
  if (load_pair(dir, "train", classes, train, err, errlen)) return -1;
  if (load_pair(dir, "t10k", classes, test, err, errlen)) {
    ds_free(train);
    return -1;
  }
  if (test->rows != train->rows || test->cols != train->cols) {
    int r = fail(err, errlen, "%s: wrong dimensions: the test images are %zu x %zu but "
                 "the training images are %zu x %zu", dir, test->rows, test->cols,
                 train->rows, train->cols);
    ds_free(train);
    ds_free(test);
    return r;
  }
  return 0;
}

/* ------------------------------------------------------------ digits CSV */

#define DIGITS_D 64
#define DIGITS_MAXPIX 16
#define DIGITS_CLASSES 10

int ds_load_digits_csv(const char *path, ds_set *out, char *err, size_t errlen) {
  gzFile f;
  char line[1024];
  size_t cap = 0, n = 0, lineno = 0;
  float *X = NULL;
  int32_t *y = NULL;
  int rc = -1;

  memset(out, 0, sizeof *out);
  f = open_gz(path, err, errlen);
  if (!f) return -1;
  for (;;) {
    long v[DIGITS_D + 1];
    int nf = 0;
    size_t len;
    const char *p;
    if (!gzgets(f, line, (int)sizeof line)) {
      int errnum = Z_OK;
      (void)gzerror(f, &errnum);
      if (errnum != Z_OK && errnum != Z_STREAM_END) {
        fail(err, errlen, "%s: %s (the compressed file is cut short or corrupt)",
             path, gz_message(f, path));
        goto done;
      }
      break; /* end of file */
    }
    lineno++;
    len = strlen(line);
    if (len == sizeof line - 1 && line[len - 1] != '\n') {
      fail(err, errlen, "%s:%zu: line longer than %zu characters", path, lineno,
           sizeof line - 2);
      goto done;
    }
    p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '\n' || *p == '\r' || *p == '\0') continue; /* blank line */
    for (;;) {
      char *end;
      long x;
      while (*p == ' ' || *p == '\t') p++;
      if (*p < '0' || *p > '9') {
        fail(err, errlen, "%s:%zu: field %d is not a non-negative integer", path,
             lineno, nf + 1);
        goto done;
      }
      errno = 0;
      x = strtol(p, &end, 10);
      if (errno == ERANGE) x = LONG_MAX;
      p = end;
      while (*p == ' ' || *p == '\t') p++;
      if (nf < DIGITS_D + 1) v[nf] = x;
      nf++;
      if (*p == ',') {
        p++;
        continue;
      }
      if (*p == '\n' || *p == '\r' || *p == '\0') break;
      fail(err, errlen, "%s:%zu: unexpected character '%c' in field %d", path, lineno,
           *p, nf);
      goto done;
    }
    if (nf != DIGITS_D + 1) {
      fail(err, errlen, "%s:%zu: %d fields, expected %d (64 pixels then the label)",
           path, lineno, nf, DIGITS_D + 1);
      goto done;
    }
    for (int k = 0; k < DIGITS_D; k++)
      if (v[k] > DIGITS_MAXPIX) {
        fail(err, errlen, "%s:%zu: pixel %d is %ld, outside 0..%d", path, lineno, k + 1,
             v[k], DIGITS_MAXPIX);
        goto done;
      }
    if (v[DIGITS_D] >= DIGITS_CLASSES) {
      fail(err, errlen, "%s:%zu: label %ld is not below the class count %d", path,
           lineno, v[DIGITS_D], DIGITS_CLASSES);
      goto done;
    }
    if (n == cap) {
      size_t ncap = cap ? 2 * cap : 256;
      float *nX = (float *)realloc(X, ncap * DIGITS_D * sizeof(float));
      int32_t *ny;
      if (!nX) {
        fail(err, errlen, "%s: out of memory", path);
        goto done;
      }
      X = nX;
      ny = (int32_t *)realloc(y, ncap * sizeof(int32_t));
      if (!ny) {
        fail(err, errlen, "%s: out of memory", path);
        goto done;
      }
      y = ny;
      cap = ncap;
    }
    for (int k = 0; k < DIGITS_D; k++)
      X[n * DIGITS_D + (size_t)k] = (float)v[k] / (float)DIGITS_MAXPIX;
    y[n] = (int32_t)v[DIGITS_D];
    n++;
  }
  if (n == 0) {
    fail(err, errlen, "%s: no samples (the file is empty)", path);
    goto done;
  }
  out->n = n;
  out->d = DIGITS_D;
  out->rows = 8;
  out->cols = 8;
  out->classes = DIGITS_CLASSES;
  out->X = X;
  out->y = y;
  X = NULL;
  y = NULL;
  rc = 0;
done:
  gzclose(f);
  free(X);
  free(y);
  return rc;
}

int ds_subset(const ds_set *src, const size_t *idx, size_t k, ds_set *dst, char *err,
              size_t errlen) {
  ds_set s = *src;
  s.n = k;
  s.X = (float *)malloc((k ? k : 1) * src->d * sizeof(float));
  s.y = (int32_t *)malloc((k ? k : 1) * sizeof(int32_t));
  if (!s.X || !s.y) {
    free(s.X);
    free(s.y);
    memset(dst, 0, sizeof *dst);
    return fail(err, errlen, "out of memory");
  }
  for (size_t i = 0; i < k; i++) {
    memcpy(s.X + i * src->d, src->X + idx[i] * src->d, src->d * sizeof(float));
    s.y[i] = src->y[idx[i]];
  }
  *dst = s;
  return 0;
}
