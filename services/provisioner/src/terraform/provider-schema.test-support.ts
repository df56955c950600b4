import { readFileSync } from 'node:fs';
import type { Hcl } from './terraform-module.test-support.js';

/** An attribute or a nested block as `terraform providers schema -json` describes it. */
interface Attribute {
  type: string | unknown[];
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
}
interface Block {
  attributes?: Record<string, Attribute>;
  block_types?: Record<string, { nesting_mode: string; max_items?: number; block: Block }>;
}

interface SchemasFile {
  provider_schemas: Record<string, { resource_schemas: Record<string, { block: Block }> }>;
}
const file = JSON.parse(
  readFileSync(new URL('../../test-support/provider-schemas.json', import.meta.url), 'utf8'),
) as SchemasFile;

/** The providers' documented schemas (test-support/provider-schemas.json): resource type -> block. */
export const SCHEMAS: Record<string, Block> = {};
for (const provider of Object.values(file.provider_schemas))
  for (const [type, r] of Object.entries(provider.resource_schemas)) SCHEMAS[type] = r.block;

/** Every resource may carry these (Terraform's own, not the provider's). */
const META = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);

const isExpression = (v: unknown) => typeof v === 'string' && /^\$\{[\s\S]*\}$/.test(v);

/** Can a literal of this JSON shape be given for the attribute type (Terraform converts string <-> number/bool)? */
function fits(type: Attribute['type'], v: unknown): boolean {
  if (isExpression(v)) return true; // known only at plan time
  if (type === 'string') return ['string', 'number', 'boolean'].includes(typeof v);
  if (type === 'number') return typeof v === 'number' || (typeof v === 'string' && !Number.isNaN(Number(v)));
  if (type === 'bool') return typeof v === 'boolean' || v === 'true' || v === 'false';
  if (Array.isArray(type) && (type[0] === 'list' || type[0] === 'set'))
    return Array.isArray(v) && v.every((x) => fits(type[1] as Attribute['type'], x));
  if (Array.isArray(type) && type[0] === 'map')
    return (
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.values(v).every((x) => fits(type[1] as Attribute['type'], x))
    );
  return true;
}

/**
 * What the provider would reject in one resource's configuration, as Terraform's plan
 * does: unknown arguments, arguments only the provider may set, missing required ones,
 * literals of the wrong type, blocks given as attributes or too many of them.
 */
export function problems(type: string, body: Hcl, where = type, block?: Block): string[] {
  const top = block === undefined;
  block ??= SCHEMAS[type]!;
  const out: string[] = [];
  const attributes = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  for (const [key, value] of Object.entries(body)) {
    if (top && META.has(key)) continue;
    const attribute = attributes[key];
    const nested = blocks[key];
    if (attribute) {
      if (!attribute.required && !attribute.optional) out.push(`${where}.${key}: set by the provider only`);
      else if (!fits(attribute.type, value)) out.push(`${where}.${key}: not a ${JSON.stringify(attribute.type)}`);
    } else if (nested) {
      if (!Array.isArray(value)) {
        out.push(`${where}.${key}: a block, written as an argument`);
        continue;
      }
      if (nested.max_items !== undefined && value.length > nested.max_items)
        out.push(`${where}.${key}: at most ${nested.max_items}`);
      for (const [i, b] of value.entries())
        out.push(...problems(type, b as Hcl, `${where}.${key}[${i}]`, nested.block));
    } else out.push(`${where}.${key}: no such argument`);
  }
  for (const [key, attribute] of Object.entries(attributes))
    if (attribute.required && !(key in body)) out.push(`${where}.${key}: required`);
  return out;
}

/** `type.name.path...` references in an expression string, for the resource types described here. */
export function references(text: string): Array<{ type: string; name: string; path: string[] }> {
  const found: Array<{ type: string; name: string; path: string[] }> = [];
  for (const m of text.matchAll(
    /\b([a-z][a-z0-9]*_[a-z0-9_]+)\.([a-z_][a-z0-9_-]*)((?:\[[^\]]*\]|\.[a-z_][a-z0-9_]*)*)/g,
  )) {
    if (!SCHEMAS[m[1]!]) continue;
    const path = m[3]!
      .replace(/\[[^\]]*\]/g, '')
      .split('.')
      .filter(Boolean);
    found.push({ type: m[1]!, name: m[2]!, path });
  }
  return found;
}

/** The schema entry a path names (`private_network.ip`), or undefined when the provider has no such attribute. */
export function attributeAt(type: string, path: string[]): Attribute | Block | undefined {
  let block: Block = SCHEMAS[type]!;
  for (const [i, key] of path.entries()) {
    const attribute = block.attributes?.[key];
    if (attribute) return i === path.length - 1 || Array.isArray(attribute.type) ? attribute : undefined;
    const nested = block.block_types?.[key];
    if (!nested) return undefined;
    block = nested.block;
  }
  return block;
}

/** Does a whole resource or one of its attributes carry a value the provider marks sensitive? */
export function isSensitive(type: string, path: string[]): boolean {
  const at = attributeAt(type, path);
  if (!at) return false;
  if ('type' in at) return at.sensitive === true;
  const anySensitive = (b: Block): boolean =>
    Object.values(b.attributes ?? {}).some((a) => a.sensitive) ||
    Object.values(b.block_types ?? {}).some((n) => anySensitive(n.block));
  return anySensitive(at);
}
