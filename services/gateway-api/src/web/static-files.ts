import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  path: string;
  type: string;
  size: number;
  /** Vite's content-hashed assets never change under one name. */
  immutable: boolean;
}

/**
 * The built app's files, indexed once at start: only files that exist in the
 * directory can be served, so no request path ever reaches the file system.
 */
export function indexStaticFiles(dir: string, limit = 2000): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (files.size >= limit) return;
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (TYPES[extname(name)]) {
        const url = `/${relative(dir, path).split(sep).join('/')}`;
        files.set(url, { path, type: TYPES[extname(name)]!, size: st.size, immutable: url.startsWith('/assets/') });
      }
    }
  };
  try {
    walk(dir);
  } catch {
    // No build yet: the controller serves a note instead.
  }
  return files;
}
