// The HTML flame graph in a real headless browser (Debian's chromium driven by
// playwright-core), offline: every request that is not file: or data: is aborted and must
// not happen at all. Checks that it renders, names the hottest function, that hover, zoom and
// search work, and that a screenshot is not blank. Without /usr/bin/chromium the test is
// skipped with a notice, except in CI (CI set), where that is a failure (apt-get install chromium).
// FLAME_SCREENSHOT_DIR=dir keeps the screenshots for a person to look at.
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Attribution, FunctionCount } from '../src/attribution-types.js';
import { toFlameHtml } from '../src/export/flame-html.js';

// STEPCOUNT_CHROMIUM overrides the browser binary (Debian's chromium by default).
const CHROMIUM = process.env.STEPCOUNT_CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ROW = 18; // frame height in the page's canvas

/** [name, object, self, calls, children] */
type Spec = [string, string, number, number, Spec[]?];

/** Builds an Attribution from per-thread nested specs. */
function attribution(threads: Array<[label: string, top: Spec[]]>): Attribution {
  const tree = { parent: [] as number[], func: [] as number[], self: [] as number[], calls: [] as number[], label: [] as string[] };
  const fns: FunctionCount[] = [];
  const fnIndex = new Map<string, number>();
  const add = (parent: number, s: Spec, stack: string[]): number => {
    const [name, object, self, calls, kids = []] = s;
    let f = fnIndex.get(name);
    if (f === undefined) {
      fnIndex.set(name, (f = fns.length));
      fns.push({ name, object, self: 0, inclusive: 0, calls: 0 });
    }
    const node = tree.parent.length;
    tree.parent.push(parent);
    tree.func.push(f);
    tree.self.push(self);
    tree.calls.push(calls);
    tree.label.push('');
    fns[f]!.self += self;
    fns[f]!.calls += calls;
    let incl = self;
    for (const k of kids) incl += add(node, k, [...stack, name]);
    if (!stack.includes(name)) fns[f]!.inclusive += incl;
    return incl;
  };
  for (const [label, tops] of threads) {
    const root = tree.parent.length;
    tree.parent.push(-1);
    tree.func.push(-1);
    tree.self.push(0);
    tree.calls.push(0);
    tree.label.push(label);
    for (const s of tops) add(root, s, []);
  }
  // Attribution.functions is sorted by self: renumber the tree's function indices.
  const order = fns.map((_, i) => i).sort((x, y) => fns[y]!.self - fns[x]!.self || x - y);
  const newIndex = new Map(order.map((old, i) => [old, i]));
  tree.func = tree.func.map((f) => (f < 0 ? -1 : newIndex.get(f)!));
  return {
    objects: [],
    functions: order.map((i) => fns[i]!),
    lines: null,
    lineInfo: 'none',
    tree,
    syscalls: [],
    phases: [],
    files: [],
  };
}

const json = (depth: number): Spec => ['json_parse_value', 'demo', 900 + depth * 40, 3, depth > 0 ? [json(depth - 1), ['strtod', 'libc.so.6', 700, 12]] : []];

const DEMO = attribution([
  [
    '4242/4242 /usr/bin/demo',
    [
      ['_start', 'demo', 12, 1, [
        ['__libc_start_main', 'libc.so.6', 150, 1, [
          ['main', 'demo', 420, 1, [
            ['parse_args', 'demo', 2600, 1, [['strcmp', 'libc.so.6', 1900, 40]]],
            ['load_config', 'demo', 800, 1, [
              ['read_file', 'demo', 300, 1, [['read', 'libc.so.6', 1200, 6], ['malloc', 'libc.so.6', 2400, 9]]],
              ['json_parse', 'demo', 600, 1, [json(5)]],
            ]],
            ['process_items', 'demo', 5000, 1, [
              ['hash_item', 'demo', 3000, 500, [['sha256_transform', 'libcrypto.so.3', 95000, 4000]]],
              ['compress', 'demo', 2000, 20, [['deflate_slow', 'libz.so.1', 21000, 20, [['longest_match', 'libz.so.1', 30000, 9000]]]]],
              ['memcpy', 'libc.so.6', 4000, 700],
            ]],
            ['write_output', 'demo', 700, 1, [['fwrite', 'libc.so.6', 1500, 30, [['memcpy', 'libc.so.6', 900, 30]]]]],
          ]],
        ]],
      ]],
      ['_dl_start', 'ld-linux-x86-64.so.2', 900, 1, [
        ['_dl_relocate_object', 'ld-linux-x86-64.so.2', 6000, 4, [['_dl_lookup_symbol_x', 'ld-linux-x86-64.so.2', 11000, 300]]],
      ]],
    ],
  ],
  [
    '4242/4243 /usr/bin/demo',
    [['start_thread', 'libc.so.6', 40, 1, [['worker', 'demo', 3000, 1, [['sha256_transform', 'libcrypto.so.3', 40000, 1500], ['memcpy', 'libc.so.6', 2500, 300]]]]]],
  ],
]);

