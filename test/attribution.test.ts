// Attribution on real programs: names, call counts and inclusive counts that the programs'
// structure implies; files written; syscall counts against strace -c.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Attribution, FunctionCount } from '../src/attribution-types.js';
import type { Profile } from '../src/profile.js';
import { hasCommand, record, stepcount, tempDir } from './helpers/cli.js';
import { buildFixture, fixturesDir } from './helpers/fixtures.js';

function fn(a: Attribution, name: string): FunctionCount {
  const f = a.functions.find((x) => x.name === name);
  assert.ok(f, `function ${name} in ${a.functions.slice(0, 30).map((x) => x.name).join(', ')}`);
  return f!;
}

function selfSumsToTotal(p: Profile) {
  const a = p.attribution!;
  assert.is(a.functions.reduce((x, f) => x + f.self, 0), p.totals.instructions, 'function self counts sum to the total');
  assert.is(a.tree.self.reduce((x, s) => x + s, 0), p.totals.instructions, 'call-tree self counts sum to the total');
  assert.is(a.objects.reduce((x, o) => x + o.self, 0), p.totals.instructions, 'object counts sum to the total');
}

let callgraph: Profile;

test('call structure: calls, recursion, function pointer, longjmp', async () => {
  const bin = await buildFixture('callgraph', { cflags: ['-O0', '-g', '-fno-inline'] });
  callgraph = record([bin]).profile;
  const a = callgraph.attribution!;
  selfSumsToTotal(callgraph);
  assert.is(fn(a, 'a').calls, 3);
  assert.is(fn(a, 'b').calls, 6);
  assert.is(fn(a, 'fact').calls, 5, 'recursion: every level is a call');
  assert.is(fn(a, 'via_pointer').calls, 1);
  assert.is(fn(a, 'jumper').calls, 1);
  assert.is(fn(a, 'deep').calls, 1);
  // b calls nothing: its inclusive is its self; a's inclusive is its self plus b's.
  assert.is(fn(a, 'b').inclusive, fn(a, 'b').self);
  assert.is(fn(a, 'a').inclusive, fn(a, 'a').self + fn(a, 'b').self);
  // recursion is not double counted: fact's inclusive is its self (it calls nothing else)
  assert.is(fn(a, 'fact').inclusive, fn(a, 'fact').self);
  const main = fn(a, 'main');
  for (const f of a.functions) {
    if (f.object === main.object && f.name !== '_start' && f.name !== 'main') {
      assert.ok(main.inclusive >= f.inclusive, `inclusive(main) >= inclusive(${f.name})`);
    }
  }
  // After longjmp out of deep(), main's own loop is charged to main, not to deep or jumper.
  assert.ok(fn(a, 'deep').inclusive < 2000, `deep inclusive ${fn(a, 'deep').inclusive}`);
  assert.ok(fn(a, 'jumper').inclusive >= fn(a, 'deep').inclusive);
  assert.is(main.calls, 1);
});

test('--lines: a source-line histogram where debug info exists, a clear note where not', async () => {
  const withG = await buildFixture('callgraph', { cflags: ['-O0', '-g', '-fno-inline'] });
  const dir = tempDir();
  const out = path.join(dir, 'p.json');
  const r = stepcount(['run', '--lines', '--by', 'line', '--top', '50', '-o', out, '--', withG]);
  assert.is(r.status, 0);
  assert.match(r.stderr, /By source line\n\s+line info ok/);
  assert.match(r.stderr, /callgraph\.c:\d+\s+b\b/, 'the loop in b() has a line');
  const lines = (JSON.parse(readFileSync(out, 'utf8')) as Profile).attribution!.lines!;
  const inB = lines.filter((l) => l.function === 'b').reduce((x, l) => x + l.self, 0);
  assert.is(inB, fn(callgraph.attribution!, 'b').self, 'every instruction of b() has a line');

  const noG = await buildFixture('hello_dyn');
  const r2 = stepcount(['run', '--lines', '--by', 'line', '--', noG]);
  assert.match(r2.stderr, /line info (unavailable|ok).*no debug info in .*hello_dyn/);
});

test('the call tree names the same callers: b always under a, a under main', () => {
  const a = callgraph.attribution!;
  const t = a.tree;
  const name = (i: number) => (t.func[i]! >= 0 ? a.functions[t.func[i]!]!.name : '<root>');
  for (let i = 0; i < t.func.length; i++) {
    if (name(i) === 'b') assert.is(name(t.parent[i]!), 'a');
    if (name(i) === 'a') assert.is(name(t.parent[i]!), 'main');
  }
});

