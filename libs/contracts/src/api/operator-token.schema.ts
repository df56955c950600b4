import { z } from 'zod';
import { epochMsSchema, operatorNameSchema } from '../contracts/common.schema.js';

/**
 * Personal operator tokens (`/api/ops/operators/tokens`, decision 122): a person or an
 * automation reaches the ops API as itself, and the audit log names it. A token is in the
 * answer that creates it and never again; only its SHA-256 digest is stored.
 */

/** `read`: GET routes only (and an events ticket); `write`: every ops route. */
export const OPERATOR_TOKEN_SCOPES = ['read', 'write'] as const;
export const operatorTokenScopeSchema = z.enum(OPERATOR_TOKEN_SCOPES);
export type OperatorTokenScope = z.infer<typeof operatorTokenScopeSchema>;

/** `opt_<12 hex>`: the token's id, also inside the token itself (so a leaked one is found in the list). */
export const operatorTokenIdSchema = z.string().regex(/^opt_[0-9a-f]{12}$/, 'a token id (opt_<12 hex>)');

/** `ens_op_<12 hex of the id>_<43 base64url>`: recognizable by secret scanners and in a pasted config. */
export const OPERATOR_TOKEN_PATTERN = /^ens_op_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

/** `POST /api/ops/operators/tokens`: whose token (the audit log's actor) and what it may do. */
export const createOperatorTokenBodySchema = z
  .object({
    /** The person or automation: the actor of every audit record made with the token. */
    name: operatorNameSchema,
    scope: operatorTokenScopeSchema,
  })
  .strict();
export type CreateOperatorTokenBody = z.infer<typeof createOperatorTokenBodySchema>;

/** A token as listed: never the token or its digest. */
export const operatorTokenViewSchema = z.object({
  id: operatorTokenIdSchema,
  name: operatorNameSchema,
  scope: operatorTokenScopeSchema,
  createdAt: epochMsSchema,
  /** The actor that created it (a token's name, or the X-Ensemble-Operator of the shared token). */
  createdBy: operatorNameSchema,
  /** Accurate to a minute (written at most once a minute); null: never used. */
  lastUsedAt: epochMsSchema.nullable(),
  revokedAt: epochMsSchema.nullable(),
});
export type OperatorTokenView = z.infer<typeof operatorTokenViewSchema>;

export const operatorTokenListSchema = z.object({ tokens: z.array(operatorTokenViewSchema) });
export type OperatorTokenList = z.infer<typeof operatorTokenListSchema>;

/** The answer of a creation: the one time the token is shown. */
export const createdOperatorTokenSchema = operatorTokenViewSchema.extend({
  token: z.string().regex(OPERATOR_TOKEN_PATTERN),
});
export type CreatedOperatorToken = z.infer<typeof createdOperatorTokenSchema>;
