/* omp_serial.c - the calls of tests/test_omp.c through a build of linloss.h
   without OpenMP (this file is compiled without -fopenmp). */
#if defined(_OPENMP)
#error "omp_serial.c must be compiled without -fopenmp"
#endif
#include "linloss.h"
#define OMP_CASE_RUN omp_serial_run
#include "omp_case.h"
const char *omp_serial_backend(void);
const char *omp_serial_backend(void) { return linloss_backend_name(); }
