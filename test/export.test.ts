// The exporters are pure functions of an Attribution: checked here on a small hand-built
// call tree (two threads, main -> parse_input -> compute_checksum, recursion, a root with its
// own count), no tracing needed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Profile } from 'pprof-format';
import type { Attribution, FunctionCount } from '../src/attribution-types.js';
import { toFolded } from '../src/export/folded.js';
import { toSpeedscope, type SpeedscopeFile } from '../src/export/speedscope.js';
import { toPprof } from '../src/export/pprof.js';
import { flameData, toFlameHtml, type FlameData } from '../src/export/flame-html.js';

type Row = [parent: number, func: string | null, self: number, calls: number, label?: string];

/** Builds an Attribution from tree rows; function totals are derived (inclusive counts the
 * outermost activation only, as for recursion). */
function attribution(rows: Row[], objects: Record<string, string> = {}): Attribution {
  const names = [...new Set(rows.map((r) => r[1]).filter((f): f is string => f !== null))];
  const fns: FunctionCount[] = names.map((name) => ({ name, object: objects[name] ?? 'prog', self: 0, inclusive: 0, calls: 0 }));
  const incl = rows.map((r) => r[2]);
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]![0] >= 0) incl[rows[i]![0]]! += incl[i]!;
  rows.forEach(([, f, self, calls], i) => {
    if (f === null) return;
    const fn = fns[names.indexOf(f)]!;
    fn.self += self;
    fn.calls += calls;
    let outermost = true;
    for (let p = rows[i]![0]; p >= 0; p = rows[p]![0]) if (rows[p]![1] === f) outermost = false;
    if (outermost) fn.inclusive += incl[i]!;
  });
  const order = fns.map((_, i) => i).sort((x, y) => fns[y]!.self - fns[x]!.self || x - y);
  const functions = order.map((i) => fns[i]!);
  return {
    objects: [...new Set(functions.map((f) => f.object))].map((name) => ({
      name,
      path: `/usr/lib/${name}`,
      self: functions.filter((f) => f.object === name).reduce((s, f) => s + f.self, 0),
    })),
    functions,
    lines: null,
    lineInfo: 'none',
    tree: {
      parent: rows.map((r) => r[0]),
      func: rows.map((r) => (r[1] === null ? -1 : functions.findIndex((f) => f.name === r[1]))),
      self: rows.map((r) => r[2]),
      calls: rows.map((r) => r[3]),
      label: rows.map((r) => r[4] ?? ''),
    },
    syscalls: [],
    phases: [],
    files: [],
  };
}

const T1 = '100/100 prog';
const T2 = '100/101 prog';
// prettier-ignore
const ROWS: Row[] = [
  /* 0 */ [-1, null, 0, 0, T1],
  /* 1 */ [0, 'main', 10, 1],
  /* 2 */ [1, 'parse_input', 20, 1],
  /* 3 */ [2, 'compute_checksum', 30, 2],
  /* 4 */ [1, 'compute_checksum', 5, 1],
  /* 5 */ [1, 'recurse', 3, 1],
  /* 6 */ [5, 'recurse', 4, 1],
  /* 7 */ [6, 'recurse', 7, 1],
  /* 8 */ [-1, null, 1, 0, T2],
  /* 9 */ [8, 'worker_loop', 50, 1],
  /* 10 */ [9, 'compute_checksum', 40, 4],
  /* 11 */ [9, 'helper_c', 0, 1],
  /* 12 */ [11, 'parse_input', 6, 1],
];
const TOTAL = 176;
const OBJECTS = { compute_checksum: 'libsum.so.1' };
const fixture = () => attribution(ROWS, OBJECTS);

const FOLDED = [
  `${T1};main 10`,
  `${T1};main;parse_input 20`,
  `${T1};main;parse_input;compute_checksum 30`,
  `${T1};main;compute_checksum 5`,
  `${T1};main;recurse 3`,
  `${T1};main;recurse;recurse 4`,
  `${T1};main;recurse;recurse;recurse 7`,
  `${T2} 1`,
  `${T2};worker_loop 50`,
  `${T2};worker_loop;compute_checksum 40`,
  `${T2};worker_loop;helper_c;parse_input 6`,
];

