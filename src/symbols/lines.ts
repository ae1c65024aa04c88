// Source lines (file:line) for object addresses, through llvm-symbolizer or binutils
// addr2line: one batched subprocess per object, addresses on stdin.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { loadObject } from './objects.js';

export interface SourceLine {
  file: string;
  line: number;
}

export type LineTool = 'llvm-symbolizer' | 'addr2line';

export interface SourceLinesOptions {
  /** Force a tool (default: llvm-symbolizer if on PATH, else addr2line). */
  tool?: LineTool;
  /** Subprocesses run at once (default 4). */
  concurrency?: number;
}

export interface SourceLinesResult {
  lines: (SourceLine | null)[];
  /** Objects (paths) without line info: no .debug_line, unreadable, or no tool to read it. */
  unavailable: string[];
}

function onPath(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

function pickTool(forced?: LineTool): { tool: LineTool; exe: string } | null {
  for (const tool of forced ? [forced] : (['llvm-symbolizer', 'addr2line'] as const)) {
    const exe = onPath(tool);
    if (exe) return { tool, exe };
  }
  return null;
}

function run(exe: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.on('error', reject);
    child.stdin.on('error', () => {}); // EPIPE if the tool dies early: reported by 'close'
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`${path.basename(exe)} failed (${signal ?? `exit ${code}`})`));
    });
    child.stdin.end(input);
  });
}

// "file:line" (addr2line) or "file:line:column" (llvm-symbolizer); "??" / 0 / "?" mean unknown.
const LOCATION = /^(.*?):(\d+|\?)(?::\d+)?(?: \(discriminator \d+\))?$/;

function parseLocation(text: string): SourceLine | null {
  const m = LOCATION.exec(text.trim());
  if (!m || m[1] === '??' || m[1] === '' || m[2] === '?' || m[2] === '0') return null;
  return { file: m[1], line: Number(m[2]) };
}

async function linesOf(tool: { tool: LineTool; exe: string }, obj: string, addrs: number[]): Promise<(SourceLine | null)[]> {
  const input = addrs.map((a) => `0x${a.toString(16)}\n`).join('');
  if (tool.tool === 'llvm-symbolizer') {
    // One "file:line:column" line then an empty line per address.
    const out = await run(tool.exe, [`--obj=${obj}`, '--functions=none', '--no-inlines'], input);
    const records = out.split('\n\n').map((r) => r.trim()).filter((r) => r !== '');
    if (records.length !== addrs.length) throw new Error(`llvm-symbolizer: ${records.length} answers for ${addrs.length} addresses`);
    return records.map(parseLocation);
  }
  // One "file:line" line per address.
  const out = await run(tool.exe, ['-e', obj], input);
  const records = out.split('\n').slice(0, addrs.length);
  if (records.length !== addrs.length) throw new Error(`addr2line: ${records.length} answers for ${addrs.length} addresses`);
  return records.map(parseLocation);
}

async function pool<T>(jobs: (() => Promise<T>)[], n: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, worker));
}

/** Whether `objectPath` has line info (.debug_line in it or in its separate debug file). */
export function hasLineInfo(objectPath: string): boolean {
  return objectPath.startsWith('/') && loadObject(objectPath).hasLineInfo;
}

/** file:line of each (object, ELF vaddr) pair; null where unknown. */
export async function sourceLines(
  reqs: { objectPath: string; vaddr: number }[],
  options: SourceLinesOptions = {},
): Promise<SourceLinesResult> {
  const lines: (SourceLine | null)[] = reqs.map(() => null);
  const unavailable: string[] = [];
  const byObject = new Map<string, number[]>();
  reqs.forEach((r, i) => {
    if (!r.objectPath.startsWith('/')) return; // [vdso], [unknown]: no file, no lines
    const list = byObject.get(r.objectPath);
    if (list) list.push(i);
    else byObject.set(r.objectPath, [i]);
  });
  const tool = pickTool(options.tool);
  const jobs: (() => Promise<void>)[] = [];
  for (const [obj, idx] of byObject) {
    if (!tool || !hasLineInfo(obj)) {
      unavailable.push(obj);
      continue;
    }
    jobs.push(async () => {
      const addrs = [...new Set(idx.map((i) => reqs[i].vaddr))].sort((a, b) => a - b);
      let found: (SourceLine | null)[];
      try {
        found = await linesOf(tool, obj, addrs);
      } catch {
        unavailable.push(obj);
        return;
      }
      const at = new Map(addrs.map((a, k) => [a, found[k]]));
      for (const i of idx) lines[i] = at.get(reqs[i].vaddr) ?? null;
    });
  }
  await pool(jobs, options.concurrency ?? 4);
  unavailable.sort();
  return { lines, unavailable };
}
