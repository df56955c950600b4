import { jwtVerify } from 'jose';
import { Logger, Metrics, NatsBus, callbackEnvSchema } from '@ensemble/shared';
import { CallbackReceiver, startNats, waitFor, type TestServer } from '@ensemble/testing';
import type { GatewayConfig } from '../config.js';
import { CallbackDeliveryService } from './callback-delivery.service.js';
import { RecordingReadyNotifier } from './recording-ready.notifier.js';

const SECRET = 'bbb-api-secret-of-the-integration';

describe('the recording-ready callback, made by Ensemble', () => {
  let nats: TestServer;
  let bus: NatsBus;
  let service: CallbackDeliveryService;
  let notifier: RecordingReadyNotifier;
  const receiver = new CallbackReceiver();
  const logs: string[] = [];

  beforeAll(async () => {
    nats = await startNats();
    await receiver.start();
    // Production's backoff shape with a short first step.
    const config = {
      BBB_API_SECRET: SECRET,
      BBB_API_SECRETS: [],
      ...callbackEnvSchema.parse({ CALLBACK_RETRY_FIRST_MS: '200', CALLBACK_TIMEOUT_MS: '2000' }),
    } as unknown as GatewayConfig;
    const logger = new Logger('gateway-api', 'debug', (l) => logs.push(l), {}, [SECRET]);
    const metrics = new Metrics('gateway-api');
    bus = await NatsBus.connect({ url: nats.url, name: 'gateway-api', logger, metrics });
    service = new CallbackDeliveryService(config, logger, metrics, bus);
    await service.onApplicationBootstrap();
    notifier = new RecordingReadyNotifier(config, logger, service);
  });
  afterAll(async () => {
    await service.onModuleDestroy();
    await bus.close();
    await receiver.stop();
    await nats.stop();
  });

  it('reaches a local receiver that fails twice first, signed as BBB signs it, once', async () => {
    const url = receiver.script('/bbb/ready', [500, 'cut']);
    const ready = { recordId: 'a1b2c3-1700000000000', meetingId: 'lecture-1', url: `${url}?token=lms-token-123` };
    expect(await notifier.notify(ready)).toBe(true);
    expect(await notifier.notify(ready)).toBe(false); // the same recording again: already on its way
    await waitFor('delivered', () => receiver.at('/bbb/ready').some((r) => r.answered === 200));
    const calls = receiver.at('/bbb/ready');
    expect(calls.map((c) => c.answered)).toEqual([500, 'cut', 200]);
    const last = calls[2]!;
    expect(last.contentType).toBe('application/x-www-form-urlencoded');
    const jwt = new URLSearchParams(last.body).get('signed_parameters')!;
    const { payload, protectedHeader } = await jwtVerify(jwt, new TextEncoder().encode(SECRET));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toEqual({ meeting_id: 'lecture-1', record_id: 'a1b2c3-1700000000000' });
    const logged = logs.join('');
    expect(logged).toContain('callback delivered');
    expect(logged).not.toContain(jwt);
    expect(logged).not.toContain('lms-token-123');
  });

  it('sends nothing for a URL that is not http(s)', async () => {
    expect(await notifier.notify({ recordId: 'r2', meetingId: 'm2', url: 'javascript:alert(1)' })).toBe(false);
  });
});