/** The same tree with its rows in another order (children before parents). */
function permuted(a: Attribution, perm: number[]): Attribution {
  const t = a.tree;
  const inv: number[] = [];
  perm.forEach((old, i) => (inv[old] = i));
  return {
    ...a,
    tree: {
      parent: perm.map((old) => (t.parent[old]! < 0 ? -1 : inv[t.parent[old]!]!)),
      func: perm.map((old) => t.func[old]!),
      self: perm.map((old) => t.self[old]!),
      calls: perm.map((old) => t.calls[old]!),
      label: perm.map((old) => t.label[old]!),
    },
  };
}
const REVERSED = ROWS.map((_, i) => ROWS.length - 1 - i);

const empty = (): Attribution => attribution([]);

// ---------------------------------------------------------------- folded

test('folded: one exact line per stack with self > 0, root label first', () => {
  assert.is(toFolded(fixture()), FOLDED.join('\n') + '\n');
});

test('folded: counts add up to the total', () => {
  const sum = toFolded(fixture())
    .trimEnd()
    .split('\n')
    .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  assert.is(sum, TOTAL);
});

test('folded: table order does not matter', () => {
  const lines = toFolded(permuted(fixture(), REVERSED)).trimEnd().split('\n');
  assert.equal(lines.sort(), [...FOLDED].sort());
});

test('folded: separators and line breaks in names are replaced', () => {
  const a = attribution([
    [-1, null, 0, 0, '1 a;b\nc'],
    [0, 'f;g', 3, 1],
    [1, 'line\nbreak\r\tx', 4, 1],
  ]);
  assert.is(toFolded(a), '1 a,b c;f,g 3\n1 a,b c;f,g;line break  x 4\n');
});

test('folded: stacks that print the same are merged', () => {
  const a = attribution([
    [-1, null, 0, 0, 'r'],
    [0, 'x', 2, 1],
    [1, 'dup', 3, 1],
    [1, 'dup2', 4, 1],
  ]);
  a.functions.find((f) => f.name === 'dup2')!.name = 'dup'; // same name, another object
  assert.is(toFolded(a), 'r;x 2\nr;x;dup 7\n');
});

test('folded: empty attribution gives empty text', () => {
  assert.is(toFolded(empty()), '');
});

test('folded: a broken parent column is an error, not a hang', () => {
  const a = fixture();
  a.tree.parent[3] = 99;
  assert.throws(() => toFolded(a), /invalid parent/);
});

// ---------------------------------------------------------------- speedscope

test('speedscope: shape, one sampled profile per thread, weights sum to the total', () => {
  const a = fixture();
  const s = JSON.parse(toSpeedscope(a, 'prog run')) as SpeedscopeFile;
  assert.is(s.$schema, 'https://www.speedscope.app/file-format-schema.json');
  assert.is(s.exporter, 'stepcount');
  assert.is(s.name, 'prog run');
  assert.equal(
    s.shared.frames,
    a.functions.map((f) => ({ name: f.name, file: f.object })),
  );
  assert.equal(
    s.profiles.map((p) => p.name),
    [T1, T2],
  );
  let all = 0;
  for (const p of s.profiles) {
    assert.is(p.type, 'sampled');
    assert.is(p.unit, 'none');
    assert.is(p.startValue, 0);
    assert.is(p.samples.length, p.weights.length);
    const sum = p.weights.reduce((x, y) => x + y, 0);
    assert.is(p.endValue, sum);
    assert.ok(p.weights.every((w) => Number.isInteger(w) && w > 0));
    for (const st of p.samples) for (const f of st) assert.ok(Number.isInteger(f) && f >= 0 && f < s.shared.frames.length);
    all += sum;
  }
  assert.is(all, TOTAL);
  assert.is(s.activeProfileIndex, 1, 'the busier thread opens first');
});

