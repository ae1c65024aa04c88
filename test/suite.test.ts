// bench, baselines, merge, exports, repeated runs and environment control. Traces only small
// static fixtures, except the determinism check: ten runs of /bin/true (~3 s each).
import { Ajv } from 'ajv';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildEnv, collectEnvOption, suiteEnv } from '../src/ci/env.js';
import { toBmf, toGithubActionBenchmark } from '../src/ci/export.js';
import { loadResults, type ResultsFile } from '../src/ci/results.js';
import { checkStable, describeRuns, runRepeated, runStats } from '../src/ci/runs.js';
import { CI_EXIT } from '../src/ci/status.js';
import { checkSuite, filterBenchmarks, loadSuite } from '../src/ci/suite.js';
import { SUITE_SCHEMA } from '../src/ci/suite-schema.js';
import { writeOutput } from '../src/ci/write-file.js';
import { CliError, EXIT } from '../src/errors.js';
import { tempDir } from './helpers/cli.js';
import { ciCli, handMade, results, writeJson } from './helpers/ci.js';
import { buildFixture, expected, projectRoot } from './helpers/fixtures.js';

function suiteError(data: unknown): CliError {
  try {
    checkSuite(data, 'suite.json');
  } catch (e) {
    assert.instance(e, CliError);
    return e as CliError;
  }
  throw new Error('expected a suite error');
}

function writeSuite(dir: string, benchmarks: unknown[], name = 'suite.json'): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify({ benchmarks }));
  return file;
}

const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;

test('suite schema errors name the entry and the field', () => {
  const ok = { name: 'a', command: 'true' };
  const cases: [unknown, RegExp][] = [
    [{ benchmarks: [ok, { name: 'b', command: 'x', args: ['-v', 3] }] }, /^suite\.json: benchmark #2 "b": field "args\[1\]": must be string$/],
    [{ benchmarks: [ok, { name: 'b', comand: 'x' }] }, /benchmark #2 "b": unknown field "comand"/],
    [{ benchmarks: [{ command: 'x' }] }, /benchmark #1: missing field "name"/],
    [{ benchmarks: [{ name: 'a', command: 'x', env: { 'A=B': '1' } }] }, /benchmark #1 "a": field "env": bad variable name "A=B"/],
    [{ benchmarks: [{ name: 'a', command: 'x', env: { A: 1 } }] }, /field "env\.A": must be string or null/],
    [{ benchmarks: [{ name: 'a', command: 'x', exitStatus: 256 }] }, /field "exitStatus": must be <= 255/],
    [{ benchmarks: [] }, /suite file: field "benchmarks": must NOT have fewer than 1 items/],
    [{ benchmarks: [ok, { ...ok }] }, /duplicate benchmark name "a"/],
    [[ok], /suite file: must be object/],
  ];
  for (const [data, re] of cases) {
    const e = suiteError(data);
    assert.is(e.status, EXIT.dataErr);
    assert.match(e.message, re);
  }
});

test('bench: a suite error, a missing suite and a bad --filter are one-line errors', async () => {
  const dir = tempDir();
  const bad = writeSuite(dir, [{ name: 'x', command: 'true', argz: [] }]);
  const r = await ciCli(['bench', bad, '--baseline-dir', path.join(dir, 'b')]);
  assert.is(r.status, EXIT.dataErr);
  assert.match(r.message, /suite\.json: benchmark #1 "x": unknown field "argz"/);
  assert.is((await ciCli(['bench', path.join(dir, 'none.json'), '--baseline-dir', dir])).status, EXIT.noInput);
  const good = writeSuite(dir, [{ name: 'x', command: 'true' }], 'good.json');
  const f = await ciCli(['bench', good, '--filter', 'zzz', '--baseline-dir', dir]);
  assert.is(f.status, EXIT.usage);
  assert.match(f.message, /--filter zzz matches no benchmark \(names: x\)/);
  assert.is((await ciCli(['bench', good, '--filter', '(', '--baseline-dir', dir])).status, EXIT.usage);
  const nb = await ciCli(['bench', good, '--baseline', 'main', '--baseline-dir', path.join(dir, 'empty')]);
  assert.is(nb.status, EXIT.noInput);
  assert.match(nb.message, /no baseline "main" in .*empty\/ \(save one first with: stepcount bench SUITE --save-baseline main\)/);
});

test('suite entries read stdin from a file and can count one function', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'input.txt'), 'line one\nline two\n');
  const work = await buildFixture('region_work', { static: false });
  const suite = writeSuite(dir, [
    { name: 'wc', command: 'wc', args: ['-l'], stdin: 'input.txt' },
    { name: 'work', command: work, function: 'work' },
  ]);
  const out = path.join(dir, 'results.json');
  const r = await ciCli(['bench', suite, '-q', '-o', out, '--report', path.join(dir, 'report.txt')]);
  assert.is(r.status, 0, r.message);
  const res = loadResults(out);
  const wc = res.benchmarks.find((b) => b.name === 'wc')!.profile;
  const read = wc.syscalls.records.filter((x) => x[1] === 0 && x[5][0] === '0x0');
  assert.ok(read.some((x) => x[2] === 18), 'wc read the 18 bytes of input.txt from its stdin');
  // work() executes 2,002 instructions per call, 3 calls: only those are counted
  assert.is(res.benchmarks.find((b) => b.name === 'work')!.profile.totals.instructions, 6006);

  const missing = writeSuite(dir, [{ name: 'x', command: 'cat', stdin: 'nope.txt' }], 'missing.json');
  const m = await ciCli(['bench', missing, '-q', '-o', path.join(dir, 'r2.json')]);
  assert.is(m.status, EXIT.noInput);
  assert.match(m.message, /benchmark "x": cannot read the stdin file nope\.txt/);
});

test('--filter picks benchmarks by regular expression; JS suites load too', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'suite.mjs');
  writeFileSync(file, `export default { benchmarks: ['parse-small', 'parse-big', 'eval'].map((name) => ({ name, command: 'true' })) };\n`);
  const suite = await loadSuite(file);
  assert.equal(filterBenchmarks(suite.benchmarks, '^parse-').map((b) => b.name), ['parse-small', 'parse-big']);
  assert.is(filterBenchmarks(suite.benchmarks, undefined).length, 3);
  assert.is(suite.dir, dir);
});

