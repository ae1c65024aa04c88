/*
 * dyn: a small dynamically linked glibc program for the stepcount benchmark.
 * Formats numbers with snprintf, parses them back with strtol, sorts them
 * with qsort and sums them.
 *
 *   gcc -O1 -o dyn dyn.c
 *   dyn [MULT]       MULT (float, default 1) scales the work; MULT=1 is
 *                    roughly 2.7M user-mode instructions, of which
 *                    about 113k are ld.so start-up (dyn 0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_PER_UNIT 2000

static int cmp_long(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    double mult = argc > 1 ? strtod(argv[1], NULL) : 1.0;
    if (mult < 0) mult = 0;
    size_t n = (size_t)(mult * N_PER_UNIT);
    long *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return 1;
    char buf[64];
    unsigned long seed = 12345;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245UL + 12345UL;
        snprintf(buf, sizeof buf, "%ld", (long)((seed >> 16) % 1000000UL) - 500000L);
        v[i] = strtol(buf, NULL, 10);
    }
    qsort(v, n, sizeof *v, cmp_long);
    long sum = 0;
    for (size_t i = 0; i < n; i++) sum += v[i];
    printf("dyn: n=%zu min=%ld max=%ld sum=%ld\n", n, n ? v[0] : 0, n ? v[n - 1] : 0, sum);
    free(v);
    return 0;
}
