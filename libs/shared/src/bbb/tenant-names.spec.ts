import { DEFAULT_TENANT, isTenantName, nodeMeetingId, tenantMeetingOf } from './tenant-names.js';

describe('tenant names and the meetingIDs nodes are given', () => {
  it('are DNS labels', () => {
    for (const ok of ['a', 'uni-a', 'x1', 'a'.repeat(63)]) expect(isTenantName(ok)).toBe(true);
    for (const bad of ['', '-a', 'a-', 'A', 'a_b', 'a.b', 'a~b', 'a'.repeat(64)]) expect(isTenantName(bad)).toBe(false);
  });

  it("namespace every tenant's meetingID but the default tenant's", () => {
    expect(nodeMeetingId(DEFAULT_TENANT, 'course')).toBe('course');
    expect(nodeMeetingId('uni-a', 'course')).toBe('uni-a~course');
  });

  it('read the tenant back only for a known tenant', () => {
    const known = (t: string) => t === 'uni-a';
    expect(tenantMeetingOf('uni-a~course~1', known)).toEqual({ tenant: 'uni-a', meetingID: 'course~1' });
    expect(tenantMeetingOf('uni-b~course', known)).toEqual({ tenant: DEFAULT_TENANT, meetingID: 'uni-b~course' });
    expect(tenantMeetingOf('course', known)).toEqual({ tenant: DEFAULT_TENANT, meetingID: 'course' });
    expect(tenantMeetingOf('default~x', () => true)).toEqual({ tenant: DEFAULT_TENANT, meetingID: 'default~x' });
  });
});