test('environment: run passes it through unless asked; suites start from a small fixed set', () => {
  const parent = { PATH: '/p', HOME: '/h', SECRET: 's', TERM: 'xterm' };
  assert.is(buildEnv({}, parent), undefined, 'unchanged: record uses process.env');
  assert.equal(buildEnv({ env: ['A=1'] }, parent), { ...parent, A: '1' });
  assert.equal(buildEnv({ envClear: true, env: ['A=1=2', 'TERM', 'UNSET'] }, parent), { A: '1=2', TERM: 'xterm' });
  assert.equal(buildEnv({ envClear: true }, parent), {});
  assert.throws(() => collectEnvOption('=x', undefined), /bad environment variable name/);
  assert.equal(collectEnvOption('B=2', ['A=1']), ['A=1', 'B=2']);
  assert.equal(suiteEnv([], parent), { PATH: '/p', HOME: '/h', LANG: 'C', TZ: 'UTC' });
  assert.equal(suiteEnv([{ X: '1', TZ: null }, { X: '2' }], parent), { PATH: '/p', HOME: '/h', LANG: 'C', X: '2' });
});

test('run statistics: min/median/max and spread; --require-stable fails with status 3', () => {
  const s = runStats([5, 3, 9, 3]);
  assert.equal([s.min, s.median, s.max, s.stable], [3, 3, 9, false]);
  assert.match(describeRuns(s), /4 runs: min 3 · median 3 · max 9 · spread 6/);
  try {
    checkStable(s, 'benchmark "x"');
    assert.unreachable();
  } catch (e) {
    assert.is((e as CliError).status, CI_EXIT.unstable);
    assert.match((e as Error).message, /benchmark "x" is not deterministic: 4 runs/);
  }
  checkStable(runStats([7, 7, 7]), 'x');
  assert.match(describeRuns(runStats([7, 7, 7])), /all identical/);
});

test('ten runs of a dynamic program (/bin/true) count exactly the same', async () => {
  const { profile, stats } = await runRepeated({ argv: ['/bin/true'], env: suiteEnv([]) }, 10);
  assert.is(stats.counts.length, 10);
  assert.ok(stats.min > 50_000, `a dynamic program runs the loader: ${stats.min}`);
  assert.equal(new Set(stats.counts).size, 1, `counts: ${stats.counts.join(', ')}`);
  assert.ok(stats.stable);
  assert.is(profile.totals.instructions, stats.median);
  assert.is(profile.env.count, 4, 'PATH, HOME, LANG, TZ');
});

