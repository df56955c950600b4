import { TenantScope } from './tenant-scope.js';
import type { Tenant } from './tenant.js';
import { EMPTY_POLICY } from '../bbb-api/parameter-policy.js';

const tenant = (name: string): Tenant => ({
  name,
  displayName: name,
  secrets: [],
  policy: EMPTY_POLICY,
  requiredTags: [],
  loadWeight: 1,
  maxMeetings: null,
  maxParticipants: null,
  recordingsProtected: null,
});

describe("a BBB API call's tenant", () => {
  const a = new TenantScope(tenant('uni-a'));
  const d = new TenantScope(tenant('default'));

  it('gives nodes a namespaced meetingID, except for the default tenant', () => {
    expect(a.nodeMeetingId('course')).toBe('uni-a~course');
    expect(d.nodeMeetingId('course')).toBe('course');
  });

  it("owns only its own meetings; web-app rooms are no tenant's BBB API meetings", () => {
    expect(a.owns('uni-a~course')).toBe(true);
    expect(a.owns('course')).toBe(false);
    expect(d.owns('course')).toBe(true);
    expect(d.owns('uni-a~course')).toBe(false);
    expect(d.owns('web-rAbCdEfGhIjKl')).toBe(false);
    // A namespaced meetingID is its tenant's even once that tenant is gone; the default
    // tenant's own look-alikes carry its prefix.
    expect(d.owns('uni-b~course')).toBe(false);
    expect(d.owns(d.nodeMeetingId('uni-b~course'))).toBe(true);
    expect(d.shown(`<meetingID>${d.nodeMeetingId('uni-b~course')}</meetingID>`)).toBe(
      '<meetingID>uni-b~course</meetingID>',
    );
  });

  it('shows the meetingIDs it sent in answers', () => {
    const body =
      '<response><meetingID>uni-a~course</meetingID><x>uni-a~course</x><metadata><meetingId><![CDATA[uni-a~course]]></meetingId></metadata></response>';
    expect(a.shown(body)).toBe(
      '<response><meetingID>course</meetingID><x>uni-a~course</x><metadata><meetingId><![CDATA[course]]></meetingId></metadata></response>',
    );
    expect(d.shown(body)).toBe(body);
    expect(a.owns(d.nodeMeetingId('uni-a~course'))).toBe(false);
  });
});
