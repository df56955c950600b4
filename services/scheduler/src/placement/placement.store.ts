import { Inject, Injectable } from '@nestjs/common';
import { DomainError, relearningError, type Engine, type NodeHealth, type NodeState } from '@ensemble/contracts';
import { guarded } from '@ensemble/shared';
import type { PlacementOptions } from '../config.js';
import { PLACEMENT_OPTIONS } from '../load/load.tokens.js';
import { SCHEDULER_SCRIPTS, type SchedulerScripts } from '../scripts.js';
import type { TenantRule } from './tenant-rule.js';

export interface StoredPlacement {
  roomKey: string;
  engine: Engine;
  outcome: 'existing' | 'new' | 'moved';
  nodeId: string;
  url: string;
  previousNodeId: string | null;
  /** For signing in this process only. */
  secret: string;
}

/** One placement as place.lua takes it. */
export interface PlaceInput {
  roomKey: string;
  engine: Engine;
  /** The participants the caller expects; undefined when it does not say (the script then takes the size remembered from the room's last meeting, else the default). */
  size: number | undefined;
  /** A participant joins: counted while the room is pending, and for its tenant. */
  join: boolean;
  /** Only the room's own serving node, else `not-found` with nothing changed. */
  stickyOnly: boolean;
  /** Its tenant's rule (tenant-rule.ts), the tags it requires included. */
  tenant: TenantRule;
}

export interface RoomLocation {
  nodeId: string;
  url: string;
  engine: Engine;
  state: NodeState;
  health: NodeHealth;
  secret: string;
}

/** Room -> node assignments; every change is one Lua script, ranked by lua/lib/load.lua. */
@Injectable()
export class PlacementStore {
  /** The rule's options as the scripts take them (JSON, encoded once). */
  private readonly options: string;

  constructor(
    @Inject(SCHEDULER_SCRIPTS) private readonly scripts: SchedulerScripts,
    @Inject(PLACEMENT_OPTIONS) options: PlacementOptions,
  ) {
    this.options = JSON.stringify(options);
  }

  /** Places the room (place.lua); a refusal is thrown as a typed DomainError. */
  async place(p: PlaceInput): Promise<StoredPlacement> {
    const { roomKey, engine, tenant } = p;
    const request = JSON.stringify({
      roomKey,
      engine,
      size: p.size,
      tags: tenant.tags,
      join: p.join,
      stickyOnly: p.stickyOnly,
      tenant: tenant.name,
      weight: tenant.weight,
      maxMeetings: tenant.maxMeetings,
      maxParticipants: tenant.maxParticipants,
    });
    const r = (await guarded('place', () => this.scripts.place(this.options, request))) as string[];
    if (r[0] === 'no-capacity') {
      throw new DomainError('no-capacity', `no enabled, online ${engine} node can take this room`);
    }
    if (r[0] === 'quota-meetings') {
      throw new DomainError(
        'quota-meetings',
        `tenant ${tenant.name} runs ${r[1]} meetings, its quota is ${tenant.maxMeetings}: no new meeting until one ends`,
      );
    }
    if (r[0] === 'quota-participants') {
      throw new DomainError(
        'quota-participants',
        `tenant ${tenant.name} has ${r[1]} participants, its quota is ${tenant.maxParticipants}: no join until someone leaves`,
      );
    }
    if (r[0] === 'not-placed') throw new DomainError('not-found', 'the room is on no node that serves it');
    if (r[0] === 'relearning') throw relearningError();
    return {
      roomKey,
      engine,
      outcome: r[0] as StoredPlacement['outcome'],
      nodeId: r[1]!,
      url: r[2]!,
      previousNodeId: r[3] ? r[3] : null,
      secret: r[4] ?? '',
    };
  }

  /** Where a room is, with its node's state and secret (for signing), or null. */
  async locate(roomKey: string): Promise<RoomLocation | null> {
    const r = (await guarded('locate', () => this.scripts.locate(roomKey))) as string[];
    if (r.length === 0) return null;
    if (r[0] === 'relearning') throw relearningError();
    return {
      nodeId: r[0]!,
      url: r[1]!,
      engine: r[2] as Engine,
      state: r[3] as NodeState,
      health: (r[4] ?? 'unknown') as NodeHealth,
      secret: r[5] ?? '',
    };
  }

  /** The node the room was on (null when none), and whether that cordoned node is now disabled (empty). */
  async release(roomKey: string): Promise<{ nodeId: string | null; disabled: boolean }> {
    const r = (await guarded('release', () => this.scripts.releaseRoom(this.options, roomKey))) as string[];
    return { nodeId: r[0] ?? null, disabled: r[1] === '1' };
  }
}
