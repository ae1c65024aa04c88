// Attach to a running process, step it, detach: it carries on and exits normally.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Profile } from '../src/profile.js';
import { exited, sleep, stepcount, tempDir } from './helpers/cli.js';
import { buildFixture } from './helpers/fixtures.js';

test('attach for 1 s, detach: the process keeps running, gets its signals, exits 42', async () => {
  const bin = await buildFixture('region_attach_loop', { static: false, defines: { RUN_MS: 3000 } });
  const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 100 && !out.includes('ready'); i++) await sleep(20);
  const file = path.join(tempDir(), 'p.json');
  const t0 = Date.now();
  const r = stepcount(['attach', String(child.pid), '--duration', '1s', '-q', '-o', file]);
  assert.is(r.status, 0, r.stderr);
  assert.ok(Date.now() - t0 < 2500, 'detached after about 1 s');
  child.kill('SIGUSR1');
  const e = await exited(child);
  assert.is(e.status, 42, `signal ${e.signal} out ${JSON.stringify(out)}`);
  assert.is(out, 'ready\ndone 1\n');
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  assert.ok(p.totals.instructions > 0);
  assert.is(p.attached!.pid, child.pid);
  assert.is(p.attached!.detached, true);
  assert.ok(p.attached!.durationMs >= 900);
  assert.is(p.processes[0]!.exit, null);
  const report = stepcount(['report', '--by', 'object', file]).stdout.toString();
  assert.match(report, /exit status\s+none \(detached; the process kept running\)/);
});

test('run -p PID --function: counts only the region, then detaches', async () => {
  const bin = await buildFixture('region_attach_loop', { static: false, defines: { RUN_MS: 2500 } });
  const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 100 && !out.includes('ready'); i++) await sleep(20);
  const file = path.join(tempDir(), 'p.json');
  const r = stepcount(['run', '-p', String(child.pid), '--function', 'nanosleep', '--duration', '700ms', '-q', '-o', file]);
  assert.is(r.status, 0, r.stderr);
  const e = await exited(child);
  assert.is(e.status, 42, `signal ${e.signal} out ${JSON.stringify(out)}`);
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const reg = p.regions!.list.find((x) => x.name === 'nanosleep')!;
  assert.ok(reg.calls > 5, `calls ${reg.calls}`);
  // (a call cut short by the detach is counted too, as far as it got)
  assert.is(p.totals.instructions, reg.total);
});

test('attach to a process that exits meanwhile: its exit is recorded', async () => {
  const bin = await buildFixture('region_attach_loop', { static: false, defines: { RUN_MS: 600 } });
  const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 100 && !out.includes('ready'); i++) await sleep(20);
  const file = path.join(tempDir(), 'p.json');
  const r = stepcount(['attach', String(child.pid), '-q', '-o', file]);
  assert.is(r.status, 42, r.stderr);
  await exited(child);
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  assert.is(p.attached!.detached, false);
  assert.is(p.processes[0]!.exit!.code, 42);
});

test('attach errors: no such process (64), one line', () => {
  const r = stepcount(['attach', '999999999']);
  assert.is(r.status, 64);
  assert.match(r.stderr, /^stepcount: /);
  assert.is(r.stderr.trimEnd().split('\n').length, 1);
});

test.run();
