import type { PlaceRequest } from '@ensemble/contracts';
import { DEFAULT_TENANT, tenantOfRoomKey } from '@ensemble/shared';

/** What place.lua applies of a room's tenant (decision 112). */
export interface TenantRule {
  /** The tenant the room is accounted to. */
  name: string;
  /** The request's tags and the tenant's required ones, each once. */
  tags: string[];
  /** Multiplies the load the room is expected to bring. */
  weight: number;
  maxMeetings?: number;
  maxParticipants?: number;
}

/**
 * The tenant rule of a placement: the request's tenant, else the one its room key names
 * (`bbb:<tenant>~…`), else the default tenant, which then has no rule and no quota. The
 * gateway, which holds the tenant directory, sends the tenant with every placement.
 */
export function tenantRuleOf(req: Pick<PlaceRequest, 'roomKey' | 'tags' | 'tenant'>): TenantRule {
  const t = req.tenant;
  const tags = [...new Set([...req.tags, ...(t?.requiredTags ?? [])])];
  return {
    name: t?.name ?? tenantOfRoomKey(req.roomKey) ?? DEFAULT_TENANT,
    tags,
    weight: t?.loadWeight ?? 1,
    ...(t?.maxMeetings !== undefined ? { maxMeetings: t.maxMeetings } : {}),
    ...(t?.maxParticipants !== undefined ? { maxParticipants: t.maxParticipants } : {}),
  };
}
