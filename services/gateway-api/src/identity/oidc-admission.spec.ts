import { admit, type AdmissionRules } from './oidc-admission.js';

const open: AdmissionRules = { allowedEmailDomains: [], roleClaim: null, roleMapping: {} };
const mapped: AdmissionRules = {
  allowedEmailDomains: ['uni.example'],
  roleClaim: 'groups',
  roleMapping: { staff: 'user', it: 'administrator', visitors: 'guest' },
};

describe('who an OpenID Connect sign-in admits', () => {
  it('admits a verified e-mail as a user when no role claim is configured', () => {
    expect(admit({ sub: 's1', email: 'Ada@Uni.Example', email_verified: true, name: 'Ada' }, open)).toEqual({
      ok: true,
      sub: 's1',
      email: 'ada@uni.example',
      name: 'Ada',
      role: 'user',
    });
  });

  it('refuses a missing, malformed or unverified e-mail, and a missing sub', () => {
    expect(admit({ sub: 's1' }, open)).toMatchObject({ ok: false, code: 'oidc-email-missing' });
    expect(admit({ sub: 's1', email: 'not-an-address' }, open)).toMatchObject({ code: 'oidc-email-missing' });
    expect(admit({ sub: 's1', email: 'a@b.example', email_verified: false }, open)).toMatchObject({
      code: 'oidc-email-missing',
    });
    expect(admit({ email: 'a@b.example' }, open)).toMatchObject({ code: 'oidc-token-rejected' });
  });

  it('refuses an e-mail outside the allowed domains (a subdomain is another domain)', () => {
    expect(admit({ sub: 's', email: 'a@other.example', groups: ['staff'] }, mapped)).toMatchObject({
      code: 'oidc-email-domain',
    });
    expect(admit({ sub: 's', email: 'a@sub.uni.example', groups: ['staff'] }, mapped)).toMatchObject({
      code: 'oidc-email-domain',
    });
  });

  it('maps the role claim, a string or a list, to the highest role; a value mapping to nothing is refused', () => {
    const as = (groups: unknown) => admit({ sub: 's', email: 'a@uni.example', groups }, mapped);
    expect(as('staff')).toMatchObject({ ok: true, role: 'user' });
    expect(as(['visitors', 'it', 'staff'])).toMatchObject({ ok: true, role: 'administrator' });
    expect(as(['visitors', 'unknown'])).toMatchObject({ ok: true, role: 'guest' });
    expect(as(['unknown'])).toMatchObject({ ok: false, code: 'oidc-role' });
    expect(as(undefined)).toMatchObject({ ok: false, code: 'oidc-role' });
    expect(as([42])).toMatchObject({ ok: false, code: 'oidc-role' });
  });

  it('names the account after the name claim without control characters, else after the e-mail', () => {
    expect(admit({ sub: 's', email: 'grace@x.example', name: 'Gr\u0000ace\n' }, open)).toMatchObject({ name: 'Grace' });
    expect(admit({ sub: 's', email: 'grace@x.example' }, open)).toMatchObject({ name: 'grace' });
  });
});