test('speedscope: stacks are outermost first and match the tree', () => {
  const a = fixture();
  const s = JSON.parse(toSpeedscope(a, 'x')) as SpeedscopeFile;
  const named = (p: number) =>
    s.profiles[p]!.samples.map((st, i) => `${st.map((f) => s.shared.frames[f]!.name).join(';')} ${s.profiles[p]!.weights[i]}`);
  const strip = (root: string) =>
    FOLDED.filter((l) => l.startsWith(root)).map((l) => l.slice(root.length).replace(/^;/, ''));
  assert.equal(named(0), strip(T1));
  assert.equal(named(1), strip(T2)); // includes " 1": the root's own count, empty stack
});

test('speedscope: empty attribution still loads (one empty profile)', () => {
  const s = JSON.parse(toSpeedscope(empty(), 'nothing')) as SpeedscopeFile;
  assert.is(s.profiles.length, 1);
  assert.equal(s.profiles[0]!.samples, []);
  assert.is(s.profiles[0]!.endValue, 0);
});

// ---------------------------------------------------------------- pprof

function decodePprof(buf: Buffer) {
  assert.ok(buf[0] === 0x1f && buf[1] === 0x8b, 'gzipped');
  const p = Profile.decode(gunzipSync(buf));
  const str = (i: unknown) => p.stringTable.strings[Number(i)]!;
  const fnById = new Map(p.function.map((f) => [Number(f.id), f]));
  const locById = new Map(p.location.map((l) => [Number(l.id), l]));
  const frame = (locId: unknown) => {
    const loc = locById.get(Number(locId))!;
    assert.is(loc.line.length, 1);
    return fnById.get(Number(loc.line[0]!.functionId))!;
  };
  const samples = p.sample.map((s) => ({
    stack: s.locationId.map((l) => str(frame(l).name)),
    files: s.locationId.map((l) => str(frame(l).filename)),
    value: s.value.map(Number),
    thread: s.label.filter((l) => str(l.key) === 'thread').map((l) => str(l.str)),
  }));
  return { p, str, samples };
}

test('pprof: round trip through the decoder: sample type, totals, leaf-first stacks', async () => {
  const a = fixture();
  const { p, str, samples } = decodePprof(await toPprof(a, { timeNanos: 1_700_000_000_123_456_789n, durationNanos: 5e6 }));
  assert.equal(
    p.sampleType.map((t) => [str(t.type), str(t.unit)]),
    [['instructions', 'count']],
  );
  assert.is(BigInt(p.timeNanos), 1_700_000_000_123_456_789n);
  assert.is(Number(p.durationNanos), 5e6);
  assert.is(
    samples.reduce((s, x) => s + x.value[0]!, 0),
    TOTAL,
  );
  assert.ok(samples.every((s) => s.value.length === 1 && s.value[0]! > 0));
  const got = samples.map((s) => `${[...s.stack].reverse().join(';')} ${s.value[0]}`);
  assert.equal(got, FOLDED, 'leaf-first stacks with the thread root outermost');
  assert.equal(samples[2]!.stack, ['compute_checksum', 'parse_input', 'main', T1]);
  assert.equal(samples[2]!.files.slice(0, 3), ['libsum.so.1', 'prog', 'prog']);
  assert.equal(samples[2]!.thread, [T1]);
  assert.equal(samples[8]!.thread, [T2]);
  // Functions are named, with the object as filename; mappings name the objects' paths.
  const fn = p.function.find((f) => str(f.name) === 'compute_checksum')!;
  assert.is(str(fn.filename), 'libsum.so.1');
  assert.ok(p.function.every((f) => Number(f.id) > 0) && p.location.every((l) => Number(l.id) > 0));
  assert.equal(
    p.mapping.map((m) => str(m.filename)),
    ['/usr/lib/prog', '/usr/lib/libsum.so.1'],
    "the command's object is the first (main) mapping",
  );
  assert.ok(p.mapping.every((m) => m.hasFunctions));
});

