// The test suite compiled as C++: the header and the tests must build
// warning-free with a C++ compiler too. Uses the backend the header picks
// by default (no LINLOSS_BACKEND), so the backend name is not checked.
#include "test_linloss.c"
