// Exact totals on tiny static programs whose instruction count is known by construction.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { record, hasCommand } from './helpers/cli.js';
import { buildFixture, expected } from './helpers/fixtures.js';

const cases: [string, Record<string, number>, number, number | string][] = [
  ['loop', { ITER: 0 }, expected.loop(0), 0],
  ['loop', { ITER: 1000 }, expected.loop(1000), 0],
  ['loop', { ITER: 12345 }, expected.loop(12345), 0],
  ['repmovsb', { BYTES: 0 }, expected.repmovsb(0), 0],
  ['repmovsb', { BYTES: 1 }, expected.repmovsb(1), 0],
  ['repmovsb', { BYTES: 4096 }, expected.repmovsb(4096), 0],
  ['exitcode', {}, expected.exitcode, 42],
  ['write_hello', {}, expected.write_hello, 0],
  ['sigkill_self', {}, expected.sigkill_self, 143],
  ['sighandler', { HLOOP: 5 }, expected.sighandler(5), 0],
  ['sighandler', { HLOOP: 100 }, expected.sighandler(100), 0],
  ['dots', { DOTS: 3, SPIN: 10 }, expected.dots(3, 10), 0],
];

for (const [name, defines, count, status] of cases) {
  test(`${name} ${JSON.stringify(defines)}: exactly ${count} instructions, exit status ${status}`, async () => {
    const bin = await buildFixture(name, { defines });
    const { profile, result } = record([bin]);
    assert.is(profile.totals.instructions, count);
    assert.is(result.status, status);
    assert.is(profile.exit.status, status);
    assert.is(profile.complete, true);
    // The per-address table accounts for every instruction.
    const img = profile.images[0]!;
    assert.is(img.counts.reduce((a, b) => a + b, 0), count);
  });
}

test('the signal handler runs and is counted, the handler-entry stop is not', async () => {
  const bin = await buildFixture('sighandler', { defines: { HLOOP: 5 } });
  const { profile } = record([bin]);
  // One syscall record each: rt_sigaction, getpid, kill, rt_sigreturn, exit.
  assert.equal(profile.syscalls.records.map((r) => r[1]), [59, 13, 39, 62, 15, 60]);
  assert.is(profile.processes[0]!.signals, 1);
});

test('the final exit syscall is recorded, with no return value', async () => {
  const bin = await buildFixture('exitcode');
  const { profile } = record([bin]);
  const last = profile.syscalls.records.at(-1)!;
  assert.is(last[1], 60);
  assert.is(last[2], null);
  assert.is(last[5][0], '0x2a');
});

test('equals valgrind lackey "guest instrs" on a static program', async () => {
  if (!hasCommand('valgrind')) {
    console.log('  (valgrind not installed: lackey comparison skipped)');
    return;
  }
  const bin = await buildFixture('loop', { defines: { ITER: 777 } });
  const lackey = spawnSync('valgrind', ['--tool=lackey', bin], { encoding: 'utf8' });
  const m = /guest instrs:\s+([\d,]+)/.exec(lackey.stderr);
  assert.ok(m, lackey.stderr);
  const { profile } = record([bin]);
  assert.is(profile.totals.instructions, Number(m![1]!.replace(/,/g, '')));
});

test.run();
