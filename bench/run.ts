/**
 * stepcount benchmark: compares stepcount's tracing speed with the physical
 * limit of ptrace single-stepping (bench/rawloop.c), and checks stepcount's
 * peak memory.
 *
 *   npm run bench                       (= tsc -p . && node dist/bench/run.js)
 *   node dist/bench/run.js [--rounds N] [--quick] [--cpu N] [--raw-only] [--no-memory]
 *
 * Everything is a report: the exit code is 0 even when targets are missed
 * (non-zero only if the benchmark itself cannot run, e.g. gcc is missing).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------- options

interface Options {
  rounds: number;
  quick: boolean;
  cpu: number | null;
  rawOnly: boolean;
  memory: boolean;
}

function usage(msg?: string): never {
  if (msg) console.error(`bench: ${msg}`);
  console.error(
    'usage: node dist/bench/run.js [--rounds N] [--quick] [--cpu N] [--raw-only] [--no-memory]\n' +
      '  --rounds N   rounds per workload and mode (default 3; 1 with --quick)\n' +
      '  --quick      smaller workloads (~0.5M steps), 1 round, smaller memory runs\n' +
      '  --cpu N      CPU for the pinned raw loop (default: last allowed CPU)\n' +
      '  --raw-only   only run the raw ptrace loop (no stepcount)\n' +
      '  --no-memory  skip the peak-RSS check',
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rounds: 0, quick: false, cpu: null, rawOnly: false, memory: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--rounds') {
      const n = Number(next());
      if (!Number.isInteger(n) || n < 1) usage('--rounds must be a positive integer');
      o.rounds = n;
    } else if (a === '--quick') o.quick = true;
    else if (a === '--cpu') {
      const n = Number(next());
      if (!Number.isInteger(n) || n < 0) usage('--cpu must be a CPU number');
      o.cpu = n;
    } else if (a === '--raw-only') o.rawOnly = true;
    else if (a === '--no-memory') o.memory = false;
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown argument ${a}`);
  }
  if (o.rounds === 0) o.rounds = o.quick ? 1 : 3;
  return o;
}

// ---------------------------------------------------------------- helpers

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('bench: cannot find package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmtRate(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a';
}

function fmtInt(x: number): string {
  return Number.isFinite(x) ? x.toLocaleString('en-US') : 'n/a';
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
      return i === 0 ? line + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') : line;
    })
    .join('\n');
}

function log(msg: string): void {
  process.stderr.write(msg + '\n');
}

/** Parses a Linux CPU list such as "0-3,6,8-9". */
function parseCpuList(s: string): number[] {
  const out: number[] = [];
  for (const part of s.trim().split(',')) {
    if (!part) continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    for (let c = lo; c <= hi; c++) out.push(c);
  }
  return out;
}

function allowedCpus(): number[] {
  try {
    const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) {
      const l = parseCpuList(m[1]);
      if (l.length) return l;
    }
  } catch {
    /* fall through */
  }
  const r = spawnSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' });
  if (r.status === 0) {
    const m = /:\s*([\d,\-]+)\s*$/.exec(r.stdout);
    if (m) {
      const l = parseCpuList(m[1]);
      if (l.length) return l;
    }
  }
  return [0];
}

// ---------------------------------------------------------------- build

interface Built {
  rawloop: string;
  loop: string;
  dyn: string;
}

function gcc(args: string[]): void {
  const r = spawnSync('gcc', args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    log(`bench: gcc ${args.join(' ')} failed:\n${r.error?.message ?? ''}${r.stderr ?? ''}`);
    process.exit(1);
  }
}

function build(root: string, outDir: string): Built {
  mkdirSync(outDir, { recursive: true });
  const src = join(root, 'bench');
  const b: Built = {
    rawloop: join(outDir, 'rawloop'),
    loop: join(outDir, 'loop'),
    dyn: join(outDir, 'dyn'),
  };
  gcc(['-O2', '-Wall', '-o', b.rawloop, join(src, 'rawloop.c')]);
  gcc(['-O1', '-static', '-Wall', '-o', b.loop, join(src, 'workloads', 'loop.c')]);
  gcc(['-O1', '-Wall', '-o', b.dyn, join(src, 'workloads', 'dyn.c')]);
  return b;
}

// ---------------------------------------------------------------- runners

interface RawResult {
  steps: number;
  seconds: number;
  rate: number;
}

