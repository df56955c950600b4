import { DomainError, type JoinRole } from '@ensemble/contracts';
import type { RateLimitStore } from '../accounts/rate-limit.store.js';
import { accessCodeMatches } from '../rooms/access-code.js';
import type { StoredRoom } from '../rooms/rooms.repository.js';
import { keys } from './keys.js';

export type CodeNeed = 'none' | 'optional' | 'required';

/**
 * What the participant link asks for (decision 123): with a viewer code, a code (viewer or
 * moderator); with only a moderator code, none, but a code given must be right and makes a
 * moderator. The moderator link, held by the owner and co-owners, asks for none.
 */
export const codeNeedOf = (room: StoredRoom, linkRole: JoinRole): CodeNeed =>
  linkRole === 'moderator' ? 'none' : room.viewerCodeHash ? 'required' : room.moderatorCodeHash ? 'optional' : 'none';

/**
 * Access codes at the join. Every attempt with a code counts against the room and the
 * address (INCR first, so attempts at once each get their own count and no more than the
 * limit ever reach the hash); a right code gives its count back, a wrong one keeps it. Past
 * either limit every code attempt is 429 until the window ends, the right code included:
 * nobody learns whether a guess past the limit was right.
 */
export class AccessCodeGate {
  constructor(
    private readonly limits: RateLimitStore,
    private readonly maxPerRoom: number,
    private readonly maxPerAddress: number,
  ) {}

  async roleFor(room: StoredRoom, linkRole: JoinRole, code: string | undefined, address: string): Promise<JoinRole> {
    const need = codeNeedOf(room, linkRole);
    if (need === 'none') return linkRole;
    const given = code?.trim() ?? '';
    if (!given) {
      if (need === 'optional') return 'viewer';
      throw new DomainError('forbidden', 'this room needs an access code: ask its owner for one');
    }
    const counters = [keys.codeFailuresOfRoom(room.id), keys.codeFailuresFrom(address)];
    const [forRoom, fromAddress] = await Promise.all(counters.map((k) => this.limits.hit(k)));
    if (forRoom! > this.maxPerRoom || fromAddress! > this.maxPerAddress)
      throw new DomainError('rate-limited', 'too many wrong access codes; try again later');
    const [moderator, viewer] = await Promise.all([
      accessCodeMatches(given, room.moderatorCodeHash),
      accessCodeMatches(given, room.viewerCodeHash),
    ]);
    if (!moderator && !viewer) throw new DomainError('forbidden', 'wrong access code');
    await Promise.all(counters.map((k) => this.limits.giveBack(k)));
    return moderator ? 'moderator' : 'viewer';
  }
}
