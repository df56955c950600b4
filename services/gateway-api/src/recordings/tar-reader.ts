import { DomainError } from '@ensemble/contracts';

/** A regular file of a tar archive: read `body` to its end before asking for the next entry. */
export interface TarFile {
  name: string;
  size: number;
  body: AsyncIterable<Buffer>;
}

const BLOCK = 512;
/** GNU long names and pax headers are read whole: a bound keeps a hostile one small. */
const MAX_META = 64 * 1024;

const bad = (why: string) => new DomainError('invalid-input', `archive: ${why}`);

/** Reads exact byte counts from a stream of chunks. */
class Bytes {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  private async fill(n: number): Promise<boolean> {
    while (this.buf.length < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    }
    return this.buf.length >= n;
  }

  /** Exactly n bytes; null at a clean end (nothing left); a truncated archive throws. */
  async read(n: number): Promise<Buffer | null> {
    if (!(await this.fill(n))) {
      if (this.buf.length === 0) return null;
      throw bad('truncated');
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** n bytes as they come (at most one chunk at a time in memory). */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.fill(1))) throw bad('truncated');
      const take = Math.min(left, this.buf.length);
      const out = this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      left -= take;
      yield out;
    }
  }
}

const cstring = (b: Buffer) => {
  const end = b.indexOf(0);
  return b.subarray(0, end === -1 ? b.length : end).toString('utf8');
};

function octal(b: Buffer, what: string): number {
  // GNU base-256 for values too large for octal (files over 8 GiB).
  if (b[0]! & 0x80) {
    let v = b[0]! & 0x7f;
    for (let i = 1; i < b.length; i++) v = v * 256 + b[i]!;
    if (!Number.isSafeInteger(v)) throw bad(`${what} out of range`);
    return v;
  }
  const s = cstring(b).trim();
  if (!/^[0-7]*$/.test(s)) throw bad(`${what} is not octal`);
  return s === '' ? 0 : parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === octal(h.subarray(148, 156), 'checksum');
}

/** pax records `<len> <key>=<value>\n`: path and size only (the rest does not matter here). */
function pax(data: Buffer): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  for (const line of data.toString('utf8').split('\n')) {
    const m = /^\d+ ([^=]+)=(.*)$/s.exec(line);
    if (m?.[1] === 'path') out.path = m[2]!;
    if (m?.[1] === 'size' && /^\d+$/.test(m[2]!)) out.size = Number(m[2]);
  }
  return out;
}

/**
 * The regular files of a tar stream (ustar, GNU and pax, as GNU tar writes them). Directories
 * are skipped; any other entry (symbolic or hard links, devices, FIFOs) is refused, so that
 * unpacking can only ever produce plain objects. Names are returned as written: the caller
 * checks them.
 */
export async function* tarFiles(chunks: AsyncIterable<Buffer>): AsyncGenerator<TarFile> {
  const bytes = new Bytes(chunks[Symbol.asyncIterator]());
  let longName: string | undefined;
  let paxHeader: { path?: string; size?: number } = {};
  for (;;) {
    const h = await bytes.read(BLOCK);
    if (!h || h.every((x) => x === 0)) return; // end-of-archive blocks (or a clean end)
    if (!checksumOk(h)) throw bad('bad header checksum');
    const type = String.fromCharCode(h[156]!);
    const size = paxHeader.size ?? octal(h.subarray(124, 136), 'size');
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    const meta = async () => {
      if (size > MAX_META) throw bad('oversized header entry');
      const data = await bytes.read(size + padding);
      if (!data) throw bad('truncated');
      return data.subarray(0, size);
    };
    if (type === 'L') {
      longName = cstring(await meta());
      continue;
    }
    if (type === 'x') {
      paxHeader = pax(await meta());
      continue;
    }
    if (type === 'g') {
      await meta();
      continue;
    }
    const magic = h.subarray(257, 263).toString('latin1');
    const prefix = magic === 'ustar\0' ? cstring(h.subarray(345, 500)) : '';
    const name =
      paxHeader.path ?? longName ?? (prefix ? `${prefix}/${cstring(h.subarray(0, 100))}` : cstring(h.subarray(0, 100)));
    [longName, paxHeader] = [undefined, {}];
    if (type === '5') {
      if (size !== 0) throw bad('a directory with data');
      continue;
    }
    if (type !== '0' && type !== '\0' && type !== '7')
      throw bad(`${name}: not a regular file (type ${JSON.stringify(type)})`);
    let read = false;
    const body = (async function* () {
      read = true;
      yield* bytes.stream(size);
    })();
    yield { name, size, body };
    if (!read) for await (const _ of bytes.stream(size)); // the caller skipped it
    if (padding && !(await bytes.read(padding))) throw bad('truncated');
  }
}
