import { TenantScope } from './tenant-scope.js';
import type { Tenant } from './tenant.js';

const tenant = (name: string): Tenant => ({
  name,
  displayName: name,
  secrets: [],
  policy: {},
  requiredTags: [],
  loadWeight: 1,
  maxMeetings: null,
  maxParticipants: null,
});
const known = (n: string) => n === 'uni-a' || n === 'default';

describe("a BBB API call's tenant", () => {
  const a = new TenantScope(tenant('uni-a'), known);
  const d = new TenantScope(tenant('default'), known);

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
    // A default-tenant meetingID that only looks namespaced (no such tenant) stays its own.
    expect(d.owns('uni-b~course')).toBe(true);
  });

  it('shows the meetingIDs it sent in answers', () => {
    const body =
      '<response><meetingID>uni-a~course</meetingID><x>uni-a~course</x><metadata><meetingId><![CDATA[uni-a~course]]></meetingId></metadata></response>';
    expect(a.shown(body)).toBe(
      '<response><meetingID>course</meetingID><x>uni-a~course</x><metadata><meetingId><![CDATA[course]]></meetingId></metadata></response>',
    );
    expect(d.shown(body)).toBe(body);
  });
});
