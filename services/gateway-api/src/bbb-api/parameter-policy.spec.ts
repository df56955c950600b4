import { BbbParams } from './bbb-params.js';
import {
  EMPTY_POLICY,
  applyPolicy,
  parameterPolicySchema,
  type ParameterPolicy,
  type ParameterPolicyInput,
} from './parameter-policy.js';

const policy = (p: ParameterPolicyInput): ParameterPolicy => parameterPolicySchema.parse(p);
const create = (query: string, global: ParameterPolicyInput, tenant?: ParameterPolicyInput) =>
  applyPolicy(BbbParams.parse(query), 'create', policy(global), tenant && policy(tenant)).toQuery();
/** The issues of a policy that does not parse, as `path: message`. */
const problems = (p: unknown) => {
  const r = parameterPolicySchema.safeParse(p);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('a parameter policy on its own', () => {
  it('leaves a call untouched when empty', () => {
    const params = BbbParams.parse('name=x&meetingID=m&maxParticipants=0');
    expect(applyPolicy(params, 'create', EMPTY_POLICY)).toBe(params);
  });

  it('fills defaults only where absent (an empty value counts as given) and lets overrides replace every value', () => {
    const global = {
      create: { defaults: { record: 'true', welcome: 'Hi', duration: '60' }, overrides: { name: 'forced' } },
    };
    expect(create('record=false&welcome=&name=x&name=y', global)).toBe('record=false&welcome=&duration=60&name=forced');
  });

  it('removes a blocked parameter with every value it was sent with', () => {
    expect(create('name=x&logo=a&logo=b&meetingID=m', { create: { block: ['logo'] } })).toBe('name=x&meetingID=m');
  });

  it('treats metadata names as BBB does, without regard to case after meta_', () => {
    const global = { create: { block: ['meta_endCallbackUrl'], defaults: { meta_Origin: 'ensemble' } } };
    expect(create('meta_endcallbackurl=a&META_x=1&meta_ORIGIN=lms&meta_EndCallbackURL=b', global)).toBe(
      'META_x=1&meta_ORIGIN=lms',
    );
  });

  it.each([
    ['above the cap', 'maxParticipants=500', 'maxParticipants=100'],
    ['within the cap', 'maxParticipants=40', 'maxParticipants=40'],
    ['written with leading zeros', 'maxParticipants=007', 'maxParticipants=7'],
    ['absent (BBB: no limit)', '', 'maxParticipants=100'],
    ['0 (BBB: no limit)', 'maxParticipants=0', 'maxParticipants=100'],
    ['negative', 'maxParticipants=-1', 'maxParticipants=100'],
    ['empty', 'maxParticipants=', 'maxParticipants=100'],
    ['not a number', 'maxParticipants=lots', 'maxParticipants=100'],
    ['past a Java int', 'maxParticipants=99999999999999999999', 'maxParticipants=100'],
    ['sent twice (one value only reaches the node)', 'maxParticipants=5&maxParticipants=900', 'maxParticipants=5'],
  ])('caps a value %s', (_what, sent, seen) => {
    expect(create(`name=x&${sent}`, { create: { caps: { maxParticipants: 100 } } })).toBe(`name=x&${seen}`);
  });

  it('applies join policies to joins only', () => {
    const p = policy({ join: { defaults: { 'userdata-bbb_auto_join_audio': 'true' }, block: ['avatarURL'] } });
    const join = BbbParams.parse('fullName=A&meetingID=m&avatarURL=https://x/a.png');
    expect(applyPolicy(join, 'join', p).toQuery()).toBe('fullName=A&meetingID=m&userdata-bbb_auto_join_audio=true');
    expect(applyPolicy(join, 'create', p)).toBe(join);
  });
});

describe('the global policy and a tenant’s together', () => {
  it('takes the tenant’s default before the global one', () => {
    expect(
      create(
        'name=x',
        { create: { defaults: { welcome: 'global' } } },
        { create: { defaults: { welcome: 'tenant' } } },
      ),
    ).toBe('name=x&welcome=tenant');
  });

  it('keeps a global override over the tenant’s override and block', () => {
    const global = { create: { overrides: { record: 'false', muteOnStart: 'true' } } };
    const tenant = { create: { overrides: { record: 'true' }, block: ['muteOnStart'] } };
    expect(create('name=x&record=true&muteOnStart=false', global, tenant)).toBe('name=x&record=false&muteOnStart=true');
  });

  it('keeps a globally blocked parameter out whatever the tenant says', () => {
    const tenant = {
      create: { defaults: { logo: 'a' }, overrides: { maxParticipants: '10' }, caps: { duration: 30 } },
    };
    expect(create('name=x&logo=b', { create: { block: ['logo', 'maxParticipants', 'duration'] } }, tenant)).toBe(
      'name=x',
    );
  });

  it('lets the tenant’s block keep a global default out', () => {
    expect(
      create('name=x&welcome=w', { create: { defaults: { welcome: 'Hi' } } }, { create: { block: ['welcome'] } }),
    ).toBe('name=x');
  });

  it('bounds every value by the lower of the two caps, the tenant’s override and a global override too', () => {
    expect(
      create('name=x', { create: { caps: { maxParticipants: 100 } } }, { create: { caps: { maxParticipants: 20 } } }),
    ).toBe('name=x&maxParticipants=20');
    expect(
      create('name=x', { create: { caps: { maxParticipants: 20 } } }, { create: { caps: { maxParticipants: 100 } } }),
    ).toBe('name=x&maxParticipants=20');
    expect(
      create('name=x', { create: { caps: { duration: 60 } } }, { create: { overrides: { duration: '600' } } }),
    ).toBe('name=x&duration=60');
    expect(
      create('name=x', { create: { overrides: { duration: '240' } } }, { create: { caps: { duration: 60 } } }),
    ).toBe('name=x&duration=60');
  });

  it('still caps a globally capped parameter the tenant blocks (absent is no limit to BBB)', () => {
    expect(
      create(
        'name=x&maxParticipants=5',
        { create: { caps: { maxParticipants: 50 } } },
        { create: { block: ['maxParticipants'] } },
      ),
    ).toBe('name=x&maxParticipants=50');
  });
});

describe('the schema of a policy', () => {
  it('reads a partial policy as a whole one, so a tenant may store only what it sets', () => {
    expect(parameterPolicySchema.parse({})).toEqual(EMPTY_POLICY);
    expect(parameterPolicySchema.parse({ create: { caps: { duration: 60 } } })).toEqual({
      create: { defaults: {}, overrides: {}, block: [], caps: { duration: 60 } },
      join: { defaults: {}, overrides: {}, block: [], caps: {} },
    });
  });

  it('gives back what it parsed when parsed again (a stored policy reads as written)', () => {
    const p = policy({ create: { defaults: { meta_Origin: 'x' }, block: ['logo'], caps: { maxParticipants: 5 } } });
    expect(parameterPolicySchema.parse(JSON.parse(JSON.stringify(p)))).toEqual(p);
  });

  it('takes names that an object inherits (constructor, toString) as plain parameter names', () => {
    expect(problems({ create: { defaults: { constructor: 'x' }, block: ['toString'] } })).toEqual([]);
    expect(problems({ create: { caps: { constructor: 5 } } })).toEqual([
      expect.stringContaining('create.caps.constructor: not a numeric create parameter'),
    ]);
  });

  it.each([
    ['an unknown part', { create: { overide: {} } }, 'create: Unrecognized key: "overide"'],
    ['an unknown call', { end: {} }, ': Unrecognized key: "end"'],
    [
      'a name with a space',
      { create: { defaults: { 'max users': '1' } } },
      'create.defaults.max users: not a BBB parameter name',
    ],
    ['a name starting with a digit', { join: { block: ['1x'] } }, 'join.block.0: not a BBB parameter name'],
    [
      'a metadata name BBB ignores',
      { create: { overrides: { meta_a_b: '1' } } },
      'create.overrides.meta_a_b: not a BBB metadata name',
    ],
    ['a long name', { create: { block: ['a'.repeat(129)] } }, 'create.block.0: a parameter name has at most 128'],
    [
      'the checksum',
      { create: { defaults: { checksum: 'x' } } },
      'create.defaults.checksum: the checksum is the gateway’s',
    ],
    ['the meetingID', { join: { overrides: { meetingID: 'x' } } }, 'join.overrides.meetingID: the meeting’s identity'],
    [
      'join’s redirect',
      { join: { overrides: { redirect: 'false' } } },
      'join.overrides.redirect: the gateway answers redirect',
    ],
    ['a blocked required name', { create: { block: ['name'] } }, 'create.block.0: BBB requires name'],
    ['a blocked fullName', { join: { block: ['fullName'] } }, 'join.block.0: BBB requires fullName'],
    [
      'a long value',
      { create: { defaults: { welcome: 'w'.repeat(4097) } } },
      'create.defaults.welcome: a value has at most 4096',
    ],
    [
      'a name blocked and defaulted',
      { create: { block: ['logo'], defaults: { logo: 'x' } } },
      'create.defaults.logo: also blocked',
    ],
    [
      'a meta name blocked and overridden',
      { create: { block: ['meta_a'], overrides: { meta_A: 'x' } } },
      'create.overrides.meta_A: also blocked',
    ],
    [
      'a name blocked and capped',
      { create: { block: ['duration'], caps: { duration: 5 } } },
      'create.caps.duration: also blocked',
    ],
    [
      'one meta name twice',
      { create: { block: ['meta_a', 'meta_A'] } },
      'create.block.1: the same parameter as meta_a',
    ],
    [
      'a cap on a text parameter',
      { create: { caps: { welcome: 5 } } },
      'create.caps.welcome: not a numeric create parameter',
    ],
    [
      'a cap on a join',
      { join: { caps: { maxParticipants: 5 } } },
      'join.caps.maxParticipants: join has no numeric parameter',
    ],
    ['a cap of 0', { create: { caps: { maxParticipants: 0 } } }, 'create.caps.maxParticipants: a cap is at least 1'],
    ['a negative cap', { create: { caps: { duration: -5 } } }, 'create.caps.duration: a cap is at least 1'],
    ['a fractional cap', { create: { caps: { duration: 1.5 } } }, 'create.caps.duration: a cap is a whole number'],
    ['a cap as text', { create: { caps: { duration: '60' } } }, 'create.caps.duration: a cap is a whole number'],
    [
      'a cap past a Java int',
      { create: { caps: { duration: 2 ** 31 } } },
      'create.caps.duration: a cap is at most 2147483647',
    ],
    [
      'an override above its cap',
      { create: { overrides: { maxParticipants: '500' }, caps: { maxParticipants: 100 } } },
      'create.overrides.maxParticipants: maxParticipants is capped: a whole number from 1 to 100',
    ],
    [
      'a default that is no number',
      { create: { defaults: { duration: 'long' }, caps: { duration: 60 } } },
      'create.defaults.duration: duration is capped',
    ],
    ['a value that is no string', { create: { defaults: { record: true } } }, 'create.defaults.record: Invalid input'],
    [
      'too many blocked names',
      { create: { block: Array.from({ length: 101 }, (_, i) => `p${i}`) } },
      'create.block: at most 100 parameters',
    ],
  ])('refuses %s, naming the field', (_what, input, problem) => {
    const found = problems(input);
    expect(found).toEqual([expect.stringContaining(problem)]);
  });
});
