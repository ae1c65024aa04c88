// A self-contained HTML flame graph (an icicle: thread roots at the top, callees below),
// drawn on a canvas by a small inline script. Nothing is fetched: no external scripts,
// styles, fonts or images, and a Content-Security-Policy forbids any network request, so the
// file opens offline in any browser. Frame widths are proportional to exact inclusive
// instruction counts; hover shows name, object, inclusive/self counts and percentages, a
// click zooms into a frame (Reset or Escape zooms out), and the search box highlights
// matching frames and tells what share of the instructions they cover.
//
// The call tree is embedded as JSON in <script type="application/json" id="flame-data">
// with '<', '>' and '&' written as \u escapes, so no name can close the script element.
import type { Attribution } from '../attribution-types.js';
import { hottestFunction, indexTree, nodeName, treeTotal } from './tree.js';

/** What the page's script reads from #flame-data. */
export interface FlameData {
  title: string;
  total: number;
  /** Attribution.functions as [name, object]. */
  funcs: Array<[string, string]>;
  tree: { parent: number[]; func: number[]; self: number[]; calls: number[] };
  /** Labels of the root nodes, by node index. */
  labels: Record<string, string>;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element: no '<', '>', '&' or JS line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (part: number, whole: number) => (whole > 0 ? ((100 * part) / whole).toFixed(2) : '0.00');

export function flameData(a: Attribution, title: string): FlameData {
  const t = a.tree;
  const idx = indexTree(t);
  const labels: Record<string, string> = {};
  for (const r of idx.roots) labels[r] = nodeName(a, r);
  return {
    title,
    total: treeTotal(a, idx),
    funcs: a.functions.map((f) => [f.name, f.object]),
    tree: { parent: t.parent, func: t.func, self: t.self, calls: t.calls },
    labels,
  };
}

export function toFlameHtml(a: Attribution, title: string): string {
  const data = flameData(a, title);
  const hot = hottestFunction(a);
  const threads = Object.keys(data.labels).length;
  const hottest = hot
    ? `hottest: <b id="hottest-name">${escapeHtml(hot.name)}</b>` +
      (hot.object ? ` <span class="dim">(${escapeHtml(hot.object)})</span>` : '') +
      ` &mdash; ${int(hot.self)} self instructions (${pct(hot.self, data.total)}%)`
    : 'hottest: <b id="hottest-name">(none)</b>';
  const top = [...a.functions]
    .sort((x, y) => y.self - x.self)
    .slice(0, 10)
    .filter((f) => f.self > 0)
    .map(
      (f) =>
        `<tr><td class="num">${int(f.self)}</td><td class="num">${pct(f.self, data.total)}%</td>` +
        `<td class="num">${int(f.inclusive)}</td><td class="num">${int(f.calls)}</td>` +
        `<td>${escapeHtml(f.name)}</td><td class="dim">${escapeHtml(f.object)}</td></tr>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="stepcount">
<title>${escapeHtml(title)} &mdash; stepcount flame graph</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<div class="meta">${int(data.total)} instructions (exact) &middot; ${threads} thread${threads === 1 ? '' : 's'} &middot; ${a.functions.length} functions</div>
<div class="meta" id="hottest">${hottest}</div>
<div class="controls">
<button id="reset" type="button" title="Zoom out to everything (Esc)">Reset zoom</button>
<input id="search" type="search" placeholder="Search functions (text or /regex/)" autocomplete="off" spellcheck="false">
<span id="status"></span>
</div>
</header>
<main>
<div id="chart"><canvas id="flame"></canvas></div>
<div id="tip" role="tooltip" hidden></div>
<noscript><p>This flame graph needs JavaScript; the top functions are listed below.</p></noscript>
<h2>Top functions by self count</h2>
<table id="top">
<thead><tr><th class="num">self</th><th class="num">%</th><th class="num">inclusive</th><th class="num">calls</th><th>function</th><th>object</th></tr></thead>
<tbody>
${top}
</tbody>
</table>
</main>
<script type="application/json" id="flame-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#222;background:#fafafa}
header{padding:10px 14px 6px;border-bottom:1px solid #ddd;background:#fff;position:sticky;top:0;z-index:2}
h1{font-size:18px;margin:0 0 2px;word-break:break-all}
h2{font-size:15px;margin:18px 14px 6px}
.meta{color:#444}
.dim{color:#777}
.controls{margin-top:6px;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
#search{width:320px;max-width:60vw;padding:3px 6px;font:inherit}
button{font:inherit;padding:2px 10px}
#status{color:#555}
main{padding:8px 14px 24px}
#chart{position:relative;width:100%;overflow-x:hidden}
#flame{display:block;cursor:pointer}
#tip{position:fixed;z-index:5;pointer-events:none;background:#fffff0;border:1px solid #999;border-radius:3px;padding:5px 8px;font-size:12px;box-shadow:0 2px 6px rgba(0,0,0,.2);max-width:70vw;word-break:break-all}
#tip .n{font-weight:bold}
table{border-collapse:collapse;margin:0 14px;font-size:13px}
th,td{padding:2px 8px;text-align:left;border-bottom:1px solid #eee}
.num{text-align:right;font-variant-numeric:tabular-nums}
`;

// The page's script: plain ES2017, no dependencies. Kept free of backticks and dollar-brace
// so it can live in this template literal verbatim.
const SCRIPT = String.raw`
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('flame-data').textContent);
  var P = D.tree.parent, F = D.tree.func, S = D.tree.self, C = D.tree.calls;
  var n = P.length, ROOT = n;
  var canvas = document.getElementById('flame'), ctx = canvas.getContext('2d');
  var tip = document.getElementById('tip'), statusEl = document.getElementById('status');
  var search = document.getElementById('search');
  var ROW = 18, FONT = '12px "DejaVu Sans Mono", Menlo, Consolas, monospace';

  // Tree: children, pre-order, depth, inclusive counts, x offsets (children left-heavy).
  var kids = new Array(n + 1), i, k;
  for (i = 0; i <= n; i++) kids[i] = [];
  for (i = 0; i < n; i++) kids[P[i] < 0 ? ROOT : P[i]].push(i);
  var parentOf = function (x) { return x === ROOT ? -1 : (P[x] < 0 ? ROOT : P[x]); };
  var order = [], depth = new Int32Array(n + 1), incl = new Float64Array(n + 1), xs = new Float64Array(n + 1);
  var stack = [ROOT], maxDepth = 0;
  while (stack.length) {
    var v = stack.pop();
    order.push(v);
    for (k = 0; k < kids[v].length; k++) {
      depth[kids[v][k]] = depth[v] + 1;
      if (depth[v] + 1 > maxDepth) maxDepth = depth[v] + 1;
      stack.push(kids[v][k]);
    }
  }
  for (i = order.length - 1; i >= 0; i--) {
    var u = order[i];
    if (u !== ROOT) { incl[u] += S[u]; incl[parentOf(u)] += incl[u]; }
  }
  for (i = 0; i <= n; i++) kids[i].sort(function (a, b) { return incl[b] - incl[a] || a - b; });
  for (i = 0; i < order.length; i++) {
    var cx = xs[order[i]], ch = kids[order[i]];
    for (k = 0; k < ch.length; k++) { xs[ch[k]] = cx; cx += incl[ch[k]]; }
  }
  var TOTAL = incl[ROOT];

  function name(x) {
    if (x === ROOT) return 'all';
    if (F[x] < 0) return D.labels[x] || ('[root ' + x + ']');
    var f = D.funcs[F[x]];
    return f ? f[0] : '[unknown]';
  }
  function object(x) {
    if (x === ROOT || F[x] < 0) return '';
    var f = D.funcs[F[x]];
    return f ? f[1] : '';
  }
  function fmt(v) { return Math.round(v).toLocaleString('en-US'); }
  function pct(a, b) { return b > 0 ? (100 * a / b).toFixed(2) : '0.00'; }

  // Colours: warm hues hashed from the name, blue-grey for thread roots and "all".
  var colourCache = {};
  function colour(x) {
    if (x === ROOT) return '#c9ced6';
    if (F[x] < 0) return '#a9bcd6';
    var s = name(x), c = colourCache[s];
    if (c) return c;
    var h = 2166136261;
    for (var j = 0; j < s.length; j++) { h ^= s.charCodeAt(j); h = Math.imul(h, 16777619); }
    h >>>= 0;
    c = 'hsl(' + (h % 50) + ',' + (75 + (h >>> 8) % 20) + '%,' + (55 + (h >>> 16) % 14) + '%)';
    colourCache[s] = c;
    return c;
  }

  var zoom = ROOT, hover = -1, matched = null, rows = [], top = 0, W = 0, charW = 7;

  function layout() {
    // Visible frames per row, left to right; frames under half a pixel (and so all their
    // callees) are skipped. Rows start a little above the zoomed frame on deep stacks.
    var dpr = window.devicePixelRatio || 1;
    var maxRows = Math.max(20, Math.floor(30000 / (ROW * dpr)));
    W = canvas.parentNode.clientWidth || 800;
    top = Math.max(0, depth[zoom] - 8);
    rows = [];
    var z0 = xs[zoom], scale = W / Math.max(1, incl[zoom]);
    var work = [ROOT], truncated = false;
    while (work.length) {
      var x = work.pop();
      var x0 = (xs[x] - z0) * scale, x1 = (xs[x] + incl[x] - z0) * scale;
      if (x1 <= 0 || x0 >= W || x1 - x0 < 0.5 && x !== zoom) continue;
      var r = depth[x] - top;
      if (r >= maxRows) { truncated = true; continue; }
      if (r >= 0) (rows[r] || (rows[r] = [])).push([Math.max(0, x0), Math.min(W, x1), x]);
      for (var j = kids[x].length - 1; j >= 0; j--) work.push(kids[x][j]);
    }
    for (var q = 0; q < rows.length; q++) if (!rows[q]) rows[q] = [];
    return { dpr: dpr, truncated: truncated };
  }

  function draw() {
    var L = layout(), dpr = L.dpr, H = Math.max(1, rows.length) * ROW;
    canvas.width = Math.round(W * dpr);
    canvas.height = Math.round(H * dpr);
    canvas.style.width = W + 'px';
    canvas.style.height = H + 'px';
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    ctx.font = FONT;
    ctx.textBaseline = 'middle';
    charW = ctx.measureText('M').width || 7;
    for (var r = 0; r < rows.length; r++) {
      var y = r * ROW;
      for (var j = 0; j < rows[r].length; j++) {
        var f = rows[r][j], x = f[2], w = f[1] - f[0];
        ctx.globalAlpha = depth[x] < depth[zoom] ? 0.55 : 1;
        ctx.fillStyle = matched && matched[x] ? '#d65ad6' : colour(x);
        ctx.fillRect(f[0], y, w > 2 ? w - 1 : w, ROW - 1);
        if (x === hover) {
          ctx.globalAlpha = 1;
          ctx.strokeStyle = '#222';
          ctx.lineWidth = 1;
          ctx.strokeRect(f[0] + 0.5, y + 0.5, Math.max(1, w - 2), ROW - 2);
        }
        var room = Math.floor((w - 6) / charW);
        if (room >= 3) {
          var label = name(x);
          if (label.length > room) label = label.slice(0, room - 2) + '..';
          ctx.globalAlpha = 1;
          ctx.fillStyle = '#111';
          ctx.fillText(label, f[0] + 3, y + ROW / 2);
        }
      }
    }
    ctx.globalAlpha = 1;
    updateStatus(L.truncated);
  }

  var searchNote = '';
  function updateStatus(truncated) {
    var parts = [];
    if (!TOTAL) parts.push('no instructions recorded');
    if (zoom !== ROOT) parts.push('zoomed: ' + name(zoom) + ' (' + pct(incl[zoom], TOTAL) + '%)');
    if (searchNote) parts.push(searchNote);
    if (truncated) parts.push('deeper frames not shown: click a frame to zoom');
    statusEl.textContent = parts.join(' \u00b7 ');
    canvas.setAttribute('data-zoom', zoom === ROOT ? '' : name(zoom));
  }

  function frameAt(ev) {
    var rect = canvas.getBoundingClientRect();
    var mx = ev.clientX - rect.left, r = Math.floor((ev.clientY - rect.top) / ROW);
    var row = rows[r];
    if (!row) return -1;
    for (var j = 0; j < row.length; j++) if (mx >= row[j][0] && mx < row[j][1]) return row[j][2];
    return -1;
  }

  function showTip(x, ev) {
    tip.textContent = '';
    var add = function (cls, text) { var d = document.createElement('div'); if (cls) d.className = cls; d.textContent = text; tip.appendChild(d); };
    add('n', name(x));
    if (object(x)) add('', 'object: ' + object(x));
    add('', 'inclusive: ' + fmt(incl[x]) + ' instructions (' + pct(incl[x], TOTAL) + '% of all' +
      (zoom !== ROOT ? ', ' + pct(incl[x], incl[zoom]) + '% of zoom' : '') + ')');
    if (x !== ROOT) add('', 'self: ' + fmt(S[x]) + ' (' + pct(S[x], TOTAL) + '%)' + (F[x] >= 0 ? ' \u00b7 calls: ' + fmt(C[x]) : ''));
    tip.hidden = false;
    var tx = ev.clientX + 14, ty = ev.clientY + 14;
    var tw = tip.offsetWidth, th = tip.offsetHeight;
    if (tx + tw > window.innerWidth - 4) tx = Math.max(4, ev.clientX - tw - 14);
    if (ty + th > window.innerHeight - 4) ty = Math.max(4, ev.clientY - th - 14);
    tip.style.left = tx + 'px';
    tip.style.top = ty + 'px';
  }

  canvas.addEventListener('mousemove', function (ev) {
    var x = frameAt(ev);
    if (x !== hover) { hover = x; draw(); }
    if (x < 0) tip.hidden = true; else showTip(x, ev);
  });
  canvas.addEventListener('mouseleave', function () { hover = -1; tip.hidden = true; draw(); });
  canvas.addEventListener('click', function (ev) {
    var x = frameAt(ev);
    if (x < 0) return;
    zoom = x;
    tip.hidden = true;
    draw();
  });
  function reset() { zoom = ROOT; draw(); }
  document.getElementById('reset').addEventListener('click', reset);
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') { if (document.activeElement === search && search.value) { search.value = ''; runSearch(); } else reset(); }
  });

  function runSearch() {
    var q = search.value, test = null;
    if (q) {
      var m = /^\/(.+)\/([a-z]*)$/.exec(q);
      if (m) { try { var re = new RegExp(m[1], m[2].indexOf('i') >= 0 ? 'i' : ''); test = function (s) { return re.test(s); }; } catch (e) { test = null; } }
      if (!test) { var lq = q.toLowerCase(); test = function (s) { return s.toLowerCase().indexOf(lq) >= 0; }; }
    }
    if (!test) { matched = null; searchNote = ''; draw(); return; }
    matched = new Uint8Array(n + 1);
    var covered = new Uint8Array(n + 1), sum = 0, count = 0;
    for (var j = 0; j < order.length; j++) {
      var x = order[j], p = parentOf(x);
      var hit = x !== ROOT && test(name(x));
      if (hit) { matched[x] = 1; count++; if (!(p >= 0 && covered[p])) sum += incl[x]; }
      covered[x] = hit || (p >= 0 && covered[p]) ? 1 : 0;
    }
    searchNote = count ? 'matched ' + count + ' frames, ' + fmt(sum) + ' instructions (' + pct(sum, TOTAL) + '%)' : 'no match';
    draw();
  }
  var searchTimer = 0;
  search.addEventListener('input', function () { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, 120); });
  var resizeTimer = 0;
  window.addEventListener('resize', function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(draw, 100); });

  draw();
  document.body.setAttribute('data-rendered', 'true');
})();
`;
