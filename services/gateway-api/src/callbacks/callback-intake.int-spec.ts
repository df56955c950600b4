import { DomainError } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus, callbackEnvSchema } from '@ensemble/shared';
import { startNats, type TestServer } from '@ensemble/testing';
import { BbbParams } from '../bbb-api/bbb-params.js';
import type { GatewayConfig } from '../config.js';
import { CallbackDeliveryService } from './callback-delivery.service.js';
import { CallbackIntake } from './callback-intake.service.js';
import { CallbackUrls } from './callback-urls.js';
import { DirectoryTenantSecrets } from './tenant-secrets.port.js';
import { configOnlyDirectory } from '../tenants/tenant-directory.test-support.js';

/** The receiving end of nodes' callbacks, on a real NATS (delivery not started: nothing is sent). */
describe("a node's callback to Ensemble", () => {
  let nats: TestServer;
  let bus: NatsBus;
  let intake: CallbackIntake;
  let urls: CallbackUrls;
  const metrics = new Metrics('gateway-api');
  const config = {
    BBB_API_SECRET: 'bbb-api-secret-0123456789',
    BBB_API_SECRETS: [],
    OPS_TOKEN: 'ops-token-0123456789',
    CALLBACK_TOKEN_SECRET: 'callback-token-secret-0123456789-abcdef',
    ...callbackEnvSchema.parse({}),
  } as unknown as GatewayConfig;

  /** The token of the URL the node got for `param`. */
  const tokenFor = (param: string, url: string, meetingID = 'm1') => {
    const onNode = urls.takeOver(BbbParams.of([[param, url]]), { tenant: 'default', meetingID }, 'http://gw');
    return onNode.entries[0]![1].split('/').at(-1)!;
  };
  const received = async (source: string, outcome: string) =>
    (await metrics.registry.getSingleMetric('ensemble_callbacks_received_total')?.get())?.values.find(
      (v) => v.labels.source === source && v.labels.outcome === outcome,
    )?.value ?? 0;
  const refusal = (e: unknown) => (e instanceof DomainError ? e.code : e);

  beforeAll(async () => {
    nats = await startNats();
    const logger = new Logger('gateway-api', 'error');
    bus = await NatsBus.connect({ url: nats.url, name: 'gateway-api', logger, metrics });
    const service = new CallbackDeliveryService(
      config,
      logger,
      metrics,
      bus,
      new DirectoryTenantSecrets(configOnlyDirectory(config, logger, bus)),
    );
    await service.delivery.ensure();
    urls = new CallbackUrls(config);
    intake = new CallbackIntake(logger, metrics, urls, service);
  });
  afterAll(async () => {
    await bus.close();
    await nats.stop();
  });

  it("queues BBB's two GETs of an end callback once", async () => {
    const token = tokenFor('meta_endCallbackUrl', 'https://lms.example/end');
    const query = new URLSearchParams('recordingmarks=true&meetingID=m1');
    expect(await intake.receive({ source: 'end-callback', token, query, body: undefined })).toBe('queued');
    expect(await intake.receive({ source: 'end-callback', token, query, body: undefined })).toBe('duplicate');
    expect(await received('end-callback', 'queued')).toBe(1);
  });

  it('refuses a token for another receiver (401), an analytics body that is not BBB’s (400), and nodes at recording-ready (404)', async () => {
    const end = tokenFor('meta_endCallbackUrl', 'https://lms.example/end');
    const call = (source: string, token: string, body?: unknown) =>
      intake.receive({ source, token, query: new URLSearchParams(), body }).catch(refusal);
    expect(await call('meeting-ended', end)).toBe('unauthorized');
    expect(await call('end-callback', `${end.slice(0, -2)}xx`)).toBe('unauthorized');
    const analytics = tokenFor('meta_analytics-callback-url', 'https://lms.example/a');
    expect(await call('analytics', analytics, { version: '1.0', meeting_id: 'm1' })).toBe('invalid-input');
    expect(await call('recording-ready', tokenFor('meta_bbb-recording-ready-url', 'https://lms.example/r'))).toBe(
      'not-found',
    );
    expect(await received('meeting-ended', 'refused')).toBe(1);
  });

  it('tells the node to try again (503) when the callback cannot be queued', async () => {
    const token = tokenFor('meetingEndedURL', 'https://lb.example/ended', 'm-later');
    await nats.process.stop();
    try {
      const outcome = await intake
        .receive({ source: 'meeting-ended', token, query: new URLSearchParams(), body: undefined })
        .catch(refusal);
      expect(outcome).toBe('unavailable');
    } finally {
      await nats.process.start();
    }
  });
});
