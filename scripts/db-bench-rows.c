/* The rows of scripts/db-bench's table, in PostgreSQL's binary COPY format on stdout:
 *   cc -O2 -o db-bench-rows db-bench-rows.c -lm && ./db-bench-rows ROWS SEED | psql -c "COPY bench FROM STDIN (FORMAT binary)"
 * Columns: time (whole days 1..3650, exponential, 30 % longer in group 1), status (70 % events), grp (0/1),
 * x1, x2 (-1..1, 4 decimals), x3 (0/1, 40 %), x4 (30..80, 1 decimal), x5, x6 (0..1, 4 decimals), x7 (0/1),
 * x8 (0..10, 2 decimals), x9, x10 (0..1, 4 decimals); each value the double nearest its decimal text.
 * Several seeds give independent streams (xoshiro256**), so parallel loaders write different rows. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
static uint64_t s[4];
static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t next(void) { uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45); return r; }
static double unif(void) { return (next() >> 11) * 0x1.0p-53; }            /* [0, 1) */
static uint64_t below(uint64_t n) { return (uint64_t)(unif() * n); }
static unsigned char buf[1 << 20]; static size_t used;
static void put(const void *p, size_t n) { if (used + n > sizeof buf) { fwrite(buf, 1, used, stdout); used = 0; } memcpy(buf + used, p, n); used += n; }
static void i16(int v) { unsigned char b[2] = { v >> 8, v }; put(b, 2); }
static void i32(int32_t v) { uint32_t u = (uint32_t)v; unsigned char b[4] = { u >> 24, u >> 16, u >> 8, u }; put(b, 4); }
static void f64(double d) { uint64_t u; memcpy(&u, &d, 8); i32(8); unsigned char b[8]; for (int k = 0; k < 8; k++) b[k] = u >> (56 - 8 * k); put(b, 8); }
static void int4(int v) { i32(4); i32(v); }
int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: db-bench-rows ROWS SEED\n"); return 2; }
  long long rows = atoll(argv[1]); uint64_t seed = strtoull(argv[2], 0, 10);
  for (int k = 0; k < 4; k++) { seed += 0x9e3779b97f4a7c15ULL; uint64_t z = seed; z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL; s[k] = z ^ (z >> 31); }
  put("PGCOPY\n\377\r\n\0", 11); i32(0); i32(0);
  for (long long r = 0; r < rows; r++) {
    int grp = unif() < 0.5;
    double t = ceil(-log(1 - unif()) * 900 * (1 + grp * 0.3)); if (t > 3650) t = 3650; if (t < 1) t = 1;
    i16(13);
    f64(t); int4(unif() < 0.7); int4(grp);
    f64((double)((long long)below(20001) - 10000) / 10000); f64((double)((long long)below(20001) - 10000) / 10000); f64(unif() < 0.4);
    f64((double)(below(501) + 300) / 10); f64((double)below(10001) / 10000); f64((double)below(10001) / 10000);
    f64(unif() < 0.5); f64((double)below(1001) / 100); f64((double)below(10001) / 10000); f64((double)below(10001) / 10000);
  }
  i16(-1); fwrite(buf, 1, used, stdout); return 0;
}
