/** The object storage client, or null when S3 is not configured (the transfer answers 503). */
export const RECORDING_STORAGE = Symbol('RECORDING_STORAGE');
