/**
 * Test-fixture helpers: compile test/fixtures/<name>.c with gcc at test time
 * (cached under os.tmpdir()), plus the by-construction instruction counts of
 * the static fixtures. See the comment at the top of each .c file for the
 * arithmetic behind every formula below.
 */
import { execFile as execFileCb } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFile = promisify(execFileCb);

export interface BuildOptions {
  /** Static, -nostdlib, asm-only build. Defaults to true for the static fixtures. */
  static?: boolean;
  /** -D macros, e.g. { ITER: 1000 } -> -DITER=1000 */
  defines?: Record<string, string | number>;
  /** Link with -pthread (dynamic builds only). Defaults to true for "threads". */
  pthread?: boolean;
  /** Extra gcc flags, after the defaults (e.g. ['-O0', '-g']). */
  cflags?: string[];
}

/** Fixtures whose instruction count is fixed by construction (static, -nostdlib). */
export const STATIC_FIXTURES: ReadonlySet<string> = new Set([
  'loop',
  'repmovsb',
  'exitcode',
  'sigkill_self',
  'sighandler',
  'write_hello',
  'dots',
]);

/** Fixtures that are ordinary dynamic glibc programs (counts not fixed). */
export const DYNAMIC_FIXTURES: ReadonlySet<string> = new Set([
  'forkexec',
  'threads',
  'hello_dyn',
  'stopself',
]);

const STATIC_FLAGS = ['-static', '-nostdlib', '-O0', '-fno-pie', '-no-pie'];
const DYNAMIC_FLAGS = ['-O1'];

function findProjectRoot(startDir: string): string {
  let dir = startDir;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`fixtures: no package.json found above ${startDir}`);
    }
    dir = parent;
  }
}

/** Project root (directory containing package.json), found by walking up from this module. */
export const projectRoot: string = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));
/** Directory holding the fixture C sources. */
export const fixturesDir: string = path.join(projectRoot, 'test', 'fixtures');
/** Cache directory for compiled fixtures. */
export const cacheDir: string = path.join(os.tmpdir(), 'stepcount-fixtures');

const inFlight = new Map<string, Promise<string>>();

function gccArgs(name: string, opts: BuildOptions): string[] {
  const isStatic = opts.static ?? STATIC_FIXTURES.has(name);
  const pthread = opts.pthread ?? name === 'threads';
  const args = [...(isStatic ? STATIC_FLAGS : DYNAMIC_FLAGS)];
  if (pthread && !isStatic) args.push('-pthread');
  const defines = opts.defines ?? {};
  for (const key of Object.keys(defines).sort()) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new Error(`fixtures: invalid macro name ${JSON.stringify(key)}`);
    }
    args.push(`-D${key}=${String(defines[key])}`);
  }
  args.push(...(opts.cflags ?? []));
  return args;
}

/**
 * Compile test/fixtures/<name>.c (cached) and return the absolute path of the
 * executable. The cache key covers the name, the gcc flags and the source text,
 * so edited fixtures are rebuilt automatically.
 */
export async function buildFixture(name: string, opts: BuildOptions = {}): Promise<string> {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new Error(`fixtures: invalid fixture name ${JSON.stringify(name)}`);
  }
  const src = path.join(fixturesDir, `${name}.c`);
  const flags = gccArgs(name, opts);
  let source: Buffer;
  try {
    source = await readFile(src);
  } catch (err) {
    throw new Error(`fixtures: cannot read fixture source ${src}: ${(err as Error).message}`);
  }
  const h = createHash('sha256').update(name).update('\0').update(flags.join('\0')).update('\0').update(source);
  // Local headers (#include "x.h" in the fixtures directory) are part of the source too.
  for (const m of source.toString('utf8').matchAll(/^#include "([\w./-]+)"/gm)) {
    h.update('\0').update(await readFile(path.join(fixturesDir, m[1]!)));
  }
  const hash = h.digest('hex').slice(0, 16);
  const out = path.join(cacheDir, `${name}-${hash}`);

  const pending = inFlight.get(out);
  if (pending) return pending;

  const job = (async (): Promise<string> => {
    try {
      if ((await stat(out)).isFile()) return out;
    } catch {
      /* not cached yet */
    }
    await mkdir(cacheDir, { recursive: true });
    // Build to a unique temp name, then rename atomically, so concurrent test
    // processes never observe a half-written executable.
    const tmp = `${out}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await execFile('gcc', [...flags, '-o', tmp, src], { maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      await rm(tmp, { force: true });
      const e = err as { stderr?: string; message?: string };
      const detail = e.stderr && e.stderr.trim() !== '' ? e.stderr : (e.message ?? String(err));
      throw new Error(`fixtures: gcc failed for ${name}.c (${flags.join(' ')}):\n${detail}`);
    }
    await rename(tmp, out);
    return out;
  })();
  inFlight.set(out, job);
  try {
    return await job;
  } finally {
    inFlight.delete(out);
  }
}

/**
 * Exact user-mode instruction counts of the static fixtures, by construction
 * (each rep iteration counts once; the final exit syscall counts). Verified
 * against raw PTRACE_SINGLESTEP counting and, except where noted, valgrind lackey.
 */
export const expected = {
  /** loop.c with -DITER=n: 3 setup + 2 per iteration + 3 exit. */
  loop: (n: number): number => 2 * n + 6,
  /**
   * repmovsb.c with -DBYTES=n: 3 setup + max(n,1) rep steps + 3 exit.
   * With n = 0 the rep instruction still retires once.
   */
  repmovsb: (n: number): number => Math.max(n, 1) + 6,
  /**
   * What valgrind lackey reports for repmovsb.c (NOT the stepcount truth):
   * VEX re-enters the rep instruction once more for the final rcx==0 check,
   * so lackey says n + 7 for n >= 1 (7 for n = 0), one more than hardware.
   */
  repmovsbLackey: (n: number): number => n + 7,
  /** exitcode.c: mov, mov, syscall; exit status 42. */
  exitcode: 3,
  /** sigkill_self.c: getpid (2) + 3 movs + kill syscall; dies by SIGTERM. */
  sigkill_self: 6,
  /**
   * sighandler.c with -DHLOOP=k (default 5): 6 (rt_sigaction) + 6 (getpid+kill)
   * + handler (2k + 2) + restorer (2) + exit (3).
   */
  sighandler: (k = 5): number => 2 * k + 19,
  /** write_hello.c: 5 (write) + 3 (exit); prints "hello\n". */
  write_hello: 8,
  /** dots.c with -DDOTS=d -DSPIN=s: 2 setup + d * (2s + 9) + 3 exit. */
  dots: (d: number, s: number): number => d * (2 * s + 9) + 5,
} as const;

/** Exit statuses of the fixtures (number = exit code; string = terminating signal). */
export const expectedExit = {
  loop: 0,
  repmovsb: 0,
  exitcode: 42,
  sigkill_self: 'SIGTERM',
  sighandler: 0,
  write_hello: 0,
  forkexec: 7,
  threads: 0,
  hello_dyn: 0,
  stopself: 0,
} as const;
