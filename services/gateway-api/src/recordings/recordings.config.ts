import { z } from 'zod';

const GiB = 1024 ** 3;

/**
 * Object storage for recordings (S3 API; Scaleway Object Storage in production) and the
 * transfer's bounds. Without S3_BUCKET the gateway runs, and the transfer endpoint answers
 * 503 (decision 102). The key pair is never logged.
 */
export const recordingsEnvShape = {
  S3_ENDPOINT: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'S3_ENDPOINT: expected an http(s) URL')
    .optional(),
  S3_REGION: z.string().min(1).max(64).default('fr-par'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'S3_BUCKET: 3-63 of a-z 0-9 . -')
    .optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).max(256).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).max(256).optional(),
  /** Largest archive a node may upload (one format of one recording). */
  RECORDING_UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * GiB)
    .default(8 * GiB),
  /** Unpacked: at most so many files, each at most 5 GiB (S3's single PUT), all at most this. */
  RECORDING_UNPACKED_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(4096 * GiB)
    .default(32 * GiB),
  RECORDING_MAX_FILES: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
  /** Objects no index row points at are removed once this old (a crash mid-transfer, a replaced version). */
  RECORDING_SWEEP_GRACE_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
  RECORDING_SWEEP_INTERVAL_S: z.coerce.number().int().min(10).max(86_400).default(3600),
};

export interface StorageSettings {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The storage settings when S3 is configured (bucket and key pair together), else null. */
export function storageSettings(env: {
  S3_ENDPOINT?: string | undefined;
  S3_REGION: string;
  S3_BUCKET?: string | undefined;
  S3_ACCESS_KEY_ID?: string | undefined;
  S3_SECRET_ACCESS_KEY?: string | undefined;
}): StorageSettings | null {
  const { S3_BUCKET: bucket, S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = env;
  const given = { S3_BUCKET: bucket, S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey };
  const missing = Object.entries(given).filter(([, v]) => !v);
  if (missing.length === 3) return null;
  // Half a configuration is a mistake, not "no storage": stop at start, naming what is missing.
  if (missing.length > 0) throw new Error(`object storage: ${missing.map(([k]) => k).join(', ')} missing`);
  return {
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
    region: env.S3_REGION,
    bucket: bucket!,
    accessKeyId: accessKeyId!,
    secretAccessKey: secretAccessKey!,
  };
}
