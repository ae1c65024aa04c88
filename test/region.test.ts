// Region mode: --function / --start-at / --stop-at / --markers. The program runs natively and
// only the regions are single-stepped; counts are exact by construction (assembly fixtures).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Profile } from '../src/profile.js';
import { record, stepcount, tempDir } from './helpers/cli.js';
import { buildFixture, fixturesDir } from './helpers/fixtures.js';

const WORK = 2002; // work(): mov + 1000 x (dec, jnz) + ret
const dyn = { static: false };

function region(p: Profile, name: string) {
  const r = p.regions!.list.find((x) => x.name === name);
  assert.ok(r, `region ${name} in ${JSON.stringify(p.regions)}`);
  return r!;
}

test('--function work: exactly work()s count per call; the ~1M-instruction setup is not stepped', async () => {
  const bin = await buildFixture('region_work', dyn);
  const { profile, result } = record([bin], ['--function', 'work']);
  assert.is(result.stdout.toString(), 'done 3\n');
  assert.is(result.status, 0);
  const r = region(profile, 'work');
  assert.equal([r.calls, r.total, r.min, r.max, r.recursive], [3, 3 * WORK, WORK, WORK, 0]);
  // Only the region was stepped: the step count is the region's, not the ~1.2M of a full run.
  assert.is(profile.totals.instructions, 3 * WORK);
  assert.is(profile.images.reduce((a, i) => a + i.counts.reduce((x, y) => x + y, 0), 0), 3 * WORK);
  assert.ok(profile.attribution!.functions.some((f) => f.name === 'work' && f.self === 3 * WORK));
});

test('--function with a glob, and the report shows calls and min/mean/max', async () => {
  const bin = await buildFixture('region_work', dyn);
  const r = stepcount(['run', '--function', 'w?r*', '--by', 'function', '--', bin]);
  assert.is(r.status, 0);
  assert.match(r.stderr, /Regions \(--function w\?r\*\)/);
  assert.match(r.stderr, /work\s+3\s+6,006\s+2,002\s+2002\s+2,002\s+region_work/);
});

test('recursion: one region per outermost call, recursive entries counted inside it', async () => {
  const bin = await buildFixture('region_rec', { ...dyn, defines: { DEPTH: 10, CALLS: 2 } });
  const { profile, result } = record([bin], ['--function', 'rec']);
  assert.is(result.stdout.toString(), 'rec done\n');
  const r = region(profile, 'rec');
  assert.equal([r.calls, r.min, r.max, r.recursive], [2, 53, 53, 20]); // 5n + 3, n = 10
  assert.is(profile.totals.instructions, 106);
});

test('4 threads calling work(): every call exact, output unchanged (5 runs: the threads race)', async () => {
  const bin = await buildFixture('region_threads', { ...dyn, pthread: true, defines: { K: 5 } });
  for (let run = 0; run < 5; run++) await threadsRun(bin);
});

async function threadsRun(bin: string) {
  const { profile, result } = record([bin], ['--function', 'work']);
  assert.is(result.stdout.toString(), 'threads ok\n');
  assert.is(result.status, 0);
  const r = region(profile, 'work');
  assert.equal([r.calls, r.total, r.min, r.max], [20, 20 * WORK, WORK, WORK]);
  const counted = profile.processes[0]!.threads.filter((t) => t.instructions > 0);
  assert.is(counted.length, 4);
  for (const t of counted) assert.is(t.instructions, 5 * WORK);
}

test('fork after the breakpoints are set: child traced, counts exact, output unchanged', async () => {
  const bin = await buildFixture('region_fork', dyn);
  const { profile, result } = record([bin], ['--function', 'work']);
  assert.is(result.stdout.toString(), 'child\nparent 3\n');
  assert.is(result.status, 0);
  const r = region(profile, 'work');
  assert.equal([r.calls, r.total, r.min, r.max], [4, 4 * WORK, WORK, WORK]);
  assert.is(profile.processes.length, 2);
});

test('fork with --no-follow: the untraced child has its int3 bytes removed and runs normally', async () => {
  const bin = await buildFixture('region_fork', dyn);
  const { profile, result } = record([bin], ['--no-follow', '--function', 'work']);
  assert.is(result.stdout.toString(), 'child\nparent 3\n');
  const r = region(profile, 'work');
  assert.equal([r.calls, r.total], [2, 2 * WORK]);
});