test('bench --runs 5 reports zero spread (static fixture)', async () => {
  const dir = tempDir();
  const bin = await buildFixture('loop', { defines: { ITER: 500 } });
  const suite = writeSuite(dir, [{ name: 'loop', command: bin }]);
  const out = path.join(dir, 'results.json');
  const report = path.join(dir, 'report.txt');
  const r = await ciCli(['bench', suite, '-q', '--runs', '5', '--require-stable', '-o', out, '--report', report]);
  assert.is(r.status, 0, r.message);
  const res = loadResults(out);
  assert.equal(res.benchmarks[0]!.runs, [1006, 1006, 1006, 1006, 1006]);
  assert.equal(res.summary[0], { name: 'loop', instructions: 1006, runs: 5, min: 1006, median: 1006, max: 1006, stable: true, exitStatus: 0 });
  assert.match(readFileSync(report, 'utf8'), /loop\s+1,006\s+5\s+1,006\s+1,006\s+identical/);
  assert.is((await ciCli(['bench', suite, '--runs', '0'])).status, EXIT.usage);
});

test('bench + baseline round trip: save, unchanged passes, a regression fails naming it', async () => {
  const dir = tempDir();
  const baseDir = path.join(dir, 'baselines');
  const prog = path.join(dir, 'prog');
  copyFileSync(await buildFixture('loop', { defines: { ITER: 1000 } }), prog);
  const suite = writeSuite(dir, [{ name: 'loop', command: './prog' }, { name: 'loop-again', command: './prog', args: ['x'] }]);
  const common = ['-q', '--baseline-dir', baseDir, '--report', path.join(dir, 'report.md'), '--format', 'markdown'];

  const saved = await ciCli(['bench', suite, '--save-baseline', 'main', ...common]);
  assert.is(saved.status, 0, saved.message);
  const latest = readJson<ResultsFile>(path.join(baseDir, 'latest.json'));
  assert.equal(Object.keys(latest).slice(0, 5), ['format', 'schema', 'tool', 'createdAt', 'summary'], 'summary before the profiles');
  assert.equal(latest.summary.map((s) => s.instructions), [expected.loop(1000), expected.loop(1000)]);
  assert.is(latest.benchmarks[0]!.profile.argv[0], './prog', 'argv as written in the suite');
  assert.is(latest.benchmarks[0]!.profile.cwd, dir, 'cwd defaults to the suite directory');
  assert.is(latest.benchmarks[0]!.profile.env.count, 4);
  assert.ok(existsSync(path.join(baseDir, 'main.json')));

  const same = await ciCli(['bench', suite, '--baseline', 'main', '--threshold', '1%', ...common]);
  assert.is(same.status, 0, same.message);
  assert.match(readFileSync(path.join(dir, 'report.md'), 'utf8'), /0 regressions, 0 improvements beyond 1% · 2 benchmarks \(2 unchanged\)/);

  copyFileSync(await buildFixture('loop', { defines: { ITER: 1050 } }), prog); // +100 instructions: +4.99%
  const worse = await ciCli(['bench', suite, '--baseline', 'main', '--threshold', '1%', '--filter', '^loop$', ...common]);
  assert.is(worse.status, CI_EXIT.regression);
  assert.match(worse.message, /1 regression beyond 1%: loop \+4\.99%/);
  const md = readFileSync(path.join(dir, 'report.md'), 'utf8');
  assert.match(md, /\| ▲ \| `loop` \| 2,006 \| 2,106 \| \*\*\+100\*\* \| \*\*\+4\.99%\*\* \|/);
  assert.not.match(md, /loop-again/, 'filtered-out baseline entries are not reported missing');
  assert.is((await ciCli(['bench', suite, '--baseline', 'main', '--threshold', '5%', ...common])).status, 0);
});

test('bench: a command that exits with an unexpected status is a failure (status 4)', async () => {
  const dir = tempDir();
  const bin = await buildFixture('exitcode');
  const r = await ciCli(['bench', writeSuite(dir, [{ name: 'exits', command: bin }]), '-q', '--baseline-dir', dir, '--report', path.join(dir, 'r')]);
  assert.is(r.status, CI_EXIT.benchFailed);
  assert.match(r.message, /benchmark "exits": its command exited with status 42, expected 0/);
  const ok = await ciCli(['bench', writeSuite(dir, [{ name: 'exits', command: bin, exitStatus: 42 }]), '-q', '--baseline-dir', dir, '--report', path.join(dir, 'r')]);
  assert.is(ok.status, 0, ok.message);
  const nf = await ciCli(['bench', writeSuite(dir, [{ name: 'nf', command: './missing' }]), '-q', '--baseline-dir', dir]);
  assert.is(nf.status, EXIT.notFound);
  assert.match(nf.message, /^benchmark "nf": command not found/);
});

const BMF_SCHEMA = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['instructions'],
    additionalProperties: false,
    properties: {
      instructions: {
        type: 'object',
        required: ['value'],
        additionalProperties: false,
        properties: { value: { type: 'number' }, lower_value: { type: 'number' }, upper_value: { type: 'number' } },
      },
    },
  },
};
const GAB_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['name', 'unit', 'value'],
    additionalProperties: false,
    properties: { name: { type: 'string' }, unit: { type: 'string' }, value: { type: 'number' }, range: { type: 'string' }, extra: { type: 'string' } },
  },
};

