import {
  DomainError,
  type CreateRoomBody,
  type RoomMember,
  type RoomView,
  type UpdateRoomBody,
} from '@ensemble/contracts';
import type { JitsiMeetingService } from '../meetings/jitsi-meeting.service.js';
import type { RoomMeetingService } from '../meetings/room-meeting.service.js';
import { roomProtects } from '../playback/recording-visibility.js';
import { accessCodeMatches, hashAccessCode } from './access-code.js';
import type { RoomMembersRepository } from './room-members.repository.js';
import type { RoomRecordingsService } from './room-recordings.service.js';
import type { AccessibleRoom, RoomChange, RoomsRepository } from './rooms.repository.js';

export const viewOf = (room: AccessibleRoom, base: string): RoomView => ({
  id: room.id,
  name: room.name,
  engine: room.engine,
  settings: room.settings,
  moderatorLink: `${base}/j/${room.moderatorToken}`,
  participantLink: `${base}/j/${room.participantToken}`,
  createdAt: room.createdAt,
  access: room.access,
  hasViewerCode: room.viewerCodeHash !== null,
  hasModeratorCode: room.moderatorCodeHash !== null,
  requireSignIn: room.requireSignIn,
  recordingVisibility: room.recordingVisibility,
});

const notFound = () => new DomainError('not-found', 'no such room');
const notFoundThrown = (): never => {
  throw notFound();
};

const ownerOnly = () => new DomainError('forbidden', 'only the room’s owner may do this');

/**
 * Rooms of their owners, and of the co-owners they shared them with (decision 123): a
 * co-owner sees, starts (by the moderator link the room shows), edits the room and its
 * recordings; only the owner deletes it or changes who shares it. A room neither owned
 * nor shared is answered exactly like a missing one.
 */
export class RoomsService {
  constructor(
    private readonly rooms: RoomsRepository,
    private readonly meetings: RoomMeetingService,
    private readonly jitsi: JitsiMeetingService,
    private readonly recordings: RoomRecordingsService,
    private readonly members: RoomMembersRepository,
    /** Whether playback links can be signed here (RECORDINGS_PLAYBACK_SECRET set). */
    private readonly canProtect: boolean = true,
  ) {}

  async create(ownerId: string, body: CreateRoomBody): Promise<AccessibleRoom> {
    if (body.engine === 'jitsi' && !this.jitsi.enabled) {
      throw new DomainError(
        'invalid-input',
        'Jitsi rooms are not available here (JITSI_APP_ID/JITSI_APP_SECRET unset)',
      );
    }
    return { ...(await this.rooms.create(ownerId, body.name, body.engine, body.settings)), access: 'owner' };
  }

  list(userId: string): Promise<AccessibleRoom[]> {
    return this.rooms.list(userId);
  }

  /** The room, owned by or shared with the user. */
  async get(userId: string, id: string): Promise<AccessibleRoom> {
    return (await this.rooms.accessible(id, userId)) ?? notFoundThrown();
  }

  /** The room, owned by the user: a co-owner is refused (403), anyone else finds nothing (404). */
  async owned(userId: string, id: string): Promise<AccessibleRoom> {
    const room = await this.get(userId, id);
    if (room.access !== 'owner') throw ownerOnly();
    return room;
  }

  /**
   * By the owner or a co-owner. A code given is stored as its hash; null clears it. The two
   * codes must differ (a code opening both roles would say neither): one given is checked
   * against the other as stored, when the same change does not replace that one too.
   */
  async update(userId: string, id: string, body: UpdateRoomBody): Promise<AccessibleRoom> {
    // Without a key no link can open them: refused rather than a room whose recordings nobody plays.
    if (roomProtects(body.recordingVisibility ?? null) && !this.canProtect)
      throw new DomainError(
        'invalid-input',
        'protected and private recordings need RECORDINGS_PLAYBACK_SECRET on this installation',
      );
    const change: RoomChange = {
      name: body.name,
      settings: body.settings,
      requireSignIn: body.requireSignIn,
      recordingVisibility: body.recordingVisibility,
    };
    if (body.viewerCode !== undefined || body.moderatorCode !== undefined) {
      const room = await this.get(userId, id);
      const clash = async (
        code: string | null | undefined,
        otherGiven: string | null | undefined,
        other: string | null,
      ) => typeof code === 'string' && otherGiven === undefined && (await accessCodeMatches(code, other));
      if (
        (await clash(body.viewerCode, body.moderatorCode, room.moderatorCodeHash)) ||
        (await clash(body.moderatorCode, body.viewerCode, room.viewerCodeHash))
      )
        throw new DomainError('invalid-input', 'the viewer and moderator codes must differ');
      if (body.viewerCode !== undefined)
        change.viewerCodeHash = body.viewerCode === null ? null : await hashAccessCode(body.viewerCode);
      if (body.moderatorCode !== undefined)
        change.moderatorCodeHash = body.moderatorCode === null ? null : await hashAccessCode(body.moderatorCode);
    }
    return (await this.rooms.update(id, userId, change)) ?? notFoundThrown();
  }

  /** The answer carries the pair this rotation wrote, even when another rotation follows at once. */
  async rotate(userId: string, id: string): Promise<AccessibleRoom> {
    return (await this.rooms.rotate(id, userId)) ?? notFoundThrown();
  }

  async listMembers(userId: string, id: string): Promise<RoomMember[]> {
    await this.owned(userId, id);
    return this.members.list(id);
  }

  /**
   * Shares the room with the account of `email` in the owner's tenant (`tenant`, the host's:
   * the session was checked against it). An unknown e-mail is a 404: the owner learns which
   * addresses have accounts in their own tenant, as sharing in Greenlight does, nothing more.
   */
  async addMember(userId: string, tenant: string, id: string, email: string): Promise<RoomMember> {
    const room = await this.owned(userId, id);
    const user = await this.members.userByEmail(tenant, email);
    if (!user) throw new DomainError('not-found', 'no account with this e-mail here');
    if (user.id === room.ownerId) throw new DomainError('invalid-input', 'you own this room already');
    return this.members.add(room.id, user);
  }

  async removeMember(userId: string, id: string, memberId: string): Promise<void> {
    await this.owned(userId, id);
    if (!(await this.members.remove(id, memberId)))
      throw new DomainError('not-found', 'this room is not shared with them');
  }

  /**
   * The live meeting ends first, so nobody stays in a room that no longer exists; then its
   * recordings are deleted (decision 106) before the row goes, so a failure leaves a room to
   * delete again rather than recordings without an owner; and once more after, for one
   * indexed in between (one indexed later finds no room and is indexed deleted).
   */
  async remove(ownerId: string, id: string): Promise<void> {
    const room = await this.owned(ownerId, id);
    if (room.engine === 'bbb') await this.meetings.end(room.id);
    else await this.jitsi.end(room.id);
    await this.recordings.forgetRoom(room.id);
    if (!(await this.rooms.remove(id, ownerId))) throw notFound();
    await this.recordings.forgetRoom(room.id);
  }

  async live(userId: string, id: string) {
    const room = await this.get(userId, id);
    // Jitsi's metrics count participants per node, not per call: no live figure per room.
    if (room.engine === 'jitsi') return { running: false, participants: 0 };
    return this.meetings.live(room.id);
  }
}
