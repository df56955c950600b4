import { jwtVerify } from 'jose';
import { Logger, Metrics, NatsBus, callbackEnvSchema } from '@ensemble/shared';
import { CallbackReceiver, startNats, waitFor, type TestServer } from '@ensemble/testing';
import { BbbParams } from '../bbb-api/bbb-params.js';
import type { GatewayConfig } from '../config.js';
import { CallbackDeliveryService } from './callback-delivery.service.js';
import { CallbackUrls } from './callback-urls.js';
import { RecordingReadyNotifier } from './recording-ready.notifier.js';
import { DirectoryTenantSecrets } from './tenant-secrets.port.js';
import { configOnlyDirectory } from '../tenants/tenant-directory.test-support.js';

const SECRET = 'bbb-api-secret-of-the-integration';

describe('the recording-ready callback, made by Ensemble', () => {
  let nats: TestServer;
  let bus: NatsBus;
  let service: CallbackDeliveryService;
  let notifier: RecordingReadyNotifier;
  let urls: CallbackUrls;
  const receiver = new CallbackReceiver();
  const logs: string[] = [];
  const config = {
    BBB_API_SECRET: SECRET,
    BBB_API_SECRETS: [],
    OPS_TOKEN: 'ops-token-0123456789',
    CALLBACK_BASE_URL: 'https://ensemble.example.org',
    // Production's backoff shape with a short first step.
    ...callbackEnvSchema.parse({ CALLBACK_RETRY_FIRST_MS: '200', CALLBACK_TIMEOUT_MS: '2000' }),
  } as unknown as GatewayConfig;

  /** The value the node keeps in its metadata for the integration's URL (what create hands it). */
  const onNode = (url: string, meetingID: string) =>
    urls
      .takeOver(BbbParams.of([['meta_bbb-recording-ready-url', url]]), { tenant: 'default', meetingID }, '')
      .get('meta_ensemble-recording-ready-url')!;

  beforeAll(async () => {
    nats = await startNats();
    await receiver.start();
    const logger = new Logger('gateway-api', 'debug', (l) => logs.push(l), {}, [SECRET]);
    const metrics = new Metrics('gateway-api');
    bus = await NatsBus.connect({ url: nats.url, name: 'gateway-api', logger, metrics });
    service = new CallbackDeliveryService(
      config,
      logger,
      metrics,
      bus,
      new DirectoryTenantSecrets(configOnlyDirectory(config, logger, bus)),
    );
    await service.onApplicationBootstrap();
    urls = new CallbackUrls(config);
    notifier = new RecordingReadyNotifier(logger, urls, service);
  });
  afterAll(async () => {
    await service.onModuleDestroy();
    await bus.close();
    await receiver.stop();
    await nats.stop();
  });

  it('reaches a local receiver that fails twice first, signed as BBB signs it, once', async () => {
    const url = `${receiver.script('/bbb/ready', [500, 'cut'])}?token=lms-token-123`;
    const ready = { recordId: 'a1b2c3-1700000000000', meetingId: 'lecture-1', url: onNode(url, 'lecture-1') };
    expect(ready.url).toMatch(/^https:\/\/ensemble\.example\.org\/bigbluebutton\/callbacks\/v1\/recording-ready\/v1\./);
    expect(ready.url).not.toContain('lms-token-123');
    expect(await notifier.notify(ready)).toBe(true);
    expect(await notifier.notify(ready)).toBe(false); // the same recording again: already on its way
    await waitFor('delivered', () => receiver.at('/bbb/ready').some((r) => r.answered === 200));
    const calls = receiver.at('/bbb/ready');
    expect(calls.map((c) => c.answered)).toEqual([500, 'cut', 200]);
    const last = calls[2]!;
    expect(last).toMatchObject({ method: 'POST', query: 'token=lms-token-123' });
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

  it('calls a plain URL kept by a recording made before the callbacks were taken over', async () => {
    const url = receiver.script('/legacy', []);
    expect(await notifier.notify({ recordId: 'b1-1700000000001', meetingId: 'old-lecture', url })).toBe(true);
    await waitFor('delivered', () => receiver.at('/legacy').length === 1);
    const jwt = new URLSearchParams(receiver.at('/legacy')[0]!.body).get('signed_parameters')!;
    const { payload } = await jwtVerify(jwt, new TextEncoder().encode(SECRET));
    expect(payload).toEqual({ meeting_id: 'old-lecture', record_id: 'b1-1700000000001' });
  });

  it('sends nothing for a URL that is not http(s), nor for a token this gateway did not seal', async () => {
    expect(await notifier.notify({ recordId: 'r2', meetingId: 'm2', url: 'javascript:alert(1)' })).toBe(false);
    expect(await notifier.notify({ recordId: 'r3', meetingId: 'm3', url: onNode('javascript:alert(1)', 'm3') })).toBe(
      false,
    );
    const foreign = new CallbackUrls({ ...config, OPS_TOKEN: 'another-gateway-0123456789' });
    const theirs = foreign
      .takeOver(
        BbbParams.of([['meta_bbb-recording-ready-url', receiver.url]]),
        { tenant: 'default', meetingID: 'm4' },
        '',
      )
      .get('meta_ensemble-recording-ready-url')!;
    expect(await notifier.notify({ recordId: 'r4', meetingId: 'm4', url: theirs })).toBe(false);
  });
});