function runRaw(rawloop: string, cmd: string[], cpu: number | null, regs = false): RawResult {
  // --no-aslr: stepcount disables ASLR by default; without it the dynamic
  // workload's count occasionally varies by a few dozen instructions.
  const args = [...(cpu === null ? [] : ['--pin', String(cpu)]), '--no-aslr', ...(regs ? ['--regs'] : []), '--', ...cmd];
  const r = spawnSync(rawloop, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`rawloop: ${r.error.message}`);
  const line = r.stderr
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"steps"'));
  if (r.status !== 0 || !line) throw new Error(`rawloop failed (status ${r.status}): ${r.stderr.trim()}`);
  const j = JSON.parse(line) as { steps: number; seconds: number; exitCode: number };
  if (j.exitCode !== 0) log(`  warning: workload exited with ${j.exitCode} under rawloop`);
  return { steps: j.steps, seconds: j.seconds, rate: j.seconds > 0 ? j.steps / j.seconds : NaN };
}

interface ScResult {
  instructions: number;
  seconds: number; // tracing time from the profile (wallTimeMs)
  outerSeconds: number; // whole `node bin/stepcount.js` invocation
  rate: number;
}

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

function readProfile(file: string): { instructions: number; wallTimeMs: number } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const totals = (p.totals ?? {}) as Record<string, unknown>;
  const instructions = num(totals.instructions);
  // wallTimeMs is expected at the top level; accept it under totals/meta too.
  const meta = (p.meta ?? {}) as Record<string, unknown>;
  const wallTimeMs = num(p.wallTimeMs) ?? num(totals.wallTimeMs) ?? num(meta.wallTimeMs);
  if (instructions === undefined) throw new Error(`${file}: no numeric totals.instructions`);
  if (wallTimeMs === undefined) throw new Error(`${file}: no numeric wallTimeMs`);
  return { instructions, wallTimeMs };
}

function stepcountArgs(root: string, out: string, cmd: string[]): string[] {
  return [join(root, 'bin', 'stepcount.js'), 'run', '--quiet', '-o', out, '--', ...cmd];
}

function runStepcount(root: string, tmp: string, cmd: string[]): ScResult {
  const out = join(tmp, `profile-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, stepcountArgs(root, out, cmd), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  const outerSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw new Error(`stepcount: ${r.error.message}`);
  if (!existsSync(out)) {
    throw new Error(`stepcount wrote no profile (status ${r.status}): ${r.stderr.trim().slice(-2000)}`);
  }
  if (r.status !== 0) log(`  warning: stepcount exited with status ${r.status}`);
  const { instructions, wallTimeMs } = readProfile(out);
  rmSync(out, { force: true });
  const seconds = wallTimeMs / 1000;
  return { instructions, seconds, outerSeconds, rate: seconds > 0 ? instructions / seconds : NaN };
}

function stepcountWorks(root: string, tmp: string): string | null {
  if (!existsSync(join(root, 'bin', 'stepcount.js'))) return 'bin/stepcount.js is missing';
  if (!existsSync(join(root, 'dist', 'src', 'cli.js'))) return 'dist/src/cli.js is missing (build first)';
  try {
    runStepcount(root, tmp, ['/bin/true']);
    return null;
  } catch (e) {
    return `\`stepcount run -- /bin/true\` failed: ${(e as Error).message}`;
  }
}

// ---------------------------------------------------------------- memory

interface MemResult {
  peakKB: number;
  method: string;
  instructions: number | null;
}

function timeWorks(): boolean {
  if (!existsSync('/usr/bin/time')) return false;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /^\d+\s*$/m.test(r.stderr);
}

/** Peak RSS via GNU time: ru_maxrss of node (max with its reaped children). */
function memWithTime(root: string, tmp: string, cmd: string[]): MemResult {
  const out = join(tmp, `mem-${Date.now()}.json`);
  const tfile = join(tmp, `time-${Date.now()}.txt`);
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', tfile, process.execPath, ...stepcountArgs(root, out, cmd)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  if (r.error) throw new Error(`/usr/bin/time: ${r.error.message}`);
  const m = /(\d+)\s*$/.exec(existsSync(tfile) ? readFileSync(tfile, 'utf8') : '');
  if (!m) throw new Error(`/usr/bin/time gave no %M output: ${r.stderr.trim().slice(-1000)}`);
  let instructions: number | null = null;
  try {
    instructions = readProfile(out).instructions;
  } catch {
    /* report memory anyway */
  }
  rmSync(out, { force: true });
  rmSync(tfile, { force: true });
  return { peakKB: Number(m[1]), method: '/usr/bin/time %M', instructions };
}

function statusKB(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop() as number;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/)) {
          if (c) {
            out.push(Number(c));
            stack.push(Number(c));
          }
        }
      } catch {
        /* task gone */
      }
    }
  }
  return out;
}

