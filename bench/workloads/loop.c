/*
 * loop: a static, deterministic counted loop for the stepcount benchmark.
 *
 *   gcc -O1 -static -o loop loop.c
 *   loop [MULT]      MULT (float, default 1) scales the work:
 *                    about 2.5M user-mode instructions per unit of MULT
 *                    (plus about 30k for static glibc start-up/exit: loop 0).
 *                    loop 4 is about 10M instructions, loop 0.4 about 1M.
 */
#include <stdio.h>
#include <stdlib.h>

#define ITERS_PER_UNIT 500000L /* 5 instructions per iteration */

volatile unsigned long sink;

int main(int argc, char **argv) {
    double mult = argc > 1 ? strtod(argv[1], NULL) : 1.0;
    if (mult < 0) mult = 0;
    long n = (long)(mult * (double)ITERS_PER_UNIT);
    unsigned long x = 1;
    for (long i = 0; i < n; i++) {
        x = x * 6364136223846793005UL + (unsigned long)i;
        __asm__ volatile("" : "+r"(x)); /* keep the loop from being folded */
    }
    sink = x; /* keep the result live; always exit 0 */
    return 0;
}
