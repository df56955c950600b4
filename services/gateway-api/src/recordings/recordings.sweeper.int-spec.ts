import { Logger, type Database } from '@ensemble/shared';
import { startObjectStorage, type ObjectStorageServer, type PostgresServer } from '@ensemble/testing';
import { gatewayDatabase, startGatewayPostgres } from '../db/gateway-db.test-support.js';
import type { GatewayConfig } from '../config.js';
import { RecordingStorage } from './recording-storage.client.js';
import { storageSettings } from './recordings.config.js';
import { RecordingsRepository } from './recordings.repository.js';
import { RecordingsSweeper } from './recordings.sweeper.js';
import { TransferService } from './transfer.service.js';
import type { RecordingReadyNotifier } from '../callbacks/recording-ready.notifier.js';
import type { RecordingTokenResolver } from './recording-token.resolver.js';

const HOUR = 3_600_000;
const config = { RECORDING_SWEEP_GRACE_S: 3600, RECORDING_SWEEP_INTERVAL_S: 3600 } as GatewayConfig;
const digest = (c: string) => c.repeat(64);

describe('the recordings storage sweeper', () => {
  let postgres: PostgresServer;
  let objects: ObjectStorageServer;
  let database: Database;
  let storage: RecordingStorage;
  let recordings: RecordingsRepository;

  beforeAll(async () => {
    [postgres, objects] = await Promise.all([startGatewayPostgres(), startObjectStorage()]);
  });
  afterAll(async () => {
    await postgres?.stop();
    await objects?.stop();
  });
  beforeEach(async () => {
    const made = await gatewayDatabase(postgres);
    database = made.database;
    recordings = new RecordingsRepository(made.db);
    storage = new RecordingStorage({
      endpoint: objects.url,
      region: objects.region,
      bucket: await objects.createBucket(),
      accessKeyId: objects.accessKeyId,
      secretAccessKey: objects.secretAccessKey,
    });
  });
  afterEach(async () => {
    storage.destroy();
    await database.close();
  });

  const putAll = (keys: string[]) => Promise.all(keys.map((k) => storage.put(k, Buffer.from('x'), 1)));
  const all = async () => {
    const keys: string[] = [];
    for await (const o of storage.list('')) keys.push(o.Key!);
    return keys.sort();
  };

  it('removes staged uploads and unreferenced prefixes past the grace period, and keeps what the index points at', async () => {
    const kept = `recordings/r1/presentation/${digest('a')}/`;
    const replaced = `recordings/r1/presentation/${digest('b')}/`;
    await recordings.index(
      {
        recordId: 'r1',
        meetingId: 'm',
        internalMeetingId: 'r1',
        name: 'M',
        state: 'published',
        startTime: 1,
        endTime: 2,
        participants: 1,
        metadata: {},
        nodeId: 'bbb-1',
      },
      {
        format: 'presentation',
        digest: digest('a'),
        prefix: kept,
        sizeBytes: 2,
        fileCount: 2,
        playbackPath: '/playback/presentation/2.3/r1',
        processingTimeMs: 0,
        lengthMs: 1,
      },
    );
    await putAll([`${kept}metadata.xml`, `${kept}video/a.webm`, `${replaced}metadata.xml`, 'staging/left-over']);
    const sweeper = new RecordingsSweeper(storage, recordings, config, new Logger('test', 'error'));
    // Within the grace period nothing goes (an upload may be unpacking into its prefix right now).
    expect(await sweeper.sweep()).toBe(0);
    expect(await sweeper.sweep(Date.now() + 2 * HOUR)).toBe(2);
    expect(await all()).toEqual([`${kept}metadata.xml`, `${kept}video/a.webm`]);
  });

  it('answers 503 unavailable for a transfer when storage is not configured, and refuses half a configuration', async () => {
    const transfers = new TransferService(
      null,
      {} as RecordingTokenResolver,
      recordings,
      {} as RecordingReadyNotifier,
      config,
      new Logger('test', 'error'),
    );
    await expect(
      transfers.transfer({ token: 't', recordId: 'r', format: 'f', digest: digest('c'), body: async function* () {} }),
    ).rejects.toMatchObject({ code: 'unavailable' });
    expect(storageSettings({ S3_REGION: 'fr-par' })).toBeNull();
    expect(() => storageSettings({ S3_REGION: 'fr-par', S3_BUCKET: 'b-1' })).toThrow(
      'object storage: S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY missing',
    );
  });
});