test('pprof: threadFrames false leaves the root out of the stacks', async () => {
  const { samples } = decodePprof(await toPprof(fixture(), { threadFrames: false }));
  assert.equal(samples[2]!.stack, ['compute_checksum', 'parse_input', 'main']);
  // The root's own count keeps a frame so the sample still has a location.
  assert.equal(samples[7]!.stack, [T2]);
  assert.is(
    samples.reduce((s, x) => s + x.value[0]!, 0),
    TOTAL,
  );
});

test('pprof: order of the tree table does not change the samples', async () => {
  const a = decodePprof(await toPprof(fixture())).samples.map((s) => `${s.stack.join(';')} ${s.value}`);
  const b = decodePprof(await toPprof(permuted(fixture(), REVERSED))).samples.map((s) => `${s.stack.join(';')} ${s.value}`);
  assert.equal(b.sort(), a.sort());
});

test('pprof: go tool pprof reads the same stacks (only where go is installed)', async () => {
  if (spawnSync('go', ['version']).status !== 0) return; // the decoder round trip above still ran
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stepcount-pprof-'));
  try {
    const file = path.join(dir, 'p.pb.gz');
    writeFileSync(file, await toPprof(fixture()));
    const r = spawnSync('go', ['tool', 'pprof', '-traces', '-symbolize=none', file], { encoding: 'utf8', timeout: 120_000 });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /Type: instructions/);
    // Blocks: "thread: LABEL", "  COUNT   leaf", then callers one per line, leaf first.
    const traces = r.stdout
      .split(/^-+\+-+$/m)
      .slice(1)
      .map((block) => {
        const lines = block.split('\n').filter((l) => l.trim() && !/^\s*thread:/.test(l));
        const m = /^\s*(\d+)\s{3}(.*)$/.exec(lines[0] ?? '');
        if (!m) return null;
        const frames = [m[2]!, ...lines.slice(1).map((l) => l.trim())];
        return `${frames.reverse().join(';')} ${m[1]}`;
      })
      .filter((x): x is string => x !== null);
    assert.equal(traces.sort(), [...FOLDED].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pprof: empty attribution encodes and decodes', async () => {
  const { p } = decodePprof(await toPprof(empty()));
  assert.is(p.sample.length, 0);
});

// ---------------------------------------------------------------- HTML

function embedded(html: string): FlameData {
  const m = /<script type="application\/json" id="flame-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'data script present');
  return JSON.parse(m![1]!) as FlameData;
}

test('html: self-contained, embeds the data, names the hottest function', () => {
  const a = fixture();
  const html = toFlameHtml(a, 'prog run');
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.not.match(html, /https?:\/\//, 'no http(s) URLs at all');
  assert.not.match(html, /<link\b|<img\b|<iframe\b|\ssrc\s*=|@import|url\(/i, 'no external resources');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.equal(embedded(html), flameData(a, 'prog run'));
  assert.is(embedded(html).total, TOTAL);
  assert.match(html, /hottest: <b id="hottest-name">compute_checksum<\/b>/);
  assert.match(html, /<title>prog run &mdash; stepcount flame graph<\/title>/);
  assert.match(html, /<canvas id="flame">/);
});

test('html: names cannot break out of the page', () => {
  const evil = '</script><script>alert(1)</script><!-- & \u2028';
  const a = attribution([
    [-1, null, 0, 0, 'r <b>'],
    [0, evil, 9, 1],
  ]);
  const html = toFlameHtml(a, 'x</title><script>');
  assert.not.ok(html.includes('<script>alert'));
  assert.not.ok(html.includes('</title><script>'));
  assert.is((html.match(/<\/script>/g) ?? []).length, 2, 'only the two real script ends');
  assert.is(embedded(html).funcs[0]![0], evil);
  assert.match(html, /hottest: <b id="hottest-name">&#60;\/script&#62;/);
});

test('html: empty attribution still renders a page', () => {
  const html = toFlameHtml(empty(), 'empty');
  assert.match(html, /hottest: <b id="hottest-name">\(none\)<\/b>/);
  assert.is(embedded(html).total, 0);
});

test.run();