test('C++ exception through two frames: names demangled, catch charged to the catcher', async () => {
  const dir = tempDir();
  const bin = path.join(dir, 'exception');
  execFileSync('g++', ['-O0', '-g', '-o', bin, path.join(fixturesDir, 'exception.cpp')]);
  const { profile, result } = record([bin]);
  assert.is(result.status, 0);
  selfSumsToTotal(profile);
  const a = profile.attribution!;
  for (const f of ['demo::thrower(int)', 'demo::middle(int)', 'demo::catcher()', 'demo::after_catch()']) assert.is(fn(a, f).calls, 1);
  const t = a.tree;
  const name = (i: number) => (t.func[i]! >= 0 ? a.functions[t.func[i]!]!.name : '<root>');
  const after = t.func.findIndex((_, i) => name(i) === 'demo::after_catch()');
  assert.is(name(t.parent[after]!), 'demo::catcher()', 'after the unwind, the catcher is on top again');
  assert.ok(fn(a, 'demo::catcher()').inclusive >= fn(a, 'demo::middle(int)').inclusive + fn(a, 'demo::after_catch()').inclusive);
});

test('a stripped binary still gets names (.dynsym or object+0x fallback)', async () => {
  const dir = tempDir();
  const bin = path.join(dir, 'stripped');
  copyFileSync(await buildFixture('hello_dyn'), bin);
  execFileSync('strip', [bin]);
  const { profile } = record([bin]);
  const own = profile.attribution!.functions.filter((f) => f.object === 'stripped');
  assert.ok(own.length > 0);
  for (const f of own) assert.match(f.name, /^(stripped\+0x[0-9a-f]+|\w+(@plt)?)$/);
  assert.ok(own.some((f) => /^stripped\+0x/.test(f.name)), 'main has no symbol: shown as stripped+0x...');
  assert.ok(profile.attribution!.functions.some((f) => f.object === 'libc.so.6' && f.name === 'printf'), 'libc still named');
});

test('files written: exactly a, b (appended) and d (by the child), with absolute paths', async () => {
  const bin = await buildFixture('files');
  const dir = tempDir();
  writeFileSync(path.join(dir, 'c.txt'), 'c\n');
  const out = path.join(dir, 'p.json');
  const r = stepcount(['run', '-q', '-o', out, '--', bin], { cwd: dir });
  assert.is(r.status, 0);
  const p = JSON.parse(readFileSync(out, 'utf8')) as Profile;
  const files = p.attribution!.files;
  assert.equal(files.map((f) => f.path).sort(), ['a.txt', 'b.txt', 'd.txt'].map((f) => path.join(dir, f)));
  assert.ok(files.every((f) => f.result === 'ok'));
  const d = files.find((f) => f.path.endsWith('d.txt'))!;
  assert.is.not(d.pid, p.processes[0]!.pid, 'd.txt is written by the child');
  assert.is(d.syscall, 'openat');
  // the text report lists them
  const rep = stepcount(['report', '--no-color', '--by', 'files', out]);
  assert.match(rep.stdout.toString(), /Files written\n\s+pid\s+syscall\s+result\s+path\n/);
  assert.match(rep.stdout.toString(), new RegExp(`ok\\s+${path.join(dir, 'b.txt').replace(/[.]/g, '\\.')}`));
});

test('syscall counts match strace -c -f on the same program', async () => {
  if (!hasCommand('strace')) {
    console.log('  (strace not installed: skipped)');
    return;
  }
  const bin = await buildFixture('files');
  const dir = tempDir();
  writeFileSync(path.join(dir, 'c.txt'), 'c\n');
  const s = spawnSync('strace', ['-f', '-c', '-o', path.join(dir, 'strace.txt'), bin], { cwd: dir });
  assert.is(s.status, 0);
  const straceCounts = new Map<string, number>();
  for (const line of readFileSync(path.join(dir, 'strace.txt'), 'utf8').split('\n')) {
    const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$/.exec(line);
    if (m && m[2] !== 'total') straceCounts.set(m[2]!, Number(m[1]));
  }
  assert.ok(straceCounts.size > 5, 'parsed strace -c output');
  const out = path.join(dir, 'p.json');
  assert.is(stepcount(['run', '-q', '-o', out, '--', bin], { cwd: dir }).status, 0);
  // strace -c leaves out exit and exit_group (they never return); stepcount records them.
  const ours = new Map(
    (JSON.parse(readFileSync(out, 'utf8')) as Profile).attribution!.syscalls.filter((r) => r.name !== 'exit_group' && r.name !== 'exit').map((r) => [r.name, r.calls]),
  );
  assert.equal(Object.fromEntries([...ours].sort()), Object.fromEntries([...straceCounts].sort()));
});

test('report on a saved profile reproduces the live report byte-for-byte (all sections)', async () => {
  const bin = await buildFixture('files');
  const dir = tempDir();
  writeFileSync(path.join(dir, 'c.txt'), 'c\n');
  const out = path.join(dir, 'p.json');
  const live = stepcount(['run', '--no-color', '--top', '7', '-o', out, '--', bin], { cwd: dir });
  assert.is(live.status, 0);
  assert.match(live.stderr, /By object[\s\S]*By function \(self\)[\s\S]*By function \(inclusive\)[\s\S]*Syscalls[\s\S]*Phases[\s\S]*Files written/);
  const again = stepcount(['report', '--no-color', '--top', '7', out]);
  assert.is(again.stdout.toString(), live.stderr);
});

test.run();
