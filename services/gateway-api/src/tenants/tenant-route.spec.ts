import { tenantNamed } from './tenant-route.js';

describe('the tenant a request names', () => {
  it("is the path's first, then the host's, else the default tenant", () => {
    expect(tenantNamed('/t/uni-a/bigbluebutton/api/create?x=1', 'uni-b.bbb.example.org', 'bbb.example.org')).toBe(
      'uni-a',
    );
    expect(tenantNamed('/bigbluebutton/api/create', 'uni-b.bbb.example.org:443', 'bbb.example.org')).toBe('uni-b');
    expect(tenantNamed('/bigbluebutton/api/create', 'UNI-B.BBB.example.org.', 'bbb.example.org')).toBe('uni-b');
    expect(tenantNamed('/bigbluebutton/api/create', 'bbb.example.org', 'bbb.example.org')).toBe('default');
    expect(tenantNamed('/bigbluebutton/api/create', 'other.example.net', 'bbb.example.org')).toBe('default');
    expect(tenantNamed('/bigbluebutton/api/create', 'uni-b.bbb.example.org', undefined)).toBe('default');
  });

  it('names no existing tenant for a deeper host name or a path that is not a name', () => {
    expect(tenantNamed('/bigbluebutton/api/create', 'a.b.bbb.example.org', 'bbb.example.org')).toBe('!a.b');
    expect(tenantNamed('/t/UNI/bigbluebutton/api', 'x', undefined)).toBe('UNI');
  });
});
