import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimNode } from '@ensemble/bbb-sim';
import type { ObjectStorageServer } from '@ensemble/testing';

/** The scripts the Terraform module installs in every node's post_publish directory (decision 101). */
export const POST_PUBLISH = fileURLToPath(new URL('../infra/terraform/files/post_publish/', import.meta.url));
export const UPLOADER = join(POST_PUBLISH, 'ensemble-recording-upload.sh');

/** The uploader's environment under a test dir: its conf file, its state, two quick attempts. */
export const uploaderEnv = (dir: string) => ({
  ENSEMBLE_RECORDING_CONF: join(dir, 'recording-upload.conf'),
  ENSEMBLE_STATE_DIR: join(dir, 'state'),
  ENSEMBLE_UPLOAD_ATTEMPTS: '2',
  ENSEMBLE_UPLOAD_BACKOFF_S: '0',
});

/** A BBB API call signed with the node's secret (sha1), straight to the sim node. */
export function callNode(n: SimNode, api: string, params: Record<string, string>): Promise<Response> {
  const q = new URLSearchParams(params).toString();
  const checksum = createHash('sha1').update(`${api}${q}${n.secret}`).digest('hex');
  return fetch(`${n.apiUrl}${api}?${q}&checksum=${checksum}`, { redirect: 'manual' });
}

/**
 * A recorded meeting: created with record=true, joined, recording marks set, ended (BBB then
 * processes it). Answers its record id (the internal meeting id).
 */
export async function recordMeeting(
  n: SimNode,
  meetingID: string,
  params: Record<string, string> = {},
): Promise<string> {
  const created = await (await callNode(n, 'create', { meetingID, name: meetingID, record: 'true', ...params })).text();
  const id = /<internalMeetingID>([^<]+)</.exec(created)![1]!;
  const joined = await callNode(n, 'join', { meetingID, fullName: 'Ada', role: 'MODERATOR' });
  await fetch(joined.headers.get('location')!);
  n.setRecording(meetingID, true);
  await callNode(n, 'end', { meetingID });
  return id;
}

/** The gateway's S3_* settings for a bucket of the local object storage. */
export const gatewayStorageEnv = (storage: ObjectStorageServer, bucket: string) => ({
  S3_ENDPOINT: storage.url,
  S3_REGION: storage.region,
  S3_BUCKET: bucket,
  S3_ACCESS_KEY_ID: storage.accessKeyId,
  S3_SECRET_ACCESS_KEY: storage.secretAccessKey,
});
