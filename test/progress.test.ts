// The live status line: on stderr when it is a terminal and stdout is not (so it never mixes
// with the command's output), never with --quiet, gone before the report.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cliPath, hasCommand, stepcount, tempDir } from './helpers/cli.js';
import { buildFixture } from './helpers/fixtures.js';

const STATUS = /stepcount: [\d,]+ instructions · [\d,]+ syscalls · \d+ process(es)? · [\d,]+\/s/;

function underTerminal(args: string[], redirect = ''): string {
  // script(1) gives the command a pseudo-terminal as stdin/stdout/stderr.
  const cmd = [process.execPath, cliPath, ...args].map((a) => `'${a}'`).join(' ') + redirect;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return r.stdout;
}

test('stderr on a terminal, stdout redirected: the status line shows progress, then is cleared', async () => {
  if (!hasCommand('script')) return console.log('  (script(1) not installed: skipped)');
  const bin = await buildFixture('dots', { defines: { DOTS: 20, SPIN: 2000 } });
  const file = path.join(tempDir(), 'out.txt');
  const out = underTerminal(['run', '--by', 'object', '--', bin], ` > ${file}`);
  assert.match(out, STATUS);
  const lastStatus = out.lastIndexOf('\r\x1b[K');
  assert.ok(lastStatus < out.indexOf('stepcount: /'), 'cleared before the report');
  assert.is(readFileSync(file, 'utf8'), '.'.repeat(20), 'the command output is untouched');
});

test('stdout on the same terminal: no status line, the command output is untouched', async () => {
  if (!hasCommand('script')) return;
  const bin = await buildFixture('dots', { defines: { DOTS: 20, SPIN: 2000 } });
  const out = underTerminal(['run', '--by', 'object', '--', bin]);
  assert.not.match(out, STATUS);
  assert.match(out, /^\.{20}stepcount: \//);
});

test('--quiet: no status line even on a terminal', async () => {
  if (!hasCommand('script')) return;
  const bin = await buildFixture('dots', { defines: { DOTS: 20, SPIN: 2000 } });
  const out = underTerminal(['run', '-q', '--', bin]);
  assert.not.match(out, STATUS);
  assert.not.match(out, /instructions/);
});

test('not a terminal: no status line', async () => {
  const bin = await buildFixture('dots', { defines: { DOTS: 20, SPIN: 2000 } });
  const r = stepcount(['run', '--by', 'object', '--', bin]);
  assert.not.match(r.stderr, STATUS);
  assert.not.match(r.stderr, /\x1b\[K/);
});

test.run();
