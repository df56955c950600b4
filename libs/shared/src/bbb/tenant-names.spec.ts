import { DEFAULT_TENANT, isTenantName, nodeMeetingId, tenantMeetingOf } from './tenant-names.js';

describe('tenant names and the meetingIDs nodes are given', () => {
  it('are DNS labels', () => {
    for (const ok of ['a', 'uni-a', 'x1', 'a'.repeat(63)]) expect(isTenantName(ok)).toBe(true);
    for (const bad of ['', '-a', 'a-', 'A', 'a_b', 'a.b', 'a~b', 'a'.repeat(64)]) expect(isTenantName(bad)).toBe(false);
  });

  it("namespace every tenant's meetingID, and the default tenant's only when it looks namespaced", () => {
    expect(nodeMeetingId(DEFAULT_TENANT, 'course')).toBe('course');
    expect(nodeMeetingId('uni-a', 'course')).toBe('uni-a~course');
    // A default-tenant meetingID can never be another tenant's.
    expect(nodeMeetingId(DEFAULT_TENANT, 'uni-a~course')).toBe('default~uni-a~course');
    expect(nodeMeetingId(DEFAULT_TENANT, 'default~x')).toBe('default~default~x');
    expect(nodeMeetingId(DEFAULT_TENANT, 'A~b')).toBe('A~b');
  });

  it('read the tenant and the meetingID it sent back', () => {
    for (const [tenant, id] of [
      ['uni-a', 'course~1'],
      [DEFAULT_TENANT, 'uni-a~course'],
      [DEFAULT_TENANT, 'course'],
      [DEFAULT_TENANT, 'A~b'],
      ['uni-b', '~x'],
    ] as const) {
      expect(tenantMeetingOf(nodeMeetingId(tenant, id))).toEqual({ tenant, meetingID: id });
    }
  });
});
