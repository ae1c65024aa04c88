// compare: deltas per benchmark and per function, thresholds and exit statuses, the three
// report formats, and refusing (or flagging) profiles that do not compare. All on hand-made
// profiles (a real saved profile with edited counts): no tracing, fast.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareSets, regressionMessage, type Comparison } from '../src/ci/compare.js';
import { renderCompareMarkdown } from '../src/ci/render-markdown.js';
import { renderCompareText } from '../src/ci/render-text.js';
import { loadBenchSet, type BenchSet } from '../src/ci/results.js';
import { CI_EXIT } from '../src/ci/status.js';
import { beyond, parseThreshold } from '../src/ci/threshold.js';
import { CliError, EXIT } from '../src/errors.js';
import type { Profile } from '../src/profile.js';
import { tempDir } from './helpers/cli.js';
import { ciCli, handMade, results, writeJson } from './helpers/ci.js';

const opts = (threshold = '1%', extra: { force?: boolean } = {}) => ({ threshold: parseThreshold(threshold), top: 5, ...extra });
const set = (entries: [string, Profile][], file = 'x.json'): BenchSet => ({ file, kind: 'results', benchmarks: results(entries).benchmarks });

/** Base: parse 1,000,000 (lex 600,000, eval 400,000); start 500,000. */
function base(): BenchSet {
  return set([
    ['parse', handMade(1_000_000, { lex: 600_000, eval: 400_000 })],
    ['start', handMade(500_000, { main: 500_000 })],
  ], 'base.json');
}

/** New: parse +2% (eval grew by 20,000), start +0.5%. */
function regressed(): BenchSet {
  return set([
    ['parse', handMade(1_020_000, { lex: 600_000, eval: 420_000 })],
    ['start', handMade(502_500, { main: 502_500 })],
  ], 'new.json');
}

function throwsStatus(fn: () => unknown, status: number, re: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, CliError);
    assert.is((e as CliError).status, status, (e as Error).message);
    assert.match((e as Error).message, re);
    assert.not.match((e as Error).message, /\n/, 'one line');
    return;
  }
  assert.unreachable(`expected a CliError with status ${status}`);
}

test('thresholds: percent or absolute, strictly beyond', () => {
  assert.equal(parseThreshold('0.5%'), { kind: 'percent', value: 0.5, text: '0.5%' });
  assert.equal(parseThreshold('2000'), { kind: 'absolute', value: 2000, text: '2000' });
  assert.throws(() => parseThreshold('fast'), /percentage like 0.5%/);
  assert.throws(() => parseThreshold('-1%'));
  assert.ok(beyond(parseThreshold('1%'), 100_000, 101_001));
  assert.not.ok(beyond(parseThreshold('1%'), 100_000, 101_000), 'exactly 1% is not beyond 1%');
  assert.ok(beyond(parseThreshold('1%'), 100_000, 98_000), 'either direction');
  assert.ok(beyond(parseThreshold('500'), 100_000, 100_501));
  assert.not.ok(beyond(parseThreshold('500'), 100_000, 100_500));
});

test('a 2% regression beyond 1% is named with the function that grew; 0.5% is within', () => {
  const c = compareSets(base(), regressed(), opts('1%'));
  assert.is(c.regressions, 1);
  const [first, second] = c.benchmarks;
  assert.is(first!.name, 'parse');
  assert.is(first!.verdict, 'regression');
  assert.is(first!.delta, 20_000);
  assert.is(first!.percent!.toFixed(2), '2.00');
  assert.equal(first!.functions!.map((f) => [f.name, f.delta]), [['eval', 20_000]], 'unchanged functions are not listed');
  assert.is(second!.verdict, 'changed');
  assert.is(second!.percent!.toFixed(2), '0.50');
  const msg = regressionMessage(c)!;
  assert.match(msg, /1 regression beyond 1%: parse \+2\.00% \(eval \+20,000\)/);
  assert.not.match(msg, /start/);
});

