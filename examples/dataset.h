/* dataset.h - loaders for the linloss examples.

   Two formats, both read through zlib (gzopen/gzread read plain files as
   well as gzip ones, so every file may be compressed or not):

   - MNIST IDX files, as published for MNIST, Fashion-MNIST, KMNIST:
       train-images-idx3-ubyte[.gz]  train-labels-idx1-ubyte[.gz]
       t10k-images-idx3-ubyte[.gz]   t10k-labels-idx1-ubyte[.gz]
     A big-endian header: the magic 0x00000803 (unsigned bytes, 3 dimensions)
     for images or 0x00000801 (1 dimension) for labels, then one 32-bit count
     per dimension, then the bytes. Pixels are scaled to [0, 1] (x / 255).

   - The UCI optical-recognition digits as shipped by scikit-learn
     (digits.csv.gz): one sample per line, 64 integer pixels in 0..16 then
     the label 0..9, comma-separated. Pixels are scaled to [0, 1] (x / 16).

   Every loader returns 0 on success and -1 on failure, with a message that
   names the file and the problem in err (at most errlen bytes, always
   terminated). On failure *out is left empty (ds_free is harmless on it).
   The loaders never print and never abort: the caller decides. */
#ifndef LINLOSS_EXAMPLES_DATASET_H
#define LINLOSS_EXAMPLES_DATASET_H

#include <stddef.h>
#include <stdint.h>

typedef struct ds_set {
  size_t n;          /* samples                                */
  size_t d;          /* features per sample (rows * cols)      */
  size_t rows, cols; /* image shape (d = rows * cols)          */
  int32_t classes;   /* labels are in [0, classes)             */
  float *X;          /* n x d, row-major, values in [0, 1]     */
  int32_t *y;        /* n labels                               */
} ds_set;

/* Frees what a loader allocated and empties the set. */
void ds_free(ds_set *s);

/* One IDX image file and its label file. Labels must be < classes
   (1 <= classes <= 256). */
int ds_load_idx(const char *images_path, const char *labels_path, int classes,
                ds_set *out, char *err, size_t errlen);

/* The four files of an MNIST-format directory: train-* into train, t10k-*
   into test. Each name is tried as given, then with ".gz". The test images
   must have the training images' shape. */
int ds_load_mnist_dir(const char *dir, int classes, ds_set *train, ds_set *test,
                      char *err, size_t errlen);

/* The digits CSV (gzip or plain): every line 64 pixels 0..16 then a label
   0..9; at least one line. */
int ds_load_digits_csv(const char *path, ds_set *out, char *err, size_t errlen);

/* Copies rows idx[0..k) of src into dst (allocated). Returns -1 (with a
   message) if memory runs out. */
int ds_subset(const ds_set *src, const size_t *idx, size_t k, ds_set *dst,
              char *err, size_t errlen);

#endif
