// zlib, for reading gzip-compressed CSV files (Debian/Ubuntu: apt install zlib1g-dev).
#include <zlib.h>
