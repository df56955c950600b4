import { DomainError, type CreateRoomBody, type RoomView, type UpdateRoomBody } from '@ensemble/contracts';
import type { JitsiMeetingService } from '../meetings/jitsi-meeting.service.js';
import type { RoomMeetingService } from '../meetings/room-meeting.service.js';
import type { RoomRecordingsService } from './room-recordings.service.js';
import type { RoomsRepository, StoredRoom } from './rooms.repository.js';

export const viewOf = (room: StoredRoom, base: string): RoomView => ({
  id: room.id,
  name: room.name,
  engine: room.engine,
  settings: room.settings,
  moderatorLink: `${base}/j/${room.moderatorToken}`,
  participantLink: `${base}/j/${room.participantToken}`,
  createdAt: room.createdAt,
});

const notFound = () => new DomainError('not-found', 'no such room');
const notFoundThrown = (): never => {
  throw notFound();
};

/** Rooms of their owners. Someone else's room is answered exactly like a missing one. */
export class RoomsService {
  constructor(
    private readonly rooms: RoomsRepository,
    private readonly meetings: RoomMeetingService,
    private readonly jitsi: JitsiMeetingService,
    private readonly recordings: RoomRecordingsService,
  ) {}

  async create(ownerId: string, body: CreateRoomBody): Promise<StoredRoom> {
    if (body.engine === 'jitsi' && !this.jitsi.enabled) {
      throw new DomainError(
        'invalid-input',
        'Jitsi rooms are not available here (JITSI_APP_ID/JITSI_APP_SECRET unset)',
      );
    }
    return this.rooms.create(ownerId, body.name, body.engine, body.settings);
  }

  list(ownerId: string): Promise<StoredRoom[]> {
    return this.rooms.list(ownerId);
  }

  async get(ownerId: string, id: string): Promise<StoredRoom> {
    const room = await this.rooms.get(id);
    if (!room || room.ownerId !== ownerId) throw notFound();
    return room;
  }

  async update(ownerId: string, id: string, body: UpdateRoomBody): Promise<StoredRoom> {
    return (await this.rooms.update(id, ownerId, body)) ?? notFoundThrown();
  }

  /** The answer carries the pair this rotation wrote, even when another rotation follows at once. */
  async rotate(ownerId: string, id: string): Promise<StoredRoom> {
    return (await this.rooms.rotate(id, ownerId)) ?? notFoundThrown();
  }

  /**
   * The live meeting ends first, so nobody stays in a room that no longer exists; then its
   * recordings are deleted (decision 106) before the row goes, so a failure leaves a room to
   * delete again rather than recordings without an owner; and once more after, for one
   * indexed in between (one indexed later finds no room and is indexed deleted).
   */
  async remove(ownerId: string, id: string): Promise<void> {
    const room = await this.get(ownerId, id);
    if (room.engine === 'bbb') await this.meetings.end(room.id);
    else await this.jitsi.end(room.id);
    await this.recordings.forgetRoom(room.id);
    if (!(await this.rooms.remove(id, ownerId))) throw notFound();
    await this.recordings.forgetRoom(room.id);
  }

  async live(ownerId: string, id: string) {
    const room = await this.get(ownerId, id);
    // Jitsi's metrics count participants per node, not per call: no live figure per room.
    if (room.engine === 'jitsi') return { running: false, participants: 0 };
    return this.meetings.live(room.id);
  }
}
