/** `3500` -> `3.4 KiB`: binary units, one decimal below 10 (the CLI's and the dashboard's one way). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v < 10 ? Math.round(v * 10) / 10 : Math.round(v)} ${units[u]}`;
}