test('a region in a shared library loaded at start (libc puts via the rendezvous)', async () => {
  const bin = await buildFixture('hello_dyn');
  const full = record([bin]);
  const { profile, result } = record([bin], ['--function', 'printf']);
  assert.is(result.stdout.toString(), 'hello 42\n');
  const r = region(profile, 'printf');
  assert.is(r.calls, 1);
  assert.ok(r.total > 100 && r.total < full.profile.totals.instructions / 2, `printf: ${r.total}`);
  // The same count as printf's inclusive count in a full trace.
  const f = full.profile.attribution!.functions.find((x) => x.name === 'printf');
  assert.ok(f, 'printf in the full trace');
  assert.is(r.total, f!.inclusive);
});

test('--start-at / --stop-at: stepping from the first hit of one to the first hit of the other', async () => {
  const bin = await buildFixture('region_work', { ...dyn, defines: { SETUP: 1000 } });
  const { profile, result } = record([bin], ['--start-at', 'work', '--stop-at', 'printf']);
  assert.is(result.stdout.toString(), 'done 3\n');
  const r = profile.regions!.list.find((x) => x.kind === 'span')!;
  assert.is(r.calls, 1);
  // 3 calls of work, the loop around them, and the lazy binding of printf (ld.so, ~600).
  assert.ok(r.total >= 3 * WORK && r.total < 3 * WORK + 2000, `span: ${r.total}`);
  assert.is(profile.totals.instructions, r.total);
});

test('--markers: per marked region, nestable, named', async () => {
  const bin = await buildFixture('region_markers', dyn);
  const { profile, result } = record([bin], ['--markers']);
  assert.is(result.stdout.toString(), 'markers ok\n');
  const outer = profile.regions!.list.find((x) => x.kind === 'marker' && x.name === 'outer')!;
  const inner = profile.regions!.list.find((x) => x.kind === 'marker' && x.name === '')!;
  // inner: call work + work + call stepcount_stop_marker
  assert.equal([inner.calls, inner.total], [1, WORK + 2]);
  // outer: call work + work + (lea, call, ret of the inner start) + call work + work + call stop + ret + call stop
  assert.equal([outer.calls, outer.total], [1, 2 * WORK + 8]);
});

test('unknown function: one line with close matches, exit 69', async () => {
  const bin = await buildFixture('region_work', dyn);
  const r = stepcount(['run', '--function', 'wrok', '--', bin]);
  assert.is(r.status, 69);
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1);
  assert.match(lines[0]!, /^stepcount: unknown function 'wrok': no such symbol in .*\(close matches: .*work/);
});

test('--function in a library the program loads with dlopen: counted once it is loaded', async () => {
  const dir = tempDir();
  const lib = path.join(dir, 'libsym.so');
  execFileSync('gcc', ['-O0', '-shared', '-fPIC', '-o', lib, path.join(fixturesDir, 'sym_lib.c')]);
  const prog = await buildFixture('sym_prog', { static: false, cflags: ['-ldl'] });
  const { profile, result } = record([prog, '--dlopen', lib], ['--function', 'sym_lib_func']);
  assert.is(result.status, 0);
  const r = region(profile, 'sym_lib_func');
  assert.is(r.calls, 1);
  assert.ok(r.total > 0 && r.total === profile.totals.instructions, 'only the region is counted');
  // a name that no library defines, even after the run, is still an error with close matches
  const bad = stepcount(['run', '--function', 'sym_lib_fnuc', '--', prog, '--dlopen', lib]);
  assert.is(bad.status, 69);
  assert.match(bad.stderr, /^stepcount: unknown function 'sym_lib_fnuc': no such symbol in .* or any library it loaded/);
});

test('--markers on a program without markers: one line, exit 69', async () => {
  const bin = await buildFixture('region_work', dyn);
  const r = stepcount(['run', '--markers', '--', bin]);
  assert.is(r.status, 69);
  assert.match(r.stderr, /no stepcount markers/);
});

test.run();
