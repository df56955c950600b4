import { z } from 'zod';
import { recordingTokenSchema } from '@ensemble/contracts';

/**
 * Terraform's machine-readable UI (`plan -json`, `apply -json`): one JSON object per
 * line. Every message carries @level, @message, @module, @timestamp and type; the
 * types we act on are parsed strictly, others (refresh_start, log, ...) only by
 * their envelope, so a newer Terraform does not break a run.
 */
const envelope = z.object({
  '@level': z.string().max(20),
  '@message': z.string().max(10_000),
  '@module': z.string().max(100),
  '@timestamp': z.string().max(64),
});

const resourceAddr = z.object({
  addr: z.string().max(300),
  resource_type: z.string().max(100).optional(),
  resource_name: z.string().max(100).optional(),
  resource_key: z.union([z.string(), z.number(), z.null()]).optional(),
});

const hook = z.object({
  resource: resourceAddr,
  action: z.string().max(40),
  elapsed_seconds: z.number().nonnegative().optional(),
  id_key: z.string().max(100).optional(),
  id_value: z.string().max(300).optional(),
});

const changes = z.object({
  add: z.number().int(),
  change: z.number().int(),
  remove: z.number().int(),
  operation: z.string().max(20),
});

const diagnostic = z.object({
  severity: z.enum(['error', 'warning']),
  summary: z.string().max(2000),
  detail: z.string().max(20_000).default(''),
  address: z.string().max(300).optional(),
});

export const terraformUiMessageSchema = z.discriminatedUnion('type', [
  envelope.extend({ type: z.literal('version'), terraform: z.string().max(40), ui: z.string().max(20) }),
  envelope.extend({
    type: z.literal('planned_change'),
    change: z.object({ resource: resourceAddr, action: z.string().max(40) }),
  }),
  envelope.extend({ type: z.literal('change_summary'), changes }),
  envelope.extend({ type: z.literal('apply_start'), hook }),
  envelope.extend({ type: z.literal('apply_progress'), hook }),
  envelope.extend({ type: z.literal('apply_complete'), hook }),
  envelope.extend({ type: z.literal('apply_errored'), hook }),
  envelope.extend({ type: z.literal('diagnostic'), diagnostic }),
  envelope.extend({
    type: z.literal('outputs'),
    outputs: z.record(z.string(), z.object({ sensitive: z.boolean(), type: z.unknown().optional() })),
  }),
]);
export type TerraformUiMessage = z.infer<typeof terraformUiMessageSchema>;

const KNOWN = new Set(terraformUiMessageSchema.options.map((o) => o.shape.type.value));

export type ParsedLine =
  | { kind: 'message'; message: TerraformUiMessage }
  /** A well-formed message of a type we do not act on. */
  | { kind: 'other'; type: string; text: string }
  /** Not Terraform's UI at all (or a known type with the wrong shape): a typed problem, never a crash. */
  | { kind: 'garbage'; why: string; excerpt: string };

export function parseUiLine(line: string): ParsedLine {
  const excerpt = line.slice(0, 200);
  let json: unknown;
  try {
    json = JSON.parse(line, (k, v: unknown) => (k === '__proto__' || k === 'constructor' ? undefined : v));
  } catch {
    return { kind: 'garbage', why: 'not JSON', excerpt };
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && !KNOWN.has(type as never)) {
    const env = envelope.safeParse(json);
    if (env.success) return { kind: 'other', type, text: env.data['@message'] };
    return { kind: 'garbage', why: `no message envelope (type ${type.slice(0, 40)})`, excerpt };
  }
  const parsed = terraformUiMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'garbage', why: `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}`, excerpt };
  }
  return { kind: 'message', message: parsed.data };
}

/** `terraform output -json bbb_nodes`: name -> endpoint (a sensitive output). */
export const bbbNodeOutputSchema = z.object({
  api_url: z
    .string()
    .url()
    .regex(/^https?:\/\/[^/]+\/bigbluebutton\/api\/?$/, 'api_url: expected http(s)://host/bigbluebutton/api/'),
  secret: z.string().min(8).max(256),
  ipv4: z.string().max(64),
  hostname: z.string().min(1).max(253),
  /** The node's recording upload token (decision 101); absent from state written before it. */
  recording_token: recordingTokenSchema.optional(),
});
export type BbbNodeOutput = z.infer<typeof bbbNodeOutputSchema>;

export const bbbNodesOutputSchema = z.record(z.string(), bbbNodeOutputSchema);
