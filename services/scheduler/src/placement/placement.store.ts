import { DomainError, type Engine, type Placement } from '@ensemble/shared';
import { KEY_PREFIX } from '../keys.js';
import { guarded } from '../redis-errors.js';
import type { SchedulerScripts } from '../scripts.js';

/** Room -> node assignments; every change is one Lua script. */
export class PlacementStore {
  constructor(
    private readonly scripts: SchedulerScripts,
    private readonly pendingTtlMs: number,
  ) {}

  async place(roomKey: string, engine: Engine, expectedLoad: number, tags: string[]): Promise<Placement> {
    const r = (await guarded('place', () =>
      this.scripts.place(KEY_PREFIX, roomKey, engine, expectedLoad, this.pendingTtlMs, tags.join(',')),
    )) as string[];
    if (r[0] === 'no-capacity') {
      throw new DomainError('no-capacity', `no enabled, online ${engine} node can take this room`);
    }
    return {
      roomKey,
      engine,
      outcome: r[0] as Placement['outcome'],
      nodeId: r[1]!,
      url: r[2]!,
      previousNodeId: r[3] ? r[3] : null,
    };
  }

  /** Returns the node the room was on, or null when it had none. */
  async release(roomKey: string): Promise<string | null> {
    const id = (await guarded('release', () => this.scripts.releaseRoom(KEY_PREFIX, roomKey))) as string;
    return id === '' ? null : id;
  }
}
