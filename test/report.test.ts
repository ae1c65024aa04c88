// Reports are pure functions of a profile: golden output from a saved profile, and `report`
// re-rendering a saved run byte-for-byte.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadProfile } from '../src/load-profile.js';
import { DEFAULT_SECTIONS, renderReport } from '../src/report/index.js';
import { renderSummary } from '../src/report/summary.js';
import { stepcount, tempDir } from './helpers/cli.js';
import { buildFixture, projectRoot } from './helpers/fixtures.js';

const golden = (name: string) => path.join(projectRoot, 'test', 'golden', name);

test('the report of a saved fork+exec profile matches the golden text (no binary needed)', () => {
  const profile = loadProfile(golden('forkexec.profile.json'));
  const text = renderReport(profile, { color: false, sections: DEFAULT_SECTIONS, top: 20 });
  assert.fixture(text, readFileSync(golden('forkexec.report.txt'), 'utf8'));
});

test('--by chooses the sections, in order', () => {
  const profile = loadProfile(golden('forkexec.profile.json'));
  const text = renderReport(profile, { color: false, sections: ['syscall', 'object'], top: 3 });
  assert.ok(text.indexOf('Syscalls') < text.indexOf('By object'));
  assert.not.match(text, /By function/);
  const objectRows = text.slice(text.indexOf('By object')).split('\n').slice(2).filter((l) => l.trim() !== '');
  assert.is(objectRows.length, 3, '--top 3 rows');
});

test('colour adds ANSI codes only when asked', () => {
  const profile = loadProfile(golden('forkexec.profile.json'));
  assert.match(renderSummary(profile, { color: true }), /\x1b\[1m/);
  assert.not.match(renderSummary(profile, { color: false }), /\x1b\[/);
});

test('an incomplete profile says so, and has no exit status', () => {
  const profile = loadProfile(golden('forkexec.profile.json'));
  profile.complete = false;
  profile.exit.status = null;
  const text = renderSummary(profile, { color: false });
  assert.match(text, /incomplete: the trace was interrupted/);
  assert.match(text, /exit status\s+none \(interrupted\)/);
});

test('stepcount report reproduces the live report byte-for-byte', async () => {
  const bin = await buildFixture('forkexec');
  const out = path.join(tempDir(), 'p.json');
  const live = stepcount(['run', '--no-color', '-o', out, '--', bin]);
  assert.is(live.status, 7);
  const again = stepcount(['report', '--no-color', out]);
  assert.is(again.status, 0);
  assert.is(again.stdout.toString(), live.stderr);
});

test.run();