/** Fallback: poll /proc; peak = max(VmHWM of node, max sampled sum of RSS over node + its helpers). */
async function memWithPolling(root: string, tmp: string, cmd: string[]): Promise<MemResult> {
  const out = join(tmp, `mem-${Date.now()}.json`);
  const child = spawn(process.execPath, stepcountArgs(root, out, cmd), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('spawn of stepcount failed');
  let hwm = 0;
  let treeMax = 0;
  const sample = (): void => {
    hwm = Math.max(hwm, statusKB(pid, 'VmHWM'));
    // The tracee (a workload) is a descendant too; it is tiny, and including it
    // only makes the figure more conservative.
    const sum = [pid, ...descendants(pid)].reduce((s, p) => s + statusKB(p, 'VmRSS'), 0);
    treeMax = Math.max(treeMax, sum);
  };
  const timer = setInterval(sample, 50);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(timer);
  if (hwm === 0 && treeMax === 0) throw new Error(`could not sample /proc/${pid}/status (exit ${code}): ${stderr}`);
  let instructions: number | null = null;
  try {
    instructions = readProfile(out).instructions;
  } catch {
    /* report memory anyway */
  }
  rmSync(out, { force: true });
  return { peakKB: Math.max(hwm, treeMax), method: '/proc VmHWM/VmRSS polling', instructions };
}

// ---------------------------------------------------------------- main

interface Workload {
  name: string;
  cmd: string[];
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const root = findRoot();
  const tmp = mkdtempSync(join(tmpdir(), 'stepcount-bench-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  // Not <root>/build/: `node-gyp rebuild` deletes that directory wholesale,
  // which would pull the binaries out from under a running benchmark.
  const buildDir = join(tmp, 'build');

  log(`bench: building into ${buildDir}`);
  const b = build(root, buildDir);

  const cpus = allowedCpus();
  const pinCpu = opts.cpu ?? cpus[cpus.length - 1];
  if (!cpus.includes(pinCpu)) log(`bench: warning: CPU ${pinCpu} is not in the allowed set ${cpus.join(',')}`);

  let withSc = !opts.rawOnly;
  if (withSc) {
    const why = stepcountWorks(root, tmp);
    if (why) {
      log(`bench: stepcount unavailable (${why}); measuring the raw loop only`);
      withSc = false;
    }
  }

  const mult = opts.quick ? '0.2' : '1';
  const workloads: Workload[] = [
    { name: `loop ${mult} (static)`, cmd: [b.loop, mult] },
    { name: `dyn ${mult} (dynamic)`, cmd: [b.dyn, mult] },
  ];

  log(
    `bench: ${opts.rounds} round(s); allowed CPUs ${cpus.join(',')}; raw pinned to CPU ${pinCpu}; ` +
      `modes: raw unpinned, raw pinned, raw pinned + GETREGS${withSc ? ', stepcount' : ''} (alternating)`,
  );

  const rows: string[][] = [
    ['workload', 'raw unpinned/s', 'raw pinned/s', 'raw+GETREGS/s', 'stepcount/s', 'sc/best-raw', 'target >= 0.95', 'sc/raw+GETREGS'],
  ];
  const countRows: string[][] = [['workload', 'raw steps', 'stepcount instructions', 'sc - raw', 'agree?']];

  let failures = 0;
  for (const w of workloads) {
    const unpinned: RawResult[] = [];
    const pinned: RawResult[] = [];
    const withRegs: RawResult[] = [];
    const sc: ScResult[] = [];
    // A failed run (e.g. dist/ being rebuilt under us) is logged and left out
    // of the medians rather than aborting the whole report.
    const attempt = <T>(label: string, f: () => T): T | null => {
      try {
        return f();
      } catch (e) {
        failures++;
        log(`  ${label}: FAILED: ${(e as Error).message.split('\n').slice(0, 6).join('\n    ')}`);
        return null;
      }
    };
    for (let r = 1; r <= opts.rounds; r++) {
      const tag = `${w.name} round ${r}`;
      const u = attempt(`${tag}: raw unpinned`, () => runRaw(b.rawloop, w.cmd, null));
      if (u) {
        unpinned.push(u);
        log(`  ${tag}: raw unpinned  ${fmtInt(u.steps)} steps in ${u.seconds.toFixed(2)} s = ${fmtRate(u.rate)}/s`);
      }
      const p = attempt(`${tag}: raw pinned`, () => runRaw(b.rawloop, w.cmd, pinCpu));
      if (p) {
        pinned.push(p);
        log(`  ${tag}: raw pinned    ${fmtInt(p.steps)} steps in ${p.seconds.toFixed(2)} s = ${fmtRate(p.rate)}/s`);
      }
      const g = attempt(`${tag}: raw pinned + GETREGS`, () => runRaw(b.rawloop, w.cmd, pinCpu, true));
      if (g) {
        withRegs.push(g);
        log(`  ${tag}: raw + GETREGS  ${fmtInt(g.steps)} steps in ${g.seconds.toFixed(2)} s = ${fmtRate(g.rate)}/s`);
      }
      if (withSc) {
        const s = attempt(`${tag}: stepcount`, () => runStepcount(root, tmp, w.cmd));
        if (s) {
          sc.push(s);
          log(
            `  ${tag}: stepcount     ${fmtInt(s.instructions)} instr in ${s.seconds.toFixed(2)} s ` +
              `(whole command ${s.outerSeconds.toFixed(2)} s) = ${fmtRate(s.rate)}/s`,
          );
        }
      }
    }
    const mu = median(unpinned.map((x) => x.rate));
    const mp = median(pinned.map((x) => x.rate));
    const best = Math.max(mu, mp);
    const ms = withSc ? median(sc.map((x) => x.rate)) : NaN;
    const ratio = ms / best;
    const ok = Number.isFinite(ratio);
    const mg = median(withRegs.map((x) => x.rate));
    rows.push([
      w.name,
      fmtRate(mu),
      fmtRate(mp),
      fmtRate(mg),
      withSc ? fmtRate(ms) : 'n/a',
      ok ? ratio.toFixed(3) : 'n/a',
      ok ? (ratio >= 0.95 ? 'MET' : 'MISSED') : withSc ? 'NO DATA' : 'n/a',
      ok && Number.isFinite(mg) ? (ms / mg).toFixed(3) : 'n/a',
    ]);

    const rawSteps = [...new Set([...unpinned, ...pinned].map((x) => x.steps))];
    const scInstr = [...new Set(sc.map((x) => x.instructions))];
    const rawMed = median([...unpinned, ...pinned].map((x) => x.steps));
    const scMed = median(sc.map((x) => x.instructions));
    const diff = scMed - rawMed;
    const haveCounts = withSc && Number.isFinite(diff);
    countRows.push([
      w.name,
      rawSteps.map(fmtInt).join(' / '),
      haveCounts ? scInstr.map(fmtInt).join(' / ') : 'n/a',
      haveCounts ? (diff >= 0 ? '+' : '') + fmtInt(diff) : 'n/a',
      haveCounts ? (Math.abs(diff) <= 2 ? 'yes' : Math.abs(diff) <= rawMed * 0.001 ? 'close (<0.1%)' : 'NO') : 'n/a',
    ]);
  }

  console.log('\nSpeed (medians over rounds; steps/s = instructions / tracing seconds)\n');
  console.log(table(rows));
  console.log('\nStep counts (raw loop does not count the final exit_group syscall, so expect sc - raw = +1)\n');
  console.log(table(countRows));
  if (failures) console.log(`\n${failures} run(s) FAILED and were left out of the medians (see the log above).`);

  if (opts.memory && withSc) {
    const bigMult = opts.quick ? '0.8' : '4';
    const smallMult = opts.quick ? '0.1' : '0.4';
    const useTime = timeWorks();
    log(`\nbench: memory check via ${useTime ? '/usr/bin/time' : '/proc polling'} (loop ${bigMult} and loop ${smallMult})`);
    const memRows: string[][] = [['run', 'instructions', 'peak RSS MB', 'target <= 150 MB']];
    for (const m of [smallMult, bigMult]) {
      const cmd = [b.loop, m];
      try {
        const r = useTime ? memWithTime(root, tmp, cmd) : await memWithPolling(root, tmp, cmd);
        const mb = r.peakKB / 1024;
        memRows.push([
          `stepcount run -- loop ${m}`,
          r.instructions === null ? 'n/a' : fmtInt(r.instructions),
          mb.toFixed(1),
          mb <= 150 ? 'MET' : 'MISSED',
        ]);
        log(`  loop ${m}: peak RSS ${mb.toFixed(1)} MB (${r.method})`);
      } catch (e) {
        memRows.push([`stepcount run -- loop ${m}`, 'error', 'n/a', (e as Error).message.slice(0, 60)]);
      }
    }
    console.log(`\nPeak memory of stepcount (${useTime ? '/usr/bin/time %M' : '/proc polling'}); should not grow with steps\n`);
    console.log(table(memRows));
  } else if (opts.memory) {
    console.log('\nPeak memory: skipped (stepcount unavailable)');
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error).stack ?? String(e)}`);
  process.exit(1);
});
