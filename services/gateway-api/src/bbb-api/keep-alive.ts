/** Meetings whose last keep-alive is remembered; past it the memory starts again. */
const KEPT_MAX = 50_000;

/**
 * When a join that does not need the create call may push its expiry on: at most once
 * per `ttlS / 100` (and per hour) per meeting in this process, so a class of 300 joining
 * costs one PostgreSQL write, not 300. The expiry is days away; a skipped one shortens it
 * by an hour at most.
 */
export class KeepAliveThrottle {
  private readonly keptAt = new Map<string, number>();

  /** True when this join should write (and the next ones within the period should not). */
  due(meetingID: string, ttlS: number, now = Date.now()): boolean {
    const every = Math.min(ttlS * 10, 3_600_000);
    if (now - (this.keptAt.get(meetingID) ?? -Infinity) < every) return false;
    if (this.keptAt.size >= KEPT_MAX) this.keptAt.clear();
    this.keptAt.set(meetingID, now);
    return true;
  }

  forget(meetingID: string): void {
    this.keptAt.delete(meetingID);
  }
}