test('compare CLI: 2% regression with --threshold 1% exits 1, naming benchmark and function', async () => {
  const dir = tempDir();
  const b = writeJson(dir, 'base.json', results([['parse', handMade(1_000_000, { lex: 600_000, eval: 400_000 })]]));
  const n = writeJson(dir, 'new.json', results([['parse', handMade(1_020_000, { lex: 600_000, eval: 420_000 })]]));
  const report = path.join(dir, 'report.txt');
  const r = await ciCli(['compare', b, n, '--threshold', '1%', '--report', report]);
  assert.is(r.status, CI_EXIT.regression);
  assert.match(r.message, /parse \+2\.00% \(eval \+20,000\)/);
  const text = readFileSync(report, 'utf8');
  assert.match(text, /▲\s+parse\s+1,000,000\s+1,020,000\s+\+20,000\s+\+2\.00%/);
  assert.match(text, /eval \(forkexec\)\s+400,000\s+420,000\s+\+20,000\s+\+5\.00%/);
  assert.not.match(text, /\x1b\[/, 'no colour in a report file');
});

test('compare CLI: a 0.5% change with --threshold 1% exits 0', async () => {
  const dir = tempDir();
  const b = writeJson(dir, 'base.json', handMade(1_000_000));
  const n = writeJson(dir, 'new.json', handMade(1_005_000));
  const r = await ciCli(['compare', b, n, '--threshold', '1%', '--report', path.join(dir, 'r.txt')]);
  assert.is(r.status, 0, r.message);
  assert.match(readFileSync(path.join(dir, 'r.txt'), 'utf8'), /\+5,000\s+\+0\.50%/);
});

test('the default threshold is 1%; an absolute threshold works too', async () => {
  const dir = tempDir();
  const b = writeJson(dir, 'b.json', handMade(1_000_000));
  const n = writeJson(dir, 'n.json', handMade(1_015_000));
  const report = ['--report', path.join(dir, 'r')];
  assert.is((await ciCli(['compare', b, n, ...report])).status, 1);
  assert.is((await ciCli(['compare', b, n, '--threshold', '2%', ...report])).status, 0);
  assert.is((await ciCli(['compare', b, n, '--threshold', '15000', ...report])).status, 0);
  assert.is((await ciCli(['compare', b, n, '--threshold', '14999', ...report])).status, 1);
  assert.is((await ciCli(['compare', b, n, '--threshold', 'lots', ...report])).status, EXIT.usage);
});

test('improvements beyond the threshold are highlighted and pass', () => {
  const c = compareSets(base(), set([['parse', handMade(900_000, { lex: 500_000, eval: 400_000 })], ['start', handMade(500_000, { main: 500_000 })]]), opts());
  assert.is(c.regressions, 0);
  assert.is(c.improvements, 1);
  assert.is(regressionMessage(c), null);
  const text = renderCompareText(c, { color: true });
  assert.match(text, /\x1b\[32m\x1b\[1m▼  parse/, 'green ▼');
  assert.match(renderCompareText(c, { color: false }), /0 regressions, 1 improvement beyond 1% · 2 benchmarks \(1 unchanged\)/);
});

/** Splits a GFM table row into cells (pipes escaped with \ do not split). */
function cells(row: string): string[] {
  assert.match(row, /^\|.*\|$/, `table row: ${row}`);
  return row.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
}

function checkGfmTables(md: string): string[][][] {
  const lines = md.split('\n');
  const tables: string[][][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|')) continue;
    assert.is(lines[i - 1], '', 'a blank line before each table');
    const rows: string[][] = [];
    while (i < lines.length && lines[i]!.startsWith('|')) rows.push(cells(lines[i++]!));
    const width = rows[0]!.length;
    assert.ok(rows.length >= 2, 'header and delimiter row');
    assert.ok(rows[1]!.every((c) => /^:?-+:?$/.test(c)), `delimiter row: ${rows[1]}`);
    for (const r of rows) assert.is(r.length, width, `every row has ${width} cells: ${r.join(' | ')}`);
    tables.push(rows);
  }
  return tables;
}

test('markdown: valid GFM tables, regressions first with ▲, improvements with ▼', () => {
  const now = set([
    ['start', handMade(450_000, { main: 450_000 })],
    ['parse', handMade(1_020_000, { lex: 600_000, eval: 420_000 })],
    ['pipe|name', handMade(10)],
  ]);
  const md = renderCompareMarkdown(compareSets(base(), now, opts()));
  const [main, ...fns] = checkGfmTables(md);
  assert.equal(main![0], ['', 'Benchmark', 'Base', 'New', 'Δ', 'Δ %']);
  assert.equal(main![2], ['▲', '`parse`', '1,000,000', '1,020,000', '**+20,000**', '**+2.00%**']);
  assert.equal(main![3], ['▼', '`start`', '500,000', '450,000', '**-50,000**', '**-10.00%**']);
  assert.equal(main![4], ['+', '`pipe\\|name`', '—', '10', '', 'new benchmark']);
  assert.is(fns.length, 2, 'a function table per changed benchmark');
  assert.equal(fns[0]![2], ['`eval`', 'forkexec', '400,000', '420,000', '+20,000', '+5.00%']);
  assert.match(md, /^### stepcount: 1 regression, 1 improvement beyond 1%/);
  assert.match(md, /<details><summary>Functions that changed most/);
});

test('json: machine-readable verdicts and deltas', async () => {
  const dir = tempDir();
  const b = writeJson(dir, 'b.json', results([['parse', handMade(1_000_000, { lex: 600_000, eval: 400_000 })]]));
  const n = writeJson(dir, 'n.json', results([['parse', handMade(1_020_000, { lex: 600_000, eval: 420_000 })]]));
  const out = path.join(dir, 'c.json');
  assert.is((await ciCli(['compare', b, n, '--format', 'json', '--report', out])).status, 1);
  const c = JSON.parse(readFileSync(out, 'utf8')) as Comparison;
  assert.is(c.regressions, 1);
  assert.equal(c.threshold, { kind: 'percent', value: 1, text: '1%' });
  assert.equal({ ...c.benchmarks[0]!, functions: null, percent: null }, { name: 'parse', verdict: 'regression', base: 1_000_000, new: 1_020_000, delta: 20_000, percent: null, functions: null, inputsDiffer: [] });
  assert.is(c.benchmarks[0]!.functions![0]!.name, 'eval');
});

test('without per-function counts, function deltas are simply omitted', () => {
  const c = compareSets(set([['a', handMade(100)]]), set([['a', handMade(200)]]), opts());
  assert.is(c.benchmarks[0]!.functions, null);
  assert.not.match(renderCompareMarkdown(c), /<details>/);
});

test('benchmarks on one side only are listed as new or missing, not compared', () => {
  const c = compareSets(set([['a', handMade(100)], ['gone', handMade(5)]]), set([['a', handMade(100)], ['fresh', handMade(7)]]), opts());
  assert.equal(c.benchmarks.map((r) => [r.name, r.verdict]), [['a', 'unchanged'], ['fresh', 'added'], ['gone', 'removed']]);
  assert.is(c.regressions, 0);
});

test('an incomplete profile is an error, never a silent partial number', () => {
  const bad = handMade(10, undefined, (p) => {
    p.complete = false;
  });
  throwsStatus(() => compareSets(set([['a', handMade(100)]]), set([['a', bad]]), opts()), EXIT.dataErr, /benchmark "a": the new profile is incomplete/);
});

test('different programs are an error unless --force', () => {
  const other = handMade(100, undefined, (p) => {
    p.command = '/usr/bin/other';
  });
  throwsStatus(() => compareSets(set([['a', handMade(100)]]), set([['a', other]]), opts()), EXIT.dataErr, /different programs \(\/opt\/demo\/forkexec vs \/usr\/bin\/other\); use --force/);
  const c = compareSets(set([['a', handMade(100)]]), set([['a', other]]), opts('1%', { force: true }));
  assert.match(c.benchmarks[0]!.inputsDiffer.join(), /command: \/opt\/demo\/forkexec vs \/usr\/bin\/other/);
});

test('a profile of another schema version is refused with a clear error', async () => {
  const dir = tempDir();
  const b = writeJson(dir, 'b.json', handMade(100));
  const n = writeJson(dir, 'n.json', handMade(100, undefined, (p) => {
    p.schema = 2;
  }));
  const r = await ciCli(['compare', b, n]);
  assert.is(r.status, EXIT.dataErr);
  assert.match(r.message, /has profile schema 2; this stepcount reads schema 1/);
  const rn = writeJson(dir, 'rn.json', { ...results([['a', handMade(1)]]), schema: 7 });
  assert.match((await ciCli(['compare', b, rn])).message, /has results schema 7/);
});

test('it names the inputs that differ: environment, argv, cwd', () => {
  const now = handMade(100_500, undefined, (p) => {
    p.env = { count: p.env.count + 1, sha256: 'f'.repeat(64) };
    p.argv = ['./forkexec'];
    p.cwd = '/somewhere/else';
  });
  const c = compareSets(set([['a', handMade(100_000)]]), set([['a', now]]), opts());
  const differ = c.benchmarks[0]!.inputsDiffer.join('\n');
  assert.match(differ, /environment: 35 vs 36 variables/);
  assert.match(differ, /argv: \/opt\/demo\/forkexec vs \.\/forkexec/);
  assert.match(differ, /cwd: \/opt\/demo vs \/somewhere\/else/);
  assert.match(renderCompareText(c, { color: false }), /note: a: inputs differ: .*environment: 35 vs 36/);
  assert.match(renderCompareMarkdown(c), /⚠️ `a`: inputs differ: .*cwd/);
});

test('two plain profiles pair directly; a profile against a multi-benchmark file is refused', async () => {
  const dir = tempDir();
  const p1 = writeJson(dir, 'p1.json', handMade(100));
  const p2 = writeJson(dir, 'p2.json', handMade(300));
  const c = compareSets(loadBenchSet(p1), loadBenchSet(p2), opts());
  assert.is(c.benchmarks.length, 1);
  assert.is(c.benchmarks[0]!.name, '/opt/demo/forkexec');
  assert.is(c.benchmarks[0]!.verdict, 'regression');
  const many = writeJson(dir, 'many.json', results([['a', handMade(1)], ['b', handMade(2)]]));
  throwsStatus(() => compareSets(loadBenchSet(p1), loadBenchSet(many), opts()), EXIT.usage, /cannot match the single profile .*p1\.json against the 2 benchmarks/);
});

test('unreadable and non-profile inputs: one-line errors', async () => {
  const dir = tempDir();
  const missing = await ciCli(['compare', path.join(dir, 'nope.json'), path.join(dir, 'nope2.json')]);
  assert.is(missing.status, EXIT.noInput);
  const junk = writeJson(dir, 'junk.json', { hello: 1 } as unknown as Profile);
  assert.is((await ciCli(['compare', junk, junk])).status, EXIT.dataErr);
  const edited = results([['a', handMade(5)]]);
  edited.summary[0]!.instructions = 6;
  const e = writeJson(dir, 'edited.json', edited);
  const r = await ciCli(['compare', e, e]);
  assert.is(r.status, EXIT.dataErr);
  assert.match(r.message, /summary of "a" disagrees with its profile/);
});

test.run();
