/* replay.c - runs a libFuzzer target's LLVMFuzzerTestOneInput over files and
   directories of inputs, without libFuzzer: for compilers and platforms
   libFuzzer does not support (the aarch64 cross build under qemu-aarch64, a
   gcc build), and to replay the committed corpus.

   Build:  cc -O1 -I. -Itests tests/fuzz/replay.c tests/fuzz/fuzz_fused.c -lm
   Run:    ./replay tests/fuzz/corpus/fuzz_fused [more files or directories]
   Prints "replayed N inputs (backend)"; a failing input aborts with its name
   (the targets print what went wrong). Exit status 1 if an argument cannot
   be read or there was nothing to replay. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern const char *fz_current_input;
const char *linloss_fuzz_backend(void);

static long replayed;

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  size_t len = 0, cap = 0, got;
  if (!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return 1;
  }
  for (;;) {
    if (len == cap) {
      unsigned char *nb = (unsigned char *)realloc(buf, cap = cap ? 2 * cap : 4096);
      if (!nb) {
        fprintf(stderr, "replay: out of memory\n");
        exit(2);
      }
      buf = nb;
    }
    got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
  }
  fclose(f);
  fz_current_input = path;
  LLVMFuzzerTestOneInput(buf, len);
  fz_current_input = NULL;
  free(buf);
  replayed++;
  return 0;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int replay_path(const char *path) {
  struct stat st;
  DIR *dir;
  struct dirent *de;
  char **names = NULL;
  size_t count = 0, cap = 0, i;
  int bad = 0;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "replay: cannot stat %s\n", path);
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) return replay_file(path);
  if (!(dir = opendir(path))) {
    fprintf(stderr, "replay: cannot open directory %s\n", path);
    return 1;
  }
  while ((de = readdir(dir)) != NULL) { /* sorted, so runs are reproducible */
    size_t len;
    if (de->d_name[0] == '.') continue;
    if (count == cap) {
      char **nn = (char **)realloc(names, (cap = cap ? 2 * cap : 256) * sizeof *names);
      if (!nn) exit(2);
      names = nn;
    }
    len = strlen(path) + strlen(de->d_name) + 2;
    names[count] = (char *)malloc(len);
    if (!names[count]) exit(2);
    snprintf(names[count], len, "%s/%s", path, de->d_name);
    count++;
  }
  closedir(dir);
  if (count) qsort(names, count, sizeof *names, cmp_names);
  for (i = 0; i < count; i++) {
    if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) bad |= replay_file(names[i]);
    free(names[i]);
  }
  free(names);
  return bad;
}

int main(int argc, char **argv) {
  int i, bad = 0;
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
    return 2;
  }
  for (i = 1; i < argc; i++) bad |= replay_path(argv[i]);
  printf("replayed %ld inputs (%s backend)\n", replayed, linloss_fuzz_backend());
  return bad || replayed == 0;
}
