// Real multi-process and multi-thread programs, exit statuses, stdio pass-through, determinism.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Profile } from '../src/profile.js';
import { cliPath, record, stepcount, tempDir } from './helpers/cli.js';
import { buildFixture } from './helpers/fixtures.js';

function sumsAddUp(p: Profile) {
  const procSum = p.processes.reduce((a, x) => a + x.instructions, 0);
  assert.is(procSum, p.totals.instructions, 'processes sum to the total');
  for (const proc of p.processes) {
    assert.is(proc.threads.reduce((a, t) => a + t.instructions, 0), proc.instructions, `threads of ${proc.pid} sum to it`);
  }
  const imageSum = p.images.reduce((a, i) => a + i.counts.reduce((x, y) => x + y, 0), 0);
  assert.is(imageSum, p.totals.instructions, 'per-address counts sum to the total');
}

test('fork + exec tree: every process counted, root exit status passes through', async () => {
  const bin = await buildFixture('forkexec');
  const { profile, result } = record([bin]);
  assert.is(result.status, 7);
  assert.is(profile.processes.length, 3);
  const [root, c1, c2] = profile.processes;
  assert.is(root!.exit!.code, 7);
  assert.is(c1!.ppid, root!.pid);
  assert.is(c2!.ppid, root!.pid);
  assert.is(c1!.exe, '/usr/bin/true');
  assert.is(c1!.exit!.code, 0);
  assert.is(c2!.exit!.code, 3);
  // child 1 has two images: the forked copy of the parent, then /bin/true after exec
  assert.is(c1!.images.length, 2);
  // the maps snapshot that ends the first image is taken before the exec, not after it
  const [forked, exec] = c1!.images.map((i) => profile.images[i]!);
  assert.match(forked!.maps.exit, new RegExp(path.basename(bin)));
  assert.not.match(forked!.maps.exit, /\/usr\/bin\/true/);
  assert.match(exec!.maps.start, /\/usr\/bin\/true/);
  for (const proc of profile.processes) assert.ok(proc.instructions > 0);
  sumsAddUp(profile);
});

test('--no-follow traces only the first process; children still run', async () => {
  const bin = await buildFixture('forkexec');
  const { profile, result } = record([bin], ['--no-follow']);
  assert.is(result.status, 7, 'children ran (the parent checks their exit codes)');
  assert.is(profile.processes.length, 1);
  sumsAddUp(profile);
});

test('8 threads (and a pair spinning on a flag) are all stepped to completion', async () => {
  const bin = await buildFixture('threads', { defines: { SPIN: '1000UL' } });
  const { profile, result } = record([bin]);
  assert.is(result.status, 0, 'workers computed the right counters');
  assert.is(profile.processes.length, 1);
  const threads = profile.processes[0]!.threads;
  assert.is(threads.length, 11, 'main + 8 workers + waiter + setter');
  for (const t of threads) assert.ok(t.instructions > 0, `thread ${t.tid} counted`);
  // worker i spins (i+1)*1000 iterations of a 6-instruction loop body or so: they are ordered
  const workers = threads.slice(1, 9).map((t) => t.instructions);
  for (let i = 1; i < workers.length; i++) assert.ok(workers[i]! > workers[i - 1]!, 'longer loops, more instructions');
  sumsAddUp(profile);
});

test('a dynamic glibc program gives the identical count over 5 runs', async () => {
  const bin = await buildFixture('hello_dyn');
  const counts = new Set<number>();
  for (let i = 0; i < 5; i++) {
    const { profile, result } = record([bin]);
    assert.is(result.stdout.toString(), 'hello 42\n');
    assert.is(result.status, 0);
    counts.add(profile.totals.instructions);
  }
  assert.is(counts.size, 1, `counts: ${[...counts].join(', ')}`);
});

test('stdin and stdout pass through byte-exact (a file piped through cat)', () => {
  const bytes = Buffer.alloc(200_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
  const r = stepcount(['run', '-q', '--', 'cat'], { input: bytes });
  assert.is(r.status, 0);
  assert.ok(r.stdout.equals(bytes), 'same bytes out as in');
  assert.is(r.stderr, '');
});

test('the command writes its own stderr; stepcount report follows on stderr', async () => {
  const bin = await buildFixture('write_hello');
  const r = stepcount(['run', '--', bin]);
  assert.is(r.stdout.toString(), 'hello\n');
  assert.match(r.stderr, /instructions\s+8\n/);
});

test('killed by a signal: stepcount exits 128+N', async () => {
  const bin = await buildFixture('sigkill_self');
  const { profile, result } = record([bin]);
  assert.is(result.status, 143);
  assert.equal(profile.exit, { code: null, signal: 15, coreDumped: false, status: 143 });
});

test('SIGSTOP/SIGCONT sent to the command stop and resume it, as without stepcount', async () => {
  const bin = await buildFixture('stopself');
  const { result } = record([bin]);
  assert.is(result.status, 0);
});

test('the profile records command, argv, cwd, env hash, host and ASLR off', async () => {
  const bin = await buildFixture('exitcode');
  const dir = tempDir();
  const out = path.join(dir, 'p.json');
  writeFileSync(path.join(dir, 'placeholder'), '');
  const r = stepcount(['run', '-q', '-o', out, '--', bin, 'arg one'], { cwd: dir, env: { PATH: '/usr/bin:/bin', A: '1' } });
  assert.is(r.status, 42);
  const p = JSON.parse(readFileSync(out, 'utf8')) as Profile;
  assert.is(p.schema, 1);
  assert.is(p.command, bin);
  assert.equal(p.argv, [bin, 'arg one']);
  assert.is(p.cwd, dir);
  assert.is(p.env.count, 2);
  assert.match(p.env.sha256, /^[0-9a-f]{64}$/);
  assert.is(p.aslr, false);
  assert.is(p.complete, true);
  assert.ok(p.host.kernel.length > 0);
  assert.match(p.images[0]!.maps.start, new RegExp(bin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
});

test('where personality(2) is forbidden (a container), one warning, the run goes on, aslr: true', async () => {
  const deny = await buildFixture('deny_personality');
  const bin = await buildFixture('exitcode');
  const out = path.join(tempDir(), 'p.json');
  const r = spawnSync(deny, [process.execPath, cliPath, 'run', '--by', 'object', '-o', out, '--', bin], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.is(r.status, 42, r.stderr);
  assert.is(r.stderr.match(/warning: cannot disable ASLR/g)?.length, 1, r.stderr);
  const p = JSON.parse(readFileSync(out, 'utf8')) as Profile;
  assert.is(p.aslr, true);
  assert.is(p.totals.instructions, 3, 'counting is unaffected');
});

test.run();
