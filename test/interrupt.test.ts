// Ctrl-C / SIGTERM: the traced tree is killed, the partial profile is written, exit 130/143.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Profile } from '../src/profile.js';
import { exited, sleep, startStepcount, tempDir } from './helpers/cli.js';
import { buildFixture } from './helpers/fixtures.js';

async function interrupt(signal: NodeJS.Signals, cmd: string[]) {
  const out = path.join(tempDir(), 'p.json');
  const child = startStepcount(['run', '-q', '-o', out, '--', ...cmd]);
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  // wait until the command is visibly running
  for (let i = 0; i < 200 && stdout.length < 3; i++) await sleep(50);
  child.kill(signal);
  const r = await exited(child);
  const profile = JSON.parse(readFileSync(out, 'utf8')) as Profile;
  return { r, profile };
}

test('SIGINT: exit 130, partial profile marked incomplete, tracee killed', async () => {
  const bin = await buildFixture('dots', { defines: { DOTS: 1_000_000, SPIN: 100 } });
  const { r, profile } = await interrupt('SIGINT', [bin]);
  assert.is(r.status, 130);
  assert.is(profile.complete, false);
  assert.ok(profile.totals.instructions > 0);
  assert.is(profile.exit.status, null);
  const pid = profile.processes[0]!.pid;
  assert.not.ok(existsSync(`/proc/${pid}`), 'tracee is gone');
});

test('SIGTERM: exit 143; a tracee blocked in a syscall is killed too', async () => {
  const bin = await buildFixture('dots', { defines: { DOTS: 3, SPIN: 10 } });
  // dots writes 3 dots then a shell sleeps: the tree is blocked in nanosleep, not stepping.
  const { r, profile } = await interrupt('SIGTERM', ['/bin/sh', '-c', `${bin}; exec sleep 60`]);
  assert.is(r.status, 143);
  assert.is(profile.complete, false);
  for (const p of profile.processes) assert.not.ok(existsSync(`/proc/${p.pid}`), `process ${p.pid} is gone`);
});

test.run();
