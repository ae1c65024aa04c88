// Bad input: one line naming the problem and the fix, a distinct exit status, no stack trace,
// no output file left behind.
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cliPath, hasCommand, stepcount, tempDir } from './helpers/cli.js';

function oneLine(stderr: string) {
  const lines = stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, `one line: ${stderr}`);
  assert.not.match(stderr, /\n\s+at /, 'no stack trace');
  assert.match(lines[0]!, /^stepcount: /);
  return lines[0]!;
}

test('command not found: 127', () => {
  const r = stepcount(['run', '--', 'no-such-command-xyz']);
  assert.is(r.status, 127);
  assert.match(oneLine(r.stderr), /command not found: no-such-command-xyz/);
});

test('missing path: 127', () => {
  const r = stepcount(['run', '--', './nope/missing']);
  assert.is(r.status, 127);
  assert.match(oneLine(r.stderr), /command not found: \.\/nope\/missing/);
});

test('not executable: 126, with the fix', () => {
  const file = path.join(tempDir(), 'script');
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o644);
  const r = stepcount(['run', '--', file]);
  assert.is(r.status, 126);
  assert.match(oneLine(r.stderr), /not executable: .*chmod \+x/);
});

test('a directory is not executable: 126', () => {
  const r = stepcount(['run', '--', '/tmp']);
  assert.is(r.status, 126);
  oneLine(r.stderr);
});

test('execve failure inside the child reaches the parent (exec format error): 126', () => {
  const file = path.join(tempDir(), 'garbage');
  writeFileSync(file, 'not a program\0\0\0');
  chmodSync(file, 0o755);
  const r = stepcount(['run', '--', file]);
  assert.is(r.status, 126);
  assert.match(oneLine(r.stderr), /not executable: .*Exec format error/);
});

test('unknown option: 64 with a suggestion', () => {
  const r = stepcount(['run', '--quite', '--', 'true']);
  assert.is(r.status, 64);
  assert.match(oneLine(r.stderr), /unknown option '--quite' \(did you mean --quiet\?\)/);
});

test('unknown command: 64 with a suggestion', () => {
  const r = stepcount(['rnu']);
  assert.is(r.status, 64);
  assert.match(oneLine(r.stderr), /unknown command 'rnu' \(did you mean run\?\)/);
});

test('no command: 64', () => {
  const r = stepcount(['run']);
  assert.is(r.status, 64);
  oneLine(r.stderr);
});

test('output not writable: 73, checked before tracing, nothing written', () => {
  const dir = tempDir();
  const out = path.join(dir, 'missing-dir', 'p.json');
  const marker = path.join(dir, 'ran');
  const r = stepcount(['run', '-o', out, '--', 'touch', marker]);
  assert.is(r.status, 73);
  assert.match(oneLine(r.stderr), /cannot write .*p\.json: its directory does not exist/);
  assert.not.ok(existsSync(marker), 'the command was not started');
  assert.not.ok(existsSync(out));
});

test('output is a directory: 73', () => {
  const r = stepcount(['run', '-o', tempDir(), '--', 'true']);
  assert.is(r.status, 73);
  oneLine(r.stderr);
});

test('ptrace not permitted (the command is already traced): 77, explains ptrace_scope / SYS_PTRACE', () => {
  if (!hasCommand('strace')) {
    console.log('  (strace not installed: EPERM test skipped)');
    return;
  }
  // Under strace -f, stepcount's child is already traced, so PTRACE_SEIZE fails with EPERM.
  const r = spawnSync('strace', ['-f', '-o', '/dev/null', process.execPath, cliPath, 'run', '--', 'true'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.is(r.status, 77);
  assert.match(oneLine(r.stderr), /ptrace is not permitted.*ptrace_scope.*SYS_PTRACE/);
});

test('report: missing file 66, not a profile 65, wrong schema 65', () => {
  const dir = tempDir();
  let r = stepcount(['report', path.join(dir, 'none.json')]);
  assert.is(r.status, 66);
  assert.match(oneLine(r.stderr), /cannot read profile .*no such file/);
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, '{"hello": 1}');
  r = stepcount(['report', bad]);
  assert.is(r.status, 65);
  assert.match(oneLine(r.stderr), /not a stepcount profile/);
  writeFileSync(bad, 'garbage');
  r = stepcount(['report', bad]);
  assert.is(r.status, 65);
  writeFileSync(bad, JSON.stringify({ schema: 99, tool: { name: 'stepcount' } }));
  r = stepcount(['report', bad]);
  assert.is(r.status, 65);
  assert.match(oneLine(r.stderr), /schema 99/);
});

test('--help works for every command', () => {
  for (const args of [['--help'], ['run', '--help'], ['report', '--help']]) {
    const r = stepcount(args);
    assert.is(r.status, 0);
    assert.match(r.stdout.toString(), /Usage: stepcount/);
  }
});

test.run();
