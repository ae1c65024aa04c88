// Runs the real CLI (bin/stepcount.js) as a child process, the way a user does.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Profile } from '../../src/profile.js';
import { projectRoot } from './fixtures.js';

export const cliPath = path.join(projectRoot, 'bin', 'stepcount.js');

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'stepcount-test-'));
}

const quietEnv = { ...process.env, NO_COLOR: '1' };

export function stepcount(args: string[], opts: { input?: Buffer | string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    input: opts.input,
    cwd: opts.cwd,
    env: opts.env ?? quietEnv,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** `stepcount run -q -o TMP -- cmd...`: the profile plus the process result. */
export function record(cmd: string[], extra: string[] = []): { profile: Profile; result: CliResult } {
  const out = path.join(tempDir(), 'profile.json');
  const result = stepcount(['run', '-q', '-o', out, ...extra, '--', ...cmd]);
  if (result.status === null || result.stderr.includes('internal error')) {
    throw new Error(`stepcount failed: status ${result.status} signal ${result.signal}: ${result.stderr}`);
  }
  return { profile: JSON.parse(readFileSync(out, 'utf8')) as Profile, result };
}

/** Starts the CLI without waiting, for tests that signal it mid-run. */
export function startStepcount(args: string[]): ChildProcess {
  return spawn(process.execPath, [cliPath, ...args], { env: quietEnv, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function exited(child: ChildProcess): Promise<{ status: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.on('exit', (status, signal) => resolve({ status, signal })));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
