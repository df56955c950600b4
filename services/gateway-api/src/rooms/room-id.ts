import { DomainError } from '@ensemble/contracts';
import { z } from 'zod';

const roomIdSchema = z.string().regex(/^r[A-Za-z0-9_-]{12}$/, 'not a room id');

/** A malformed id cannot name any room: 404 like a missing one. */
export function roomIdOf(id: string): string {
  if (!roomIdSchema.safeParse(id).success) throw new DomainError('not-found', 'no such room');
  return id;
}
