import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jwtVerify } from 'jose';
import type { OutboundCallback } from '@ensemble/contracts';
import { CallbackReceiver, startNats, waitFor, type TestServer } from '@ensemble/testing';
import {
  CALLBACK_STREAM,
  CallbackDelivery,
  Logger,
  Metrics,
  deadCallbacks,
  type CallbackRetryPolicy,
} from '@ensemble/shared';

/** Production's shape (doubling waits, a cap, an attempt limit), with short first steps. */
const retry: CallbackRetryPolicy = {
  firstDelayMs: 300,
  maxDelayMs: 5_000,
  maxAttempts: 6,
  maxAgeMs: 60_000,
  attemptTimeoutMs: 2_000,
};

/** libs/shared's CallbackDelivery, tested here: libraries do not depend on libs/testing. */
describe('outbound callbacks through the ENSEMBLE_CALLBACKS stream', () => {
  let nats: TestServer;
  const receiver = new CallbackReceiver();
  const connections: NatsConnection[] = [];
  const running: CallbackDelivery[] = [];
  const logs: string[] = [];

  const gateway = async (policy: CallbackRetryPolicy = retry, secrets: Record<string, string> = {}) => {
    const connection = await connect({ servers: nats.url });
    connections.push(connection);
    const metrics = new Metrics('test');
    const logger = new Logger('test', 'debug', (l) => logs.push(l));
    const delivery = new CallbackDelivery({
      connection,
      logger,
      metrics,
      retry: policy,
      secretOf: (tenant) => Promise.resolve(secrets[tenant]),
    });
    await delivery.ensure();
    await delivery.start();
    running.push(delivery);
    /** A counter's total, over the series whose labels match `labels`. */
    const count = async (name: string, labels: Record<string, string> = {}) =>
      (await metrics.registry.getSingleMetric(name)?.get())?.values
        .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
        .reduce((s, v) => s + v.value, 0) ?? 0;
    return { delivery, connection, count };
  };
  const callback = (id: string, url: string): OutboundCallback => ({
    id,
    kind: 'recording-ready',
    url,
    contentType: 'application/x-www-form-urlencoded',
    body: `signed_parameters=${id}`,
    enqueuedAt: Date.now(),
  });
  /** Nothing left to deliver or awaiting an ack: no further attempt will come. */
  const settled = async (connection: NatsConnection) => {
    const info = await (await jetstreamManager(connection)).consumers.info(CALLBACK_STREAM, 'callback-delivery');
    return info.num_pending === 0 && info.num_ack_pending === 0;
  };

  beforeAll(async () => {
    nats = await startNats();
    await receiver.start();
  });
  afterEach(async () => {
    for (const d of running.splice(0)) await d.stop();
    for (const c of connections.splice(0)) await c.close();
  });
  afterAll(async () => {
    await receiver.stop();
    await nats.stop();
  });

  it('delivers a callback once, as enqueued, and acks it', async () => {
    const { delivery, connection } = await gateway();
    const url = receiver.script('/once', []);
    expect(await delivery.enqueue(callback('once', url))).toBe(true);
    await waitFor('delivered and acked', async () => receiver.at('/once').length === 1 && settled(connection));
    expect(receiver.at('/once')[0]).toMatchObject({
      contentType: 'application/x-www-form-urlencoded',
      body: 'signed_parameters=once',
      answered: 200,
    });
  });

  it('reaches a receiver that fails twice (500, then a cut connection) on the third attempt, waiting longer each time', async () => {
    const { delivery, connection, count } = await gateway();
    const url = receiver.script('/flaky', [500, 'cut']);
    await delivery.enqueue(callback('flaky', url));
    await waitFor('third attempt', async () => receiver.at('/flaky').length === 3 && settled(connection));
    const [a, b, c] = receiver.at('/flaky');
    expect([a!.answered, b!.answered, c!.answered]).toEqual([500, 'cut', 200]);
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(retry.firstDelayMs);
    expect(c!.at - b!.at).toBeGreaterThanOrEqual(2 * retry.firstDelayMs);
    expect(await count('ensemble_callbacks_total', { kind: 'recording-ready', outcome: 'retried' })).toBe(2);
    expect(await count('ensemble_callbacks_total', { kind: 'recording-ready', outcome: 'delivered' })).toBe(1);
    // The callback URL may carry tokens: log lines name its host only.
    expect(logs.join('')).not.toContain('/flaky');
  });

  it('delivers a callback enqueued twice once', async () => {
    const { delivery, connection } = await gateway();
    const url = receiver.script('/dup', []);
    expect(await delivery.enqueue(callback('dup', url))).toBe(true);
    expect(await delivery.enqueue(callback('dup', url))).toBe(false);
    await waitFor('delivered', async () => receiver.at('/dup').length === 1 && settled(connection));
    expect(receiver.at('/dup')).toHaveLength(1);
  });

  it('still delivers when the gateway that was retrying stops and another starts', async () => {
    const first = await gateway({ ...retry, firstDelayMs: 1_000 });
    const url = receiver.script('/restart', [503]);
    await first.delivery.enqueue(callback('restart', url));
    await waitFor('first attempt', () => receiver.at('/restart').length === 1);
    await first.delivery.stop();
    await first.connection.close();
    const second = await gateway();
    await waitFor(
      'delivered by the second',
      async () => receiver.at('/restart').length === 2 && settled(second.connection),
    );
    expect(receiver.at('/restart').map((r) => r.answered)).toEqual([503, 200]);
    expect(await second.count('ensemble_callbacks_total', { outcome: 'delivered' })).toBe(1);
  });

  it('drops a message that is no callback without blocking the next', async () => {
    const { delivery, connection, count } = await gateway();
    const js = jetstream(connection);
    await js.publish('ensemble.callbacks.pending.recording-ready', 'not json');
    await js.publish('ensemble.callbacks.pending.recording-ready', JSON.stringify({ id: 'x', url: 'ftp://h/' }));
    const url = receiver.script('/after-bad', []);
    await delivery.enqueue(callback('after-bad', url));
    await waitFor('delivered', async () => receiver.at('/after-bad').length === 1 && settled(connection));
    expect(await count('ensemble_callbacks_invalid_total')).toBe(2);
  });

  it('gives up after the last attempt and keeps the callback as dead', async () => {
    const { delivery, connection, count } = await gateway({ ...retry, maxAttempts: 2 });
    const url = receiver.script('/down', [500, 500, 500]);
    await delivery.enqueue(callback('down', url));
    await waitFor(
      'given up',
      async () => (await count('ensemble_callbacks_total', { outcome: 'dead' })) === 1 && settled(connection),
    );
    expect(receiver.at('/down')).toHaveLength(2);
    const dead = await deadCallbacks(connection, 'recording-ready');
    expect(dead).toEqual([expect.objectContaining({ id: 'down', reason: 'http 500' })]);
  });

  it('refuses a callback to a URL that is not http(s)', async () => {
    const { delivery } = await gateway();
    await expect(delivery.enqueue(callback('bad-url', 'file:///etc/passwd'))).rejects.toThrow();
  });

  it("signs a tenant's callback at each attempt with the tenant's secret of that moment", async () => {
    const secrets: Record<string, string> = { uni: 'secret-before-rotation' };
    const { delivery, connection } = await gateway(retry, secrets);
    const url = receiver.script('/signed', [500]);
    await delivery.enqueue({
      id: 'signed',
      kind: 'recording-ready',
      url,
      enqueuedAt: Date.now(),
      tenant: 'uni',
      signing: { as: 'recording-ready', meetingId: 'lecture', recordId: 'r-1' },
    });
    await waitFor('first attempt', () => receiver.at('/signed').length === 1);
    secrets.uni = 'secret-after-rotation';
    await waitFor('delivered', async () => receiver.at('/signed').length === 2 && settled(connection));
    const jwtOf = (i: number) => new URLSearchParams(receiver.at('/signed')[i]!.body).get('signed_parameters')!;
    const key = (s: string) => new TextEncoder().encode(s);
    await expect(jwtVerify(jwtOf(0), key('secret-before-rotation'))).resolves.toBeTruthy();
    const { payload } = await jwtVerify(jwtOf(1), key('secret-after-rotation'));
    expect(payload).toEqual({ meeting_id: 'lecture', record_id: 'r-1' });
  });

  it('drops the callback of a tenant that has no secret any more, at once, and shows it dropped', async () => {
    const { delivery, connection, count } = await gateway(retry, {});
    const url = receiver.script('/gone', []);
    await delivery.enqueue({
      id: 'gone',
      kind: 'meeting-ended',
      method: 'GET',
      url,
      enqueuedAt: Date.now(),
      tenant: 'gone',
    });
    await waitFor('dropped', async () => (await count('ensemble_callbacks_total', { outcome: 'dropped' })) === 1);
    await waitFor('settled', () => settled(connection));
    expect(receiver.at('/gone')).toEqual([]);
    expect((await delivery.list()).find((c) => c.id === 'gone')).toMatchObject({
      state: 'dropped',
      lastError: 'tenant-unknown',
      tenant: 'gone',
    });
  });

  it('shows a failing callback as retrying (attempts, reason, host only), and forgets it once delivered', async () => {
    const { delivery, connection } = await gateway({ ...retry, firstDelayMs: 1_500 });
    const url = receiver.script('/shown', [503]);
    await delivery.enqueue({ ...callback('shown', `${url}?token=integration-secret`), meetingId: 'm-shown' });
    await waitFor('retrying', async () =>
      (await delivery.list()).some((c) => c.id === 'shown' && c.state === 'retrying'),
    );
    const shown = (await delivery.list()).find((c) => c.id === 'shown')!;
    expect(shown).toMatchObject({ kind: 'recording-ready', attempts: 1, lastError: 'http 503', meetingId: 'm-shown' });
    expect(shown.host).toBe(new URL(url).host);
    expect(JSON.stringify(shown)).not.toContain('integration-secret');
    expect(shown.nextAttemptAt).toBeGreaterThan(shown.lastAttemptAt!);
    await waitFor('delivered', async () => receiver.at('/shown').length === 2 && settled(connection));
    await waitFor('forgotten', async () => !(await delivery.list()).some((c) => c.id === 'shown'));
  });

  it("sends a meeting-ended callback as BBB's GET, following a redirect", async () => {
    const { delivery, connection } = await gateway();
    receiver.script('/moved', [{ redirect: '/here' }]);
    await delivery.enqueue({
      id: 'get',
      kind: 'meeting-ended',
      method: 'GET',
      url: `${receiver.url}/moved?meetingID=m1&recordingmarks=false`,
      enqueuedAt: Date.now(),
    });
    await waitFor('followed', async () => receiver.at('/here').length === 1 && settled(connection));
    expect(receiver.at('/moved')[0]).toMatchObject({
      method: 'GET',
      query: 'meetingID=m1&recordingmarks=false',
      body: '',
    });
    expect(receiver.at('/here')[0]).toMatchObject({ method: 'GET', answered: 200 });
  });
});
