import { contracts } from '@ensemble/contracts';
import { SchedulerHarness } from '../harness.test-support.js';

// Pending entries live 0.2 s here, so a room soon counts as "placed long enough ago for a poll to see it".
const SHORT_PENDING = { PENDING_TTL_S: '0.2' };
const afterPending = () => new Promise((r) => setTimeout(r, 300));
// A poll counts a room missing only when it started 2 s after the room was last placed or
// looked up; samples here are stamped as polls started that much later (in order).
let clock = 0;
const later = () => (clock = Math.max(clock, Date.now() + 3000) + 10);

describe('rooms whose meeting ended (decision 053)', () => {
  let h: SchedulerHarness;
  afterEach(() => h.stop());

  const listed = (...meetings: Array<[string, number]>) => ({
    at: later(),
    runningMeetings: meetings.map(([meetingID, participants]) => ({ meetingID, participants })),
  });

  it('releases a room its node no longer lists, and places its next meeting by the size it reached', async () => {
    h = await new SchedulerHarness().start({ env: SHORT_PENDING });
    await h.addNodes(['a']);
    await h.sample('a');
    expect((await h.place('bbb:m1')).outcome).toBe('new');
    await afterPending();
    await h.sample('a', { meetings: 1, participants: 30, ...listed(['m1', 30]) });
    await h.sample('a', { meetings: 1, participants: 45, ...listed(['m1', 45]) });
    await h.sample('a', { meetings: 1, participants: 20, ...listed(['m1', 20]) });
    expect((await h.node('a'))?.rooms).toBe(1);
    expect((await h.place('bbb:m1')).outcome).toBe('existing');

    await h.sample('a', listed()); // one poll can glitch: not yet
    expect((await h.node('a'))?.rooms).toBe(1);
    await h.sample('a', listed());
    expect((await h.node('a'))?.rooms).toBe(0);
    expect(h.logs.some((l) => l.includes('ended rooms released'))).toBe(true);
    expect((await h.place('bbb:m1')).outcome).toBe('new');
    expect((await h.node('a'))?.pendingLoad).toBe(46); // its peak, 45, + meeting weight 1
  });

  it('keeps a room placed too recently for the poll to have seen it, and every room when a sample lists nothing', async () => {
    h = await new SchedulerHarness().start();
    await h.addNodes(['a']);
    await h.sample('a');
    await h.place('bbb:fresh');
    await h.sample('a', listed()); // the poll may have started before the meeting was created
    expect((await h.node('a'))?.rooms).toBe(1);
    await h.stop();

    h = await new SchedulerHarness().start({ env: SHORT_PENDING });
    await h.addNodes(['a']);
    await h.sample('a');
    await h.place('bbb:old');
    await afterPending();
    await h.sample('a', listed());
    await h.sample('a', { at: later(), meetings: 3 }); // counts only: the list could not be read whole
    await h.sample('a', { reachable: false, error: 'timeout', ...listed() });
    await h.sample('a', listed()); // a miss again, but not two in a row: the streak was reset
    expect((await h.node('a'))?.rooms).toBe(1);
  });

  it('takes a meeting for ended only when polls miss it twice in a row', async () => {
    h = await new SchedulerHarness().start({ env: SHORT_PENDING });
    await h.addNodes(['a']);
    await h.sample('a');
    await h.place('bbb:flaky');
    await afterPending();
    for (const list of [listed(), listed(['flaky', 4]), listed(), listed(['flaky', 4]), listed()]) {
      await h.sample('a', list);
    }
    expect((await h.place('bbb:flaky')).outcome).toBe('existing');
  });

  it('does not count a poll that started before the room was looked up again (its meeting re-created)', async () => {
    h = await new SchedulerHarness().start({ env: SHORT_PENDING });
    await h.addNodes(['a']);
    await h.sample('a', { at: Date.now() });
    await h.place('bbb:weekly');
    await new Promise((r) => setTimeout(r, 2100));
    await h.sample('a', { ...listed(), at: Date.now() }); // the meeting ended: one miss
    expect((await h.place('bbb:weekly')).outcome).toBe('existing'); // `create` again, on the same node
    await h.sample('a', { ...listed(), at: Date.now() }); // this poll may have started before the create
    expect((await h.node('a'))?.rooms).toBe(1);
    expect((await h.place('bbb:weekly')).outcome).toBe('existing');
  });

  it('keeps every room until `end` with RELEASE_ENDED_ROOMS=false', async () => {
    h = await new SchedulerHarness().start({ env: { ...SHORT_PENDING, RELEASE_ENDED_ROOMS: 'false' } });
    await h.addNodes(['a']);
    await h.sample('a');
    await h.place('bbb:kept');
    await afterPending();
    await h.sample('a', listed());
    await h.sample('a', listed());
    expect((await h.node('a'))?.rooms).toBe(1);
    expect((await h.place('bbb:kept')).outcome).toBe('existing');
  });

  it('matches a web-app room by its meetingID and a BBB API meeting by its namespaced key', async () => {
    h = await new SchedulerHarness().start({ env: SHORT_PENDING });
    await h.addNodes(['a']);
    await h.sample('a');
    await h.place('web-r1');
    await h.place('bbb:lecture');
    await h.place('bbb:gone');
    await afterPending();
    await h.sample('a', listed(['web-r1', 3], ['lecture', 80]));
    await h.sample('a', listed(['web-r1', 3], ['lecture', 80]));
    expect((await h.node('a'))?.rooms).toBe(2);
    expect((await h.place('web-r1')).outcome).toBe('existing');
    expect((await h.place('bbb:lecture')).outcome).toBe('existing');
    expect((await h.place('bbb:gone')).outcome).toBe('new');
  });

  it('remembers the peak of a room ended through the API, and steers by it when it is big', async () => {
    h = await new SchedulerHarness().start({ env: SHORT_PENDING });
    await h.addNodes(['small']);
    await h.addNodes(['large'], { loadMultiplier: 4 });
    await h.sample('small', { participants: 10 });
    await h.sample('large', { participants: 40 });
    const first = await h.place('bbb:course', { expectedSize: 200 });
    expect(first.nodeId).toBe('large');
    await h.sample('large', { participants: 240, ...listed(['course', 200]) });
    await h.bus.request(contracts.end, { roomKey: 'bbb:course' });
    await h.sample('large', { at: later(), participants: 240 }); // the node's load still counts the old meeting
    await h.sample('small', { at: later(), participants: 10 });
    // No size given: the remembered 200 steers it where it weighs least (240+201)/4 < (10+201)/1.
    const again = await h.place('bbb:course');
    expect(again).toMatchObject({ outcome: 'new', nodeId: 'large' });
    expect((await h.node('large'))?.pendingLoad).toBe(201);
  });
});
