/*
 * stepcount.h -- in-program markers for `stepcount run --markers`, like callgrind's client
 * requests. Header only, no library: each marker is a one-instruction function (`ret`) that
 * stepcount finds by its symbol and breaks on. Natively they cost a call and a return.
 *
 *   #include "stepcount.h"
 *   stepcount_start();            // or stepcount_start("parse"): the report shows the name
 *   parse(input);
 *   stepcount_stop();
 *
 * With --markers only what a thread executes between its stepcount_start() and
 * stepcount_stop() is counted (per thread; regions nest; one report row per name). Counted:
 * from the instruction after stepcount_start() returns, through the call of stepcount_stop()
 * (its argument setup and `call` included). Without --markers they do nothing.
 * The name must be a string literal with stepcount_start(); use stepcount_start_marker(ptr)
 * for a name computed at run time.
 */
#ifndef STEPCOUNT_H
#define STEPCOUNT_H

#ifdef __cplusplus
extern "C" {
#endif

void stepcount_start_marker(const char *name);
void stepcount_stop_marker(void);

/* Weak definitions in a COMDAT group: any number of translation units may include this
 * header; the linker keeps one copy. Written in assembly so that each is exactly `ret`
 * whatever the compiler flags. */
__asm__(
    ".pushsection .text.stepcount_markers,\"axG\",@progbits,stepcount_markers,comdat\n"
    ".weak stepcount_start_marker\n"
    ".type stepcount_start_marker,@function\n"
    "stepcount_start_marker:\n"
    "  ret\n"
    ".size stepcount_start_marker, .-stepcount_start_marker\n"
    ".weak stepcount_stop_marker\n"
    ".type stepcount_stop_marker,@function\n"
    "stepcount_stop_marker:\n"
    "  ret\n"
    ".size stepcount_stop_marker, .-stepcount_stop_marker\n"
    ".popsection\n");

/* The compiler barriers keep the measured code between the markers. */
static inline __attribute__((always_inline)) void stepcount_start_named_(const char *name) {
  __asm__ volatile("" ::: "memory");
  stepcount_start_marker(name);
  __asm__ volatile("" ::: "memory");
}
static inline __attribute__((always_inline)) void stepcount_stop(void) {
  __asm__ volatile("" ::: "memory");
  stepcount_stop_marker();
  __asm__ volatile("" ::: "memory");
}
/* stepcount_start() or stepcount_start("name") (a string literal). */
#define stepcount_start(...) stepcount_start_named_("" __VA_ARGS__)

#ifdef __cplusplus
}
#endif
#endif /* STEPCOUNT_H */
