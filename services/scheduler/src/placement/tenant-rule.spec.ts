import { tenantRuleOf } from './tenant-rule.js';

describe("a placement's tenant rule", () => {
  it('adds the tenant required tags to the request tags, each once', () => {
    const rule = tenantRuleOf({
      roomKey: 'bbb:uni~m1',
      tags: ['gpu', 'eu'],
      tenant: { name: 'uni', requiredTags: ['eu', 'uni-pool'] },
    });
    expect(rule.tags).toEqual(['gpu', 'eu', 'uni-pool']);
  });

  it('carries the load weight and the quotas the tenant has, and weighs 1 without one', () => {
    expect(tenantRuleOf({ roomKey: 'r', tags: [], tenant: { name: 'uni', loadWeight: 2.5, maxMeetings: 0 } })).toEqual({
      name: 'uni',
      tags: [],
      weight: 2.5,
      maxMeetings: 0,
    });
    expect(tenantRuleOf({ roomKey: 'r', tags: [], tenant: { name: 'uni', maxParticipants: 100 } })).toEqual({
      name: 'uni',
      tags: [],
      weight: 1,
      maxParticipants: 100,
    });
  });

  it('accounts a room sent without a tenant to the one its room key names, else to the default tenant', () => {
    expect(tenantRuleOf({ roomKey: 'bbb:uni~sha256:ab12', tags: [] })).toEqual({ name: 'uni', tags: [], weight: 1 });
    expect(tenantRuleOf({ roomKey: 'bbb:lecture', tags: [] }).name).toBe('default');
    expect(tenantRuleOf({ roomKey: 'web-r1', tags: [] }).name).toBe('default');
  });

  it("takes the request's tenant over the one the room key seems to name", () => {
    // A default-tenant meetingID may look namespaced when no such tenant exists (tenantMeetingOf).
    expect(tenantRuleOf({ roomKey: 'bbb:x~y', tags: [], tenant: { name: 'default' } }).name).toBe('default');
  });
});
