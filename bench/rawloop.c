/*
 * rawloop: the physical limit of ptrace single-stepping on this machine.
 *
 *   rawloop [--pin CPU] [--no-aslr] [--regs] -- prog args...
 *
 * --regs adds one PTRACE_GETREGS per step: the floor for any tracer that looks at the
 * registers (stepcount must: rip for the address, orig_rax for syscalls, rsp for calls).
 *
 * Forks; the child does PTRACE_TRACEME (and, with --pin, pins itself to CPU)
 * (with --no-aslr, sets personality(ADDR_NO_RANDOMIZE), as stepcount does by
 * default, so that counts of dynamic programs are reproducible) then execv()s prog. The parent (also pinned with --pin) catches the exec
 * SIGTRAP and then does nothing but
 *     ptrace(PTRACE_SINGLESTEP, pid, 0, sig); waitpid(pid, &st, 0);
 * counting the SIGTRAP stops until the child exits. The final exit_group
 * syscall instruction does not produce a stop, so it is not counted.
 *
 * Prints one line of JSON on stderr:
 *   {"steps":N,"seconds":S,"stepsPerSec":R,"exitCode":C,"signal":G,"cpu":P}
 * (cpu is -1 when unpinned.) Exit status: 0 if tracing worked, 2 on error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(void) {
    fprintf(stderr, "usage: rawloop [--pin CPU] [--no-aslr] [--regs] -- prog args...\n");
    exit(2);
}

static int pin_to(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

int main(int argc, char **argv) {
    int cpu = -1;
    int no_aslr = 0;
    int regs = 0;
    struct user_regs_struct r;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) { i++; break; }
        if (strcmp(argv[i], "--no-aslr") == 0) {
            no_aslr = 1;
        } else if (strcmp(argv[i], "--regs") == 0) {
            regs = 1;
        } else if (strcmp(argv[i], "--pin") == 0 && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 0 || v >= CPU_SETSIZE) usage();
            cpu = (int)v;
        } else {
            usage();
        }
    }
    if (i >= argc) usage();
    char **prog = &argv[i];

    if (cpu >= 0 && pin_to(cpu) != 0) {
        fprintf(stderr, "rawloop: sched_setaffinity(%d): %s\n", cpu, strerror(errno));
        return 2;
    }

    pid_t pid = fork();
    if (pid < 0) { perror("rawloop: fork"); return 2; }
    if (pid == 0) {
        /* affinity is inherited across fork, but be explicit */
        if (cpu >= 0 && pin_to(cpu) != 0) _exit(126);
        if (no_aslr && personality(ADDR_NO_RANDOMIZE) == -1) _exit(126);
        if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) _exit(126);
        execv(prog[0], prog);
        fprintf(stderr, "rawloop: execv %s: %s\n", prog[0], strerror(errno));
        _exit(127);
    }

    int st;
    if (waitpid(pid, &st, 0) != pid) { perror("rawloop: waitpid"); return 2; }
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP) {
        fprintf(stderr, "rawloop: child did not stop at exec (status 0x%x)\n", st);
        return 2;
    }
    /* Kill the tracee if we die; harmless if unsupported. */
    ptrace(PTRACE_SETOPTIONS, pid, 0, (void *)(long)PTRACE_O_EXITKILL);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    unsigned long long steps = 0;
    long sig = 0;
    for (;;) {
        if (ptrace(PTRACE_SINGLESTEP, pid, 0, (void *)sig) != 0) {
            perror("rawloop: PTRACE_SINGLESTEP");
            return 2;
        }
        if (waitpid(pid, &st, 0) != pid) { perror("rawloop: waitpid"); return 2; }
        if (WIFSTOPPED(st)) {
            int s = WSTOPSIG(st);
            if (regs) ptrace(PTRACE_GETREGS, pid, 0, &r);
            if (s == SIGTRAP) { steps++; sig = 0; }
            else sig = s; /* deliver real signals on the next step */
            continue;
        }
        break; /* exited or killed */
    }

    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    int term = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
    fprintf(stderr,
            "{\"steps\":%llu,\"seconds\":%.6f,\"stepsPerSec\":%.1f,\"exitCode\":%d,\"signal\":%d,\"cpu\":%d}\n",
            steps, secs, secs > 0 ? (double)steps / secs : 0.0, code, term, cpu);
    return 0;
}
