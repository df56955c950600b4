import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Access codes' hashes (decision 123). A code is short (6 to 10 letters or digits): what
 * holds back guessing through the API is the rate limit per room and address; the hash
 * only makes a copy of the table costly to turn back into codes. scrypt with N = 2^14
 * (16 MiB, ~30 ms), lighter than passwords' as a class joins at once, with a salt of its own.
 */
const N = 2 ** 14;
const R = 8;
const KEY_LEN = 32;
const opts = { N, r: R, p: 1, maxmem: 256 * N * R };

const derive = (code: string, salt: Buffer) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(code, salt, KEY_LEN, opts, (e, key) => (e ? reject(e) : resolve(key))),
  );

/** `scrypt14$<salt b64>$<key b64>`. */
export async function hashAccessCode(code: string): Promise<string> {
  const salt = randomBytes(16);
  return ['scrypt14', salt.toString('base64'), (await derive(code, salt)).toString('base64')].join('$');
}

export async function accessCodeMatches(code: string, stored: string | null): Promise<boolean> {
  if (!stored) return false;
  const [kind, salt, key] = stored.split('$');
  if (kind !== 'scrypt14' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(code.trim(), Buffer.from(salt, 'base64'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