test('flame graph renders offline in headless chromium', async () => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) assert.unreachable(`${CHROMIUM} is missing: CI must install Debian's chromium package`);
    console.log(`\n  SKIP flame-browser: ${CHROMIUM} not installed (apt-get install chromium); not CI, so passing`);
    return;
  }
  assert.is(DEMO.functions[0]!.name, 'sha256_transform', 'fixture: the hottest function');

  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stepcount-flame-'));
  const htmlPath = path.join(dir, 'flame.html');
  writeFileSync(htmlPath, toFlameHtml(DEMO, 'demo --items 500'));

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, deviceScaleFactor: 1 });
    const blocked: string[] = [];
    await context.route('**', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });

    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 10_000 });

    // The hottest function is named in the visible text.
    const hottest = await page.locator('#hottest').innerText();
    assert.match(hottest, /hottest: sha256_transform/);
    assert.match(await page.locator('body').innerText(), /sha256_transform/);

    // The canvas has frames drawn: many non-blank pixels in several colours.
    const pixels = () =>
      page.evaluate(() => {
        const c = document.getElementById('flame') as HTMLCanvasElement;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let painted = 0,
          magenta = 0;
        const colours = new Set<number>();
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3]! > 0) painted++;
          colours.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
          if (Math.abs(d[i]! - 214) < 4 && Math.abs(d[i + 1]! - 90) < 4 && Math.abs(d[i + 2]! - 214) < 4) magenta++;
        }
        return { w: c.width, h: c.height, painted, colours: colours.size, magenta };
      });
    const px = await pixels();
    assert.ok(px.w >= 1000 && px.h >= ROW * 10, `canvas ${px.w}x${px.h}`);
    assert.ok(px.painted > px.w * px.h * 0.3, `painted ${px.painted} of ${px.w * px.h}`);
    assert.ok(px.colours > 20, `${px.colours} colours`);
    assert.is(px.magenta, 0, 'nothing highlighted before a search');

    const screenshot = path.join(dir, 'flame.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    const size = statSync(screenshot).size;
    assert.ok(size > 20_000, `screenshot is ${size} bytes`);

    // Hover: row 0 is "all", row 1 the busier thread, row 2 its heaviest frame (_start).
    const box = (await page.locator('#flame').boundingBox())!;
    await page.mouse.move(box.x + 8, box.y + 2 * ROW + ROW / 2);
    const tip = page.locator('#tip');
    await tip.waitFor({ state: 'visible', timeout: 5_000 });
    const tipText = await tip.innerText();
    assert.match(tipText, /^_start$/m);
    assert.match(tipText, /object: demo/);
    assert.match(tipText, /inclusive: [\d,]+ instructions \(\d+\.\d\d% of all\)/);

    // Click zooms into the frame; Reset zooms out.
    await page.mouse.click(box.x + 8, box.y + 2 * ROW + ROW / 2);
    assert.is(await page.locator('#flame').getAttribute('data-zoom'), '_start');
    assert.match(await page.locator('#status').innerText(), /zoomed: _start/);
    await page.click('#reset');
    assert.is(await page.locator('#flame').getAttribute('data-zoom'), '');

    // Search highlights the matching frames and totals them.
    await page.fill('#search', 'sha256');
    await page.waitForFunction(() => /matched/.test(document.getElementById('status')!.textContent ?? ''), null, {
      timeout: 5_000,
    });
    const hits = 95000 + 40000;
    assert.match(await page.locator('#status').innerText(), new RegExp(`matched 2 frames, ${hits.toLocaleString('en-US')} instructions`));
    assert.ok((await pixels()).magenta > 500, 'matching frames are highlighted');
    const searched = path.join(dir, 'flame-search.png');
    await page.screenshot({ path: searched, fullPage: true });

    assert.equal(blocked, [], 'the page made no network request');
    assert.equal(errors, [], 'no script errors');

    if (process.env.FLAME_SCREENSHOT_DIR) {
      copyFileSync(screenshot, path.join(process.env.FLAME_SCREENSHOT_DIR, 'flame.png'));
      copyFileSync(searched, path.join(process.env.FLAME_SCREENSHOT_DIR, 'flame-search.png'));
      copyFileSync(htmlPath, path.join(process.env.FLAME_SCREENSHOT_DIR, 'flame.html'));
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
