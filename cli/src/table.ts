/** A plain text table: a header row, columns padded to their widest cell; numbers right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}

/** `0.4235` -> `42%`; null -> `-`. */
export const percent = (x: number | null | undefined): string => (x == null ? '-' : `${Math.round(x * 100)}%`);

/** Two decimals at most, no trailing zeros. */
export const num = (x: number): number => Math.round(x * 100) / 100;

/** `3500` -> `3.4 KiB` (defined once, in contracts). */
export { formatBytes as bytes } from '@ensemble/contracts';
