import { DomainError } from '@ensemble/contracts';
import { bbbFailureOf, quotaFailureOf } from './bbb-failure.js';
import { NodeCallError } from './node-call.error.js';

describe('a failure of the meeting path on the BBB API', () => {
  it('is noAvailableServers when no node can take the meeting', () => {
    expect(bbbFailureOf(new DomainError('no-capacity', 'full'))).toBe('noAvailableServers');
  });

  it("is the tenant's quota error when its quota refuses a new meeting or a join", () => {
    expect(bbbFailureOf(new DomainError('quota-meetings', 'tenant uni runs 10 meetings'))).toBe(
      'tenantMeetingQuotaReached',
    );
    expect(bbbFailureOf(new DomainError('quota-participants', 'tenant uni has 500 participants'))).toBe(
      'tenantParticipantQuotaReached',
    );
    expect(quotaFailureOf(new DomainError('no-capacity', 'full'))).toBeUndefined();
    expect(quotaFailureOf(new TypeError('x'))).toBeUndefined();
  });

  it.each([
    ['a node answer off the schema', new NodeCallError('create', 'unreadable')],
    ['a node answer over the cap', new NodeCallError('join', 'too-large')],
    ['a node that does not answer', new NodeCallError('create', 'timeout')],
    ['the scheduler out of reach', new DomainError('unavailable', 'no scheduler')],
    ['a bug', new TypeError('x is undefined')],
  ])('is internalError for %s', (_what, e) => {
    expect(bbbFailureOf(e)).toBe('internalError');
  });

  it('keeps a node failure typed: unavailable, with its reason, without the signed URL', () => {
    const e = new NodeCallError('create', 'unreadable', 'HTTP 200');
    expect(e).toBeInstanceOf(DomainError);
    expect(e.code).toBe('unavailable');
    expect(e.reason).toBe('unreadable');
    expect(e.message).not.toContain('checksum');
  });
});
