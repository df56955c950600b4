import { randomBytes } from 'node:crypto';
import type { ParameterPolicy } from '../bbb-api/parameter-policy.js';

/** A tenant as the BBB API uses it (decision 110): its secrets, rules and quotas. */
export interface Tenant {
  name: string;
  displayName: string;
  /** Every secret a checksum may be made with (several during a rotation). */
  secrets: readonly string[];
  /** The parameter policy for create and join (decision 111), applied after the global one binds. */
  policy: ParameterPolicy;
  requiredTags: readonly string[];
  loadWeight: number;
  maxMeetings: number | null;
  maxParticipants: number | null;
  /**
   * Whether its recordings' playback links are signed, short-lived and bound to whoever got
   * them (decision 116); null: as RECORDINGS_PROTECTED says for every tenant.
   */
  recordingsProtected: boolean | null;
}

/** A secret as operators see it after creation (never the secret itself): the ops API's, decision 114. */
export type { TenantSecretView } from '@ensemble/contracts';

/** 48 characters of [A-Za-z0-9_-]: as strong as BBB's own generated secrets, safe in any query string. */
export const newTenantSecret = (): string => randomBytes(36).toString('base64url');

export const newSecretId = (): string => `sec_${randomBytes(6).toString('hex')}`;
