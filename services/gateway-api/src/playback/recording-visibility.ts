import type { RecordingVisibility } from '@ensemble/contracts';

/**
 * A room's recording visibility (issue 20, decision 125), as playback and listings read it.
 * `null`: the recording is not a web room's (a BBB API integration's), which the room states
 * never touch: its tenant's protection alone applies (decision 116).
 */
export type RoomVisibility = RecordingVisibility | null;

/** Whether the room alone asks for a link token: protected and private rooms do. */
export const roomProtects = (v: RoomVisibility): boolean => v === 'protected' || v === 'private';

/** Whether a recording is opened only by a link or the cookie it set: its room says so, or its tenant does. */
export const isProtected = (v: RoomVisibility, tenantProtected: boolean): boolean => roomProtects(v) || tenantProtected;

/** Whether the room's published recordings are listed to anyone holding one of its join links. */
export const listedOnJoinPage = (v: RoomVisibility): boolean => v === 'public';

/** Whether opening a recording also needs a browser signed in as the room's owner or a co-owner. */
export const needsOwnerSignedIn = (v: RoomVisibility): boolean => v === 'private';
