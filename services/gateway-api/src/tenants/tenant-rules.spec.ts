import { describeTenantHoldings } from '@ensemble/contracts';
import { tenantPolicySchema } from './tenant-policy.schema.js';
import { EMPTY_POLICY } from '../bbb-api/parameter-policy.js';
import {
  policySummary,
  recordingsProtectionRefusal,
  removalRefusal,
  secretRemovalRefusal,
  secretViews,
  tenantView,
} from './tenant-rules.js';
import type { Tenant } from './tenant.js';

const held = (meetings: number | null, accounts = 0, recordings = 0) => ({ meetings, accounts, recordings });
const stored = (id: string) => ({ id, createdAt: 1 });

describe('removing a tenant', () => {
  it('is allowed for one that holds nothing', () => {
    expect(removalRefusal('uni-a', held(0), false)).toBeUndefined();
  });

  it('is refused while it holds meetings, accounts or recordings, naming them', () => {
    const e = removalRefusal('uni-a', held(2, 1, 3), false);
    expect(e).toMatchObject({ code: 'conflict' });
    expect(e!.message).toBe(
      'tenant uni-a holds 2 running meetings, 1 account, 3 recordings: force (?force=true) to remove it with its accounts and recordings',
    );
  });

  it('is refused when the scheduler cannot tell its running meetings, saying so', () => {
    expect(removalRefusal('uni-a', held(null), false)!.message).toMatch(
      /^cannot tell whether tenant uni-a has running meetings; .*running meetings unknown/,
    );
  });

  it('is allowed when forced, whatever it holds', () => {
    expect(removalRefusal('uni-a', held(null, 4, 4), true)).toBeUndefined();
  });

  it('is never allowed for the default tenant, even forced', () => {
    expect(removalRefusal('default', held(0), true)).toMatchObject({ code: 'conflict' });
  });
});

describe('removing a secret', () => {
  const two = secretViews([stored('sec_000000000001'), stored('sec_000000000002')], 0);

  it('is allowed while another remains', () => {
    expect(secretRemovalRefusal('uni-a', two, 'sec_000000000001', false)).toBeUndefined();
  });

  it('is refused for the last one unless forced', () => {
    const one = two.slice(0, 1);
    expect(secretRemovalRefusal('uni-a', one, 'sec_000000000001', false)!.message).toMatch(
      /^sec_000000000001 is the last secret of tenant uni-a/,
    );
    expect(secretRemovalRefusal('uni-a', one, 'sec_000000000001', true)).toBeUndefined();
  });

  it('is refused for a secret from the config, forced or not', () => {
    const withConfig = secretViews([stored('sec_000000000001')], 2);
    expect(withConfig.map((s) => [s.id, s.fromConfig, s.createdAt])).toEqual([
      ['config-1', true, null],
      ['config-2', true, null],
      ['sec_000000000001', false, 1],
    ]);
    expect(secretRemovalRefusal('default', withConfig, 'config-2', true)!.message).toMatch(/BBB_API_SECRET/);
    // The config's secrets count as ones left: the default tenant's stored secret may go.
    expect(secretRemovalRefusal('default', withConfig, 'sec_000000000001', false)).toBeUndefined();
  });

  it('is not found for an id the tenant does not have', () => {
    expect(secretRemovalRefusal('uni-a', two, 'sec_00000000000f', false)).toMatchObject({ code: 'not-found' });
  });
});

describe('a tenant policy', () => {
  it('accepts defaults, overrides, blocks and caps for create and join', () => {
    const policy = {
      create: { defaults: { welcome: 'Hi' }, overrides: { record: 'false' }, block: ['logo'], caps: { duration: 60 } },
      join: { overrides: { userdata: 'x' } },
    };
    // Parsed to the full shape (every part present), the same value again when parsed again.
    const parsed = tenantPolicySchema.parse(policy);
    expect(parsed).toMatchObject(policy);
    expect(parsed.join).toEqual({ defaults: {}, overrides: { userdata: 'x' }, block: [], caps: {} });
    expect(tenantPolicySchema.parse(parsed)).toEqual(parsed);
  });

  it.each([
    [{ create: { caps: { duration: -1 } } }, 'create.caps.duration'],
    [{ create: { caps: { maxParticipants: 'ten' } } }, 'create.caps.maxParticipants'],
    [{ join: { defaults: { userdata: 3 } } }, 'join.defaults.userdata'],
    [{ create: { block: 'logo' } }, 'create.block'],
    [{ create: { ban: [] } }, 'create'],
    [{ end: {} }, ''],
  ])('refuses %j, naming %s', (policy, field) => {
    const r = tenantPolicySchema.safeParse(policy);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path.join('.')).toBe(field);
  });

  it('is audited by parameter names and caps, never by values', () => {
    expect(
      policySummary({
        create: {
          defaults: { welcome: 'w' },
          overrides: { moderatorPW: 'hunter22' },
          block: ['logo'],
          caps: { duration: 60 },
        },
      }),
    ).toEqual({
      create: { defaults: ['welcome'], overrides: ['moderatorPW'], block: ['logo'], caps: { duration: 60 } },
    });
  });
});

describe('what a tenant holds, in words', () => {
  it('says nothing when it holds nothing, and counts in the singular and plural', () => {
    expect(describeTenantHoldings(held(0))).toBe('nothing');
    expect(describeTenantHoldings(held(1, 2, 0))).toBe('1 running meeting, 2 accounts');
  });
});

describe("a tenant's protected recordings (decision 116)", () => {
  const tenant = (recordingsProtected: boolean | null): Tenant => ({
    name: 'uni-a',
    displayName: '',
    secrets: ['never-shown-0123456789'],
    policy: EMPTY_POLICY,
    requiredTags: [],
    loadWeight: 1,
    maxMeetings: null,
    maxParticipants: null,
    recordingsProtected,
  });

  it('shows its choice and what applies: the choice, else RECORDINGS_PROTECTED', () => {
    const seen = (choice: boolean | null, byDefault: boolean) => {
      const v = tenantView(tenant(choice), [], byDefault);
      return [v.recordingsProtected, v.recordingsProtectedEffective];
    };
    expect(seen(null, false)).toEqual([null, false]);
    expect(seen(null, true)).toEqual([null, true]);
    expect(seen(true, false)).toEqual([true, true]);
    expect(seen(false, true)).toEqual([false, false]);
    expect(JSON.stringify(tenantView(tenant(true), [], false))).not.toContain('never-shown');
  });

  it('is refused as protected on a gateway that cannot sign links, and allowed otherwise', () => {
    expect(recordingsProtectionRefusal(true, false)).toMatchObject({ code: 'conflict' });
    expect(recordingsProtectionRefusal(true, false)!.message).toMatch(
      /^recordingsProtected: .*RECORDINGS_PLAYBACK_SECRET, which is not set/,
    );
    expect(recordingsProtectionRefusal(true, true)).toBeUndefined();
    // Turning it off, back to the default, or not touching it needs no key.
    for (const choice of [false, null, undefined]) expect(recordingsProtectionRefusal(choice, false)).toBeUndefined();
  });
});
