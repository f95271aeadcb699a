// glibc's allocator settings (mallopt), used by the pof command line on Linux.
#include <malloc.h>
