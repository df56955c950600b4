import { DomainError, type Engine, type NodeHealth, type NodeState, guarded } from '@ensemble/shared';
import { KEY_PREFIX } from '../keys.js';
import type { SchedulerScripts } from '../scripts.js';

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

export interface RoomLocation {
  nodeId: string;
  url: string;
  engine: Engine;
  state: NodeState;
  health: NodeHealth;
  secret: string;
}

/** How the placement script learns a Jitsi node's CPU per participant from its samples. */
export interface JitsiCpuLearning {
  defaultCpuPerParticipant: number;
  alpha: number;
  minParticipants: number;
}
/** How the placement script ranks nodes beyond load per multiplier, and what it remembers. */
export interface PlacementOptions {
  /** BBB: share of the largest node's multiplier kept free for a late big room (decision 052). */
  largeNodeHeadroom: number;
  /** BBB: a room expected bigger than this steers by its own load (decision 052). */
  steerMinSize: number;
  /** BBB: seconds a released room's peak size is kept for its next placement (decision 053). */
  rememberSizeS: number;
  jitsi: JitsiCpuLearning;
}
const DEFAULT_OPTIONS: PlacementOptions = {
  largeNodeHeadroom: 0.05,
  steerMinSize: 12,
  rememberSizeS: 30 * 86_400,
  jitsi: { defaultCpuPerParticipant: 0.01, alpha: 0.3, minParticipants: 5 },
};

/** Room -> node assignments; every change is one Lua script. */
export class PlacementStore {
  constructor(
    private readonly scripts: SchedulerScripts,
    private readonly pendingTtlMs: number,
    private readonly meetingWeight: number,
    private readonly options: PlacementOptions = DEFAULT_OPTIONS,
  ) {}

  /**
   * `expectedLoad`: participant-equivalents for BBB, expected participants for Jitsi;
   * `size`: the participants it stands for (its own load counts in the BBB ranking when
   * that is above `steerMinSize`); `unsized`: the caller gave no size, so a size remembered
   * from the room's last meeting wins.
   */
  async place(
    roomKey: string,
    engine: Engine,
    expectedLoad: number,
    tags: string[],
    joining = false,
    size = expectedLoad,
    unsized = false,
  ): Promise<StoredPlacement> {
    const o = this.options;
    const j = o.jitsi;
    const r = (await guarded('place', () =>
      this.scripts.place(
        KEY_PREFIX,
        roomKey,
        engine,
        expectedLoad,
        this.pendingTtlMs,
        tags.join(','),
        joining ? 1 : 0,
        this.meetingWeight,
        j.defaultCpuPerParticipant,
        j.alpha,
        j.minParticipants,
        size,
        o.largeNodeHeadroom,
        unsized ? 1 : 0,
        o.steerMinSize,
      ),
    )) as string[];
    if (r[0] === 'no-capacity') {
      throw new DomainError('no-capacity', `no enabled, online ${engine} node can take this room`);
    }
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
    const r = (await guarded('locate', () => this.scripts.locate(KEY_PREFIX, roomKey))) as string[];
    if (r.length === 0) return null;
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
    const r = (await guarded('release', () =>
      this.scripts.releaseRoom(KEY_PREFIX, roomKey, this.options.rememberSizeS),
    )) as string[];
    return { nodeId: r[0] ?? null, disabled: r[1] === '1' };
  }
}
