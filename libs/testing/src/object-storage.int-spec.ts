import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startObjectStorage, type ObjectStorageServer } from './object-storage.js';

/** The S3 error code a call failed with (the SDK names the exception after it). */
async function s3Error(call: Promise<unknown>): Promise<{ code: string; status: number | undefined }> {
  try {
    await call;
  } catch (e) {
    if (e instanceof S3ServiceException) return { code: e.name, status: e.$metadata.httpStatusCode };
    throw e;
  }
  throw new Error('the call succeeded');
}

const text = async (client: S3Client, input: { Bucket: string; Key: string; Range?: string }) =>
  (await client.send(new GetObjectCommand(input))).Body!.transformToString();

describe('the local S3-compatible server (AWS SDK v3 against it)', () => {
  let storage: ObjectStorageServer;
  let client: S3Client;
  let bucket: string;

  beforeAll(async () => {
    storage = await startObjectStorage();
    client = new S3Client(storage.clientConfig());
  });
  beforeEach(async () => {
    bucket = await storage.createBucket();
  });
  afterAll(async () => {
    client?.destroy();
    await storage?.stop();
  });

  it('stores an object, reads it whole and by byte range, and heads it', async () => {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'rec/a/metadata.xml',
        Body: '<recording/>',
        ContentType: 'text/xml',
      }),
    );
    expect(await text(client, { Bucket: bucket, Key: 'rec/a/metadata.xml' })).toBe('<recording/>');
    const part = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'rec/a/metadata.xml', Range: 'bytes=1-9' }),
    );
    expect(part.$metadata.httpStatusCode).toBe(206);
    expect(part.ContentRange).toBe('bytes 1-9/12');
    expect(await part.Body!.transformToString()).toBe('recording');
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'rec/a/metadata.xml' }));
    expect(head).toMatchObject({ ContentLength: 12, ContentType: 'text/xml' });
    expect(await s3Error(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' })))).toEqual({
      code: 'NoSuchKey',
      status: 404,
    });
  });

  it('lists keys page by page with continuation tokens, no key twice or missed', async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `p/${i}`);
    for (const Key of keys) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'p/', MaxKeys: 3, ContinuationToken: token }),
      );
      seen.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      pages++;
    } while (token);
    expect(seen).toEqual(keys);
    expect(pages).toBe(3);
  });

  it('deletes one object and many at once', async () => {
    for (const Key of ['d/1', 'd/2', 'd/3'])
      await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }));
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'd/1' }));
    const many = await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'd/2' }, { Key: 'd/3' }] } }),
    );
    expect((many.Deleted ?? []).map((d) => d.Key).sort((a, b) => a!.localeCompare(b!))).toEqual(['d/2', 'd/3']);
    expect((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBe(0);
  });

  it('assembles a multipart upload from its parts, and an aborted one leaves nothing', async () => {
    const first = Buffer.alloc(5 * 1024 * 1024, 'a'); // S3's minimum for every part but the last
    const last = Buffer.from('the end');
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big.webm' }));
    const parts = [];
    for (const [i, Body] of [first, last].entries()) {
      const { ETag } = await client.send(
        new UploadPartCommand({ Bucket: bucket, Key: 'big.webm', UploadId, PartNumber: i + 1, Body }),
      );
      parts.push({ ETag, PartNumber: i + 1 });
    }
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'big.webm',
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big.webm' }));
    expect(head.ContentLength).toBe(first.length + last.length);
    expect(await text(client, { Bucket: bucket, Key: 'big.webm', Range: `bytes=${first.length}-` })).toBe('the end');

    const aborted = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'gone.webm' }));
    await client.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'gone.webm',
        UploadId: aborted.UploadId,
        PartNumber: 1,
        Body: last,
      }),
    );
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'gone.webm', UploadId: aborted.UploadId }),
    );
    const late = new UploadPartCommand({
      Bucket: bucket,
      Key: 'gone.webm',
      UploadId: aborted.UploadId,
      PartNumber: 2,
      Body: last,
    });
    expect(await s3Error(client.send(late))).toEqual({ code: 'NoSuchUpload', status: 404 });
    expect(await s3Error(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'gone.webm' })))).toMatchObject({
      status: 404,
    });
  });

  it('refuses a wrong secret, an unknown key and an unsigned request with S3 XML errors', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'private', Body: 'secret lecture' }));
    const wrongSecret = new S3Client({
      ...storage.clientConfig(),
      credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: 'not-the-secret' },
    });
    const unknownKey = new S3Client({
      ...storage.clientConfig(),
      credentials: { accessKeyId: 'NOSUCHKEY', secretAccessKey: storage.secretAccessKey },
    });
    try {
      expect(await s3Error(wrongSecret.send(new GetObjectCommand({ Bucket: bucket, Key: 'private' })))).toEqual({
        code: 'SignatureDoesNotMatch',
        status: 403,
      });
      expect(await s3Error(wrongSecret.send(new PutObjectCommand({ Bucket: bucket, Key: 'x', Body: 'y' })))).toEqual({
        code: 'SignatureDoesNotMatch',
        status: 403,
      });
      expect(await s3Error(unknownKey.send(new ListObjectsV2Command({ Bucket: bucket })))).toEqual({
        code: 'InvalidAccessKeyId',
        status: 403,
      });
    } finally {
      wrongSecret.destroy();
      unknownKey.destroy();
    }
    const anonymous = await fetch(`${storage.url}/${bucket}/private`);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toMatch(/<Error>\s*<Code>AccessDenied<\/Code>/);
    expect((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBe(1);
  });

  it('serves a presigned GET, and refuses it tampered with or expired', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'play/video.webm', Body: 'frames' }));
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: 'play/video.webm' }), {
      expiresIn: 60,
    });
    expect(await (await fetch(url)).text()).toBe('frames');
    const other = url.replace('play/video.webm', 'play/other.webm');
    expect((await fetch(other)).status).toBe(403);
    const expired = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: 'play/video.webm' }), {
      expiresIn: 1,
      signingDate: new Date(Date.now() - 60_000),
    });
    const refused = await fetch(expired);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Message>Request has expired</Message>');
  });

  it('keeps its objects across a restart (storage down, then back)', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'kept', Body: 'still here' }));
    await storage.process.stop();
    await expect(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'kept' }))).rejects.toThrow();
    await storage.process.start();
    expect(await text(client, { Bucket: bucket, Key: 'kept' })).toBe('still here');
  });
});