test('exports: BMF and github-action-benchmark files validate against their documented shapes', async () => {
  const dir = tempDir();
  const bin = await buildFixture('loop', { defines: { ITER: 10 } });
  const suite = writeSuite(dir, [{ name: 'loop', command: bin }, { name: 'loop 2', command: bin, args: ['a'] }]);
  const bmf = path.join(dir, 'bmf.json');
  const gab = path.join(dir, 'gab.json');
  const native = path.join(dir, 'native.json');
  const r = await ciCli(['bench', suite, '-q', '-o', path.join(dir, 'res.json'), '--report', path.join(dir, 'r'), '--export', 'bmf', bmf, '--export', 'github-action-benchmark', gab, 'json', native]);
  assert.is(r.status, 0, r.message);
  const ajv = new Ajv({ strict: true });
  const b = readJson<unknown>(bmf);
  assert.ok(ajv.validate(BMF_SCHEMA, b), ajv.errorsText());
  assert.equal(b, { loop: { instructions: { value: 26 } }, 'loop 2': { instructions: { value: 26 } } });
  const g = readJson<unknown>(gab);
  assert.ok(ajv.validate(GAB_SCHEMA, g), ajv.errorsText());
  assert.equal(g, [{ name: 'loop', unit: 'instructions', value: 26 }, { name: 'loop 2', unit: 'instructions', value: 26 }]);
  assert.is(loadResults(native).summary.length, 2);

  const many = results([['x', handMade(10)]]);
  many.benchmarks[0]!.runs = [10, 10, 12];
  many.summary[0] = { ...many.summary[0]!, runs: 3, min: 10, median: 10, max: 12, stable: false };
  assert.equal(toBmf(many), { x: { instructions: { value: 10, lower_value: 10, upper_value: 12 } } });
  assert.ok(ajv.validate(BMF_SCHEMA, toBmf(many)));
  assert.ok(ajv.validate(GAB_SCHEMA, toGithubActionBenchmark(many)));
  assert.is((await ciCli(['bench', suite, '--export', 'csv', path.join(dir, 'x.csv')])).status, EXIT.usage);
});

test('merge: shards combine into one results file; duplicate names are an error', async () => {
  const dir = tempDir();
  const a = writeJson(dir, 'a.json', results([['one', handMade(100)], ['two', handMade(200)]]));
  const b = writeJson(dir, 'b.json', results([['three', handMade(300)]]));
  const out = path.join(dir, 'all.json');
  const bmf = path.join(dir, 'all.bmf.json');
  const r = await ciCli(['merge', a, b, '-o', out, '--export', 'bmf', bmf]);
  assert.is(r.status, 0, r.message);
  const all = loadResults(out);
  assert.equal(all.summary.map((s) => [s.name, s.instructions]), [['one', 100], ['two', 200], ['three', 300]]);
  assert.equal(Object.keys(readJson<object>(bmf)), ['one', 'two', 'three']);

  const dup = writeJson(dir, 'dup.json', results([['two', handMade(222)]]));
  const d = await ciCli(['merge', a, b, dup, '-o', path.join(dir, 'bad.json')]);
  assert.is(d.status, EXIT.dataErr);
  assert.match(d.message, /duplicate benchmark "two" in .*a\.json and .*dup\.json/);
  assert.not.ok(existsSync(path.join(dir, 'bad.json')), 'nothing written');
  assert.is((await ciCli(['merge', a, b])).status, EXIT.usage, '-o is required');
  const profile = writeJson(dir, 'p.json', handMade(1));
  assert.match((await ciCli(['merge', a, profile, '-o', out])).message, /not a valid stepcount results file/);
});

test('reports into a FIFO or device are written in place, never renamed over it', async () => {
  const fifo = path.join(tempDir(), 'fifo');
  assert.is(spawnSync('mkfifo', [fifo]).status, 0);
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
  let got = '';
  reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
  const done = new Promise((r) => reader.on('close', r));
  writeOutput(fifo, 'report\n');
  await done;
  assert.is(got, 'report\n');
  assert.ok(statSync(fifo).isFIFO(), 'still a FIFO');
});

test('the shipped JSON schema and example suite match the code', async () => {
  const shipped = readJson<unknown>(path.join(projectRoot, 'examples', 'stepcount-suite.schema.json'));
  assert.equal(shipped, JSON.parse(JSON.stringify(SUITE_SCHEMA)));
  const suite = await loadSuite(path.join(projectRoot, 'examples', 'suite.json'));
  assert.ok(suite.benchmarks.length >= 2);
});

test.run();
