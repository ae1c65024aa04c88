// Number and text formatting shared by the reports.
export const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function percent(part: number, whole: number): string {
  return whole > 0 ? ((100 * part) / whole).toFixed(1) : '0.0';
}

export function duration(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${((ms % 60_000) / 1000).toFixed(0)} s`;
}

/** Quotes an argument only where a shell would need it, for display. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export const commandLine = (argv: string[]) => argv.map(shellQuote).join(' ');

export function padLeft(s: string, w: number) {
  return s.length >= w ? s : ' '.repeat(w - s.length) + s;
}

export function padRight(s: string, w: number) {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/** Renders rows as aligned columns; `right` marks the numeric columns. With `padLast`, the
 * last column is padded too, so something can follow it in a straight column. */
export function table(rows: string[][], right: boolean[], indent = '  ', padLast = false): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => {
    const line = r
      .map((cell, c) => (right[c] ? padLeft(cell, widths[c]!) : c === r.length - 1 && !padLast ? cell : padRight(cell, widths[c]!)))
      .join('  ');
    return indent + (padLast ? line : line.trimEnd());
  });
}
