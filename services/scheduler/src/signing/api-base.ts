/** BBB's API lives under `<base>/api/`; a base URL may be given with or without it. */
export function apiBase(url: string): string {
  const base = url.endsWith('/') ? url : `${url}/`;
  return base.endsWith('/api/') ? base : `${base}api/`;
}
