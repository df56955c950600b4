import { bbbChecksum } from '@ensemble/shared';
import { checkBbbChecksum } from './bbb-checksum.js';

const SECRET = 'secret-one-0123456789';
const ALL = ['sha1', 'sha256', 'sha384', 'sha512'] as const;

describe('checkBbbChecksum', () => {
  const raw = 'name=A%20b&meetingID=%C3%A9t%C3%A9';

  it.each(ALL)('accepts a %s checksum of the raw query', (algorithm) => {
    const q = `${raw}&checksum=${bbbChecksum('create', raw, SECRET, algorithm)}`;
    expect(checkBbbChecksum('create', q, '', [SECRET], ALL).result).toBe('ok');
  });

  it('refuses an algorithm left out of the accepted set', () => {
    const q = `${raw}&checksum=${bbbChecksum('create', raw, SECRET, 'sha1')}`;
    expect(checkBbbChecksum('create', q, '', [SECRET], ['sha256']).result).toBe('mismatch');
  });

  it('accepts any of several secrets and refuses others', () => {
    const q = `${raw}&checksum=${bbbChecksum('create', raw, 'old-secret-12345', 'sha256')}`;
    expect(checkBbbChecksum('create', q, '', [SECRET, 'old-secret-12345'], ALL).result).toBe('ok');
    expect(checkBbbChecksum('create', q, '', [SECRET], ALL).result).toBe('mismatch');
  });

  it('binds the checksum to the call name', () => {
    const q = `${raw}&checksum=${bbbChecksum('create', raw, SECRET)}`;
    expect(checkBbbChecksum('join', q, '', [SECRET], ALL).result).toBe('mismatch');
  });

  it('tells a missing checksum from a wrong one', () => {
    expect(checkBbbChecksum('create', raw, '', [SECRET], ALL).result).toBe('missing');
    expect(checkBbbChecksum('create', `${raw}&checksum=`, '', [SECRET], ALL).result).toBe('missing');
    expect(checkBbbChecksum('create', `${raw}&checksum=abc`, '', [SECRET], ALL).result).toBe('mismatch');
  });

  it('accepts a checksum placed first in the query', () => {
    const q = `checksum=${bbbChecksum('create', raw, SECRET)}&${raw}`;
    expect(checkBbbChecksum('create', q, '', [SECRET], ALL).result).toBe('ok');
  });

  it('checks a POST form without query against the sorted parameters, as BBB does', () => {
    const form = 'name=A&meetingID=m1';
    const sum = bbbChecksum('create', 'meetingID=m1&name=A', SECRET);
    expect(checkBbbChecksum('create', '', `${form}&checksum=${sum}`, [SECRET], ALL).result).toBe('ok');
  });

  it('accepts a form body appended to the query when the checksum covers both', () => {
    const sum = bbbChecksum('create', 'meetingID=m1&name=A', SECRET);
    const check = checkBbbChecksum('create', `meetingID=m1&checksum=${sum}`, 'name=A', [SECRET], ALL);
    expect(check.result).toBe('ok');
    expect(check.params.entries).toEqual([
      ['meetingID', 'm1'],
      ['name', 'A'],
    ]);
  });

  it('refuses a signed join URL posted with role=MODERATOR added in the body, and keeps none of its parameters', () => {
    const q = 'meetingID=m1&fullName=Bo&role=VIEWER';
    const url = `${q}&checksum=${bbbChecksum('join', q, SECRET)}`;
    expect(checkBbbChecksum('join', url, '', [SECRET], ALL).result).toBe('ok');
    const check = checkBbbChecksum('join', url, 'role=MODERATOR', [SECRET], ALL);
    expect(check.result).toBe('mismatch');
    expect(check.params.entries).toEqual([]);
  });

  it('refuses a signed create with a parameter added in the body', () => {
    const q = 'meetingID=m1&name=A';
    const url = `${q}&checksum=${bbbChecksum('create', q, SECRET)}`;
    expect(checkBbbChecksum('create', url, 'record=true', [SECRET], ALL).result).toBe('mismatch');
    expect(checkBbbChecksum('create', url, 'moderatorPW=x', [SECRET], ALL).result).toBe('mismatch');
  });

  it('fails every call when no secret is configured', () => {
    const q = `${raw}&checksum=${bbbChecksum('create', raw, SECRET)}`;
    expect(checkBbbChecksum('create', q, '', [], ALL).result).toBe('mismatch');
  });
});
