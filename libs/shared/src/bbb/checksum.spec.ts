import { algorithmForLength, bbbChecksum, signedApiUrl, verifiedCallParams, verifyChecksum } from './checksum.js';

// Vectors computed independently with `printf '%s' "<call><query><secret>" | openssl dgst -<alg> -r`.
const SECRET = '639259d4-9dd8-4b25-bf01-95f9567eaf4b';
const CREATE_QUERY = 'name=Test+Meeting&meetingID=abc-123&attendeePW=ap&moderatorPW=mp';
const VECTORS = {
  sha1: 'b5da57c226460d86aa88af267ca50e641d047d77',
  sha256: '45b4cd0f1a19223b612d968df805a1d933f6b06555acac1374d716aed6afa9da',
  sha384: '75b10eb796a0b8660bfdc47069b9952fc117d24ef6e73628d3bec260e2772b511e13fc665cfc88d1bdf039510373f517',
  sha512:
    'ba1f271a9df762dc853534d9e34eddf18c505a0f0c6145fa451cb44f1c7af6d915370648268fa94f630b7c8a3a32de8619d313c5c979091f0452d8b141c11ae4',
} as const;

describe('BBB checksums', () => {
  it.each(Object.entries(VECTORS))('computes the %s checksum exactly as openssl does', (alg, expected) => {
    expect(bbbChecksum('create', CREATE_QUERY, SECRET, alg as keyof typeof VECTORS)).toBe(expected);
  });

  it.each(Object.entries(VECTORS))('accepts a %s checksum, choosing the digest by its length', (alg, checksum) => {
    const verdict = verifyChecksum('create', `${CREATE_QUERY}&checksum=${checksum}`, [SECRET]);
    expect(verdict).toEqual({ ok: true, algorithm: alg, query: CREATE_QUERY });
  });

  it('signs a call with no parameters (getMeetings) over the empty query', () => {
    expect(signedApiUrl('http://bbb.example/bigbluebutton/api', 'getMeetings', {}, SECRET)).toBe(
      'http://bbb.example/bigbluebutton/api/getMeetings?checksum=a5370c5f3d97d56d53b435684cdbc429c2898a3bf9f435518b4279e1e0dbfc8c',
    );
  });

  it('hashes the raw query as sent, percent-encoding included', () => {
    const raw = 'fullName=J%C3%BCrgen+M%C3%BCller&meetingID=abc-123&role=VIEWER';
    expect(verifyChecksum('join', `${raw}&checksum=3bdcca33a700147901504b1f39c160d9b3d84bac`, ['secret']).ok).toBe(
      true,
    );
  });

  it('accepts the checksum anywhere in the query', () => {
    const q = `checksum=${VECTORS.sha256}&${CREATE_QUERY}`;
    expect(verifyChecksum('create', q, [SECRET]).ok).toBe(true);
  });

  it('accepts any of several secrets (rotation)', () => {
    expect(verifyChecksum('create', `${CREATE_QUERY}&checksum=${VECTORS.sha1}`, ['old-secret', SECRET]).ok).toBe(true);
  });

  it.each([
    ['a missing checksum', CREATE_QUERY, 'missing'],
    ['an empty checksum', `${CREATE_QUERY}&checksum=`, 'malformed'],
    ['a wrong checksum', `${CREATE_QUERY}&checksum=${'0'.repeat(64)}`, 'mismatch'],
    ['a checksum of another call', `${CREATE_QUERY}&checksum=${bbbChecksum('join', CREATE_QUERY, SECRET)}`, 'mismatch'],
    [
      'a checksum of another secret',
      `${CREATE_QUERY}&checksum=${bbbChecksum('create', CREATE_QUERY, 'other')}`,
      'mismatch',
    ],
    ['a truncated checksum', `${CREATE_QUERY}&checksum=${VECTORS.sha256.slice(0, 63)}`, 'malformed'],
    ['a checksum of an unknown length', `${CREATE_QUERY}&checksum=${VECTORS.sha256.slice(0, 50)}`, 'malformed'],
    ['a non-hex checksum', `${CREATE_QUERY}&checksum=${'z'.repeat(40)}`, 'malformed'],
    ['two checksums', `${CREATE_QUERY}&checksum=${VECTORS.sha1}&checksum=${VECTORS.sha1}`, 'duplicated'],
    ['a tampered parameter', `${CREATE_QUERY.replace('abc-123', 'abc-124')}&checksum=${VECTORS.sha256}`, 'mismatch'],
  ])('rejects %s', (_what, query, reason) => {
    expect(verifyChecksum('create', query, [SECRET])).toEqual({ ok: false, reason });
  });

  it('rejects an algorithm that is not in the accepted set', () => {
    const verdict = verifyChecksum(
      'create',
      `${CREATE_QUERY}&checksum=${VECTORS.sha1}`,
      [SECRET],
      ['sha256', 'sha512'],
    );
    expect(verdict).toEqual({ ok: false, reason: 'algorithm-not-allowed' });
  });

  it('accepts upper-case hex as BBB does', () => {
    expect(verifyChecksum('create', `${CREATE_QUERY}&checksum=${VECTORS.sha256.toUpperCase()}`, [SECRET]).ok).toBe(
      true,
    );
  });

  it('knows the digest lengths', () => {
    expect([40, 64, 96, 128, 32].map(algorithmForLength)).toEqual(['sha1', 'sha256', 'sha384', 'sha512', undefined]);
  });
});

describe('the parameters a call checksum covers', () => {
  const join = 'meetingID=m1&fullName=Bo&role=VIEWER';
  const sum = (q: string, call = 'join') => bbbChecksum(call, q, SECRET);
  const verify = (query: string, form: string, checksum: string, call = 'join') =>
    verifiedCallParams(call, query, form, checksum, [SECRET]);

  it('answers every parameter of a query-only call, in the order sent', () => {
    expect(verify(`${join}&checksum=${sum(join)}`, '', sum(join))).toEqual([
      ['meetingID', 'm1'],
      ['fullName', 'Bo'],
      ['role', 'VIEWER'],
    ]);
  });

  it('refuses a signed query whose form body adds a parameter', () => {
    expect(verify(`${join}&checksum=${sum(join)}`, 'role=MODERATOR', sum(join))).toBeUndefined();
  });

  it('refuses a signed form body whose query adds a parameter', () => {
    const form = 'meetingID=m1&fullName=Bo';
    expect(verify('role=MODERATOR', `${form}&checksum=${sum(form)}`, sum(form))).toBeUndefined();
  });

  it('accepts a form body signed as sent or sorted (no query), and query + body signed together', () => {
    const form = 'meetingID=m1&fullName=Bo';
    expect(verify('', form, sum(form))).toHaveLength(2);
    expect(verify('', form, sum('fullName=Bo&meetingID=m1'))).toHaveLength(2);
    expect(verify('meetingID=m1', 'fullName=Bo', sum(form))).toEqual([
      ['meetingID', 'm1'],
      ['fullName', 'Bo'],
    ]);
  });

  it('refuses a checksum over the sorted parameters when the call has a query', () => {
    expect(verify('meetingID=m1', 'fullName=Bo', sum('fullName=Bo&meetingID=m1'))).toBeUndefined();
  });

  it('answers no parameters for a call without any (getMeetings)', () => {
    expect(verify('', '', sum('', 'getMeetings'), 'getMeetings')).toEqual([]);
  });
});
