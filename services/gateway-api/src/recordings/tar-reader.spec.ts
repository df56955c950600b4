import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarFiles } from './tar-reader.js';
import { bearerOf, safeEntryPath, sha256OfContentDigest } from './transfer-params.js';

const ID = `${'a'.repeat(40)}-1700000000000`;

/** A tar made by GNU tar itself from `files` (path -> content) under a temp dir. */
function tarOf(
  files: Record<string, string>,
  flags: string[] = ['--format=gnu'],
  extra?: (dir: string) => void,
): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'tar-spec-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    extra?.(dir);
    return spawnSync('tar', [...flags, '--sort=name', '-C', dir, '-cf', '-', '.'], { maxBuffer: 1 << 26 }).stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function read(tar: Buffer, chunk = 777): Promise<Record<string, string>> {
  const chunks = async function* () {
    for (let i = 0; i < tar.length; i += chunk) yield tar.subarray(i, i + chunk);
  };
  const out: Record<string, string> = {};
  for await (const f of tarFiles(chunks())) {
    const parts: Buffer[] = [];
    for await (const c of f.body) parts.push(c);
    out[f.name] = Buffer.concat(parts).toString();
    expect(out[f.name]!.length).toBe(f.size);
  }
  return out;
}

describe('the tar reader', () => {
  const long = `${ID}/presentation/${'b'.repeat(40)}-1700000000000/svgs/slide-with-a-rather-long-name.svg`;

  it('reads GNU, pax and ustar archives as GNU tar writes them, long names included, in any chunking', async () => {
    const files = { [`${ID}/metadata.xml`]: '<recording/>', [long]: 'x'.repeat(1500), [`${ID}/empty`]: '' };
    const expected = Object.fromEntries(Object.entries(files).map(([k, v]) => [`./${k}`, v]));
    for (const format of ['--format=gnu', '--format=pax', '--format=ustar']) {
      if (format === '--format=ustar') delete expected[`./${long}`];
      const only = format === '--format=ustar' ? { ...files, [long]: undefined } : files;
      const tar = tarOf(
        Object.fromEntries(Object.entries(only).filter(([, v]) => v !== undefined)) as Record<string, string>,
        [format],
      );
      expect(await read(tar, 1)).toEqual(expected);
      expect(await read(tar, 1 << 20)).toEqual(expected);
    }
  });

  it('refuses symbolic links, hard links, a truncated archive and a corrupt header', async () => {
    for (const link of [
      (d: string) => symlinkSync('/etc/passwd', join(d, ID, 'l')),
      (d: string) => linkSync(join(d, ID, 'a'), join(d, ID, 'h')),
    ]) {
      await expect(read(tarOf({ [`${ID}/a`]: 'a' }, ['--format=gnu'], link))).rejects.toMatchObject({
        code: 'invalid-input',
        message: expect.stringContaining('not a regular file'),
      });
    }
    const tar = tarOf({ [`${ID}/a`]: 'y'.repeat(5000) });
    await expect(read(tar.subarray(0, 2000))).rejects.toMatchObject({
      code: 'invalid-input',
      message: 'archive: truncated',
    });
    const corrupt = Buffer.from(tar);
    corrupt[10] = corrupt[10]! ^ 0xff;
    await expect(read(corrupt)).rejects.toMatchObject({ message: 'archive: bad header checksum' });
  });
});

describe('the transfer inputs', () => {
  it('keeps archive paths under the record id, and refuses absolute paths, .. and other records', () => {
    expect(safeEntryPath(`${ID}/video/webcams.webm`, ID)).toBe('video/webcams.webm');
    expect(safeEntryPath(`./${ID}/metadata.xml`, ID)).toBe('metadata.xml');
    expect(safeEntryPath(`${ID}/`, ID)).toBeNull();
    for (const bad of ['/etc/passwd', `${ID}/../x`, `${ID}/a/../../x`, 'other/metadata.xml', `${ID}//x`, `${ID}/a\\b`])
      expect(() => safeEntryPath(bad, ID)).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });

  it('reads sha-256 from Content-Digest (RFC 9530) and refuses anything else', () => {
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(sha256OfContentDigest(`sha-256=:${b64}:`)).toBe('07'.repeat(32));
    expect(sha256OfContentDigest(`sha-512=:abc=:, sha-256=:${b64}:`)).toBe('07'.repeat(32));
    for (const bad of [undefined, '', 'sha-256=abc', `md5=:${b64}:`, `sha-256=:${b64.slice(1)}:`])
      expect(() => sha256OfContentDigest(bad)).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });

  it('takes a bearer token only in its form, else unauthorized', () => {
    expect(bearerOf(`Bearer ${'t'.repeat(48)}`)).toBe('t'.repeat(48));
    for (const bad of [undefined, 'Bearer short', `Basic ${'t'.repeat(48)}`, `Bearer ${'t'.repeat(48)} x`])
      expect(() => bearerOf(bad)).toThrow(expect.objectContaining({ code: 'unauthorized' }));
  });
});
