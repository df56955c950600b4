import { z } from 'zod';
import { operatorTokenIdSchema } from '../api/operator-token.schema.js';

/**
 * A personal operator token was revoked through one gateway: every gateway drops it from
 * its cache at once (decision 122). Carries the id only, never the token or its digest.
 */
export const operatorTokenRevokedSchema = z.object({ id: operatorTokenIdSchema }).strict();
export type OperatorTokenRevoked = z.infer<typeof operatorTokenRevokedSchema>;
