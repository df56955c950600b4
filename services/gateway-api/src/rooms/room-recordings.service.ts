import {
  DomainError,
  type JoinInfo,
  type RecordingVisibility,
  type RoomRecording,
  type RoomRecordingPage,
  type RoomRecordingsQuery,
  type RoomRecordingState,
} from '@ensemble/contracts';
import { meetingIdOf } from '../meetings/room-bbb-params.js';
import type { Recording, RecordingsRepository } from '../recordings/recordings.repository.js';
import { listedOnJoinPage } from '../playback/recording-visibility.js';
import type { RoomsRepository, StoredRoom } from './rooms.repository.js';

/** What an owner sees and acts on: never the deleted ones. */
const VISIBLE: RoomRecordingState[] = ['published', 'unpublished'];
/** Room deletion marks the recordings deleted in batches of this many. */
const BATCH = 500;
/** A public room's join page lists at most this many of its newest published recordings. */
export const JOIN_PAGE_RECORDINGS = 20;

/** `linkQuery`: what a playback link carries (a protected recording's token, decision 104). */
export const recordingViewOf = (r: Recording, linkQuery = ''): RoomRecording => {
  const state: RoomRecordingState = r.state === 'published' ? 'published' : 'unpublished';
  const lengths = r.formats.map((f) => f.lengthMs);
  return {
    recordId: r.recordId,
    name: r.name,
    state,
    startTime: r.startTime,
    endTime: r.endTime,
    lengthMs: lengths.length ? Math.max(...lengths) : Math.max(0, r.endTime - r.startTime),
    participants: r.participants,
    sizeBytes: r.formats.reduce((sum, f) => sum + f.sizeBytes, 0),
    formats: r.formats.map((f) => ({
      format: f.format,
      // Served by Ensemble's playback at the BBB link's own path; nothing plays while unpublished.
      playbackPath: state === 'published' && f.playbackPath.startsWith('/') ? `${f.playbackPath}${linkQuery}` : null,
      sizeBytes: f.sizeBytes,
      lengthMs: f.lengthMs,
    })),
  };
};

const noRecording = () => new DomainError('not-found', 'no such recording');

/**
 * A room's recordings for its owner and co-owners (issue 18, decision 123): those of the room's BBB meeting
 * (`web-<roomId>`) in the index. Someone else's room is a missing one, and a recording of
 * another meeting is a missing recording: the meeting is part of every query.
 */
export class RoomRecordingsService {
  constructor(
    private readonly rooms: RoomsRepository,
    private readonly recordings: RecordingsRepository,
    /**
     * The query of a playback link for a recording: '' unless it is protected. A web room's
     * recordings are protected when the room's visibility says so (decision 125), else as
     * its owner's tenant chose (decision 116, they are indexed under it): the rule playback checks.
     */
    private readonly linkQuery: (r: Recording, visibility: RecordingVisibility) => string = () => '',
  ) {}

  private view = (r: Recording, visibility: RecordingVisibility): RoomRecording =>
    recordingViewOf(r, this.linkQuery(r, visibility));

  /**
   * The owners' list: every link is opened as the room's visibility allows, so for a protected
   * or private room these are the short-lived links, handed out to its owners only.
   */
  async list(ownerId: string, roomId: string, page: RoomRecordingsQuery): Promise<RoomRecordingPage> {
    const room = await this.owned(ownerId, roomId);
    const { total, recordings } = await this.recordings.list({
      meetingIds: [meetingIdOf(roomId)],
      states: VISIBLE,
      newestFirst: true,
      offset: page.offset,
      limit: page.limit,
    });
    return { total, offset: page.offset, recordings: recordings.map((r) => this.view(r, room.recordingVisibility)) };
  }

  /**
   * What a join link's holder sees of the room's recordings (decision 125): a public room's
   * newest published ones; nothing of any other. Their links carry a token when the tenant
   * protects its recordings: public then means "handed to every join link holder", still
   * short-lived.
   */
  async joinPageList(room: StoredRoom): Promise<JoinInfo['recordings']> {
    if (!listedOnJoinPage(room.recordingVisibility)) return [];
    const { recordings } = await this.recordings.list({
      meetingIds: [meetingIdOf(room.id)],
      states: ['published'],
      newestFirst: true,
      offset: 0,
      limit: JOIN_PAGE_RECORDINGS,
    });
    return recordings.map((r) => {
      const v = this.view(r, room.recordingVisibility);
      return {
        recordId: v.recordId,
        name: v.name,
        startTime: v.startTime,
        lengthMs: v.lengthMs,
        formats: v.formats.flatMap((f) => (f.playbackPath ? [{ format: f.format, playbackPath: f.playbackPath }] : [])),
      };
    });
  }

  /** Publish or unpublish; the same again changes nothing. A deleted recording stays deleted. */
  async setPublished(ownerId: string, roomId: string, recordId: string, published: boolean): Promise<RoomRecording> {
    const room = await this.owned(ownerId, roomId);
    const only = { meetingId: meetingIdOf(roomId), states: VISIBLE };
    const changed = await this.recordings.setState([recordId], published ? 'published' : 'unpublished', only);
    if (changed.length === 0) throw noRecording();
    const r = await this.recordings.get(recordId);
    if (!r || r.state === 'deleted') throw noRecording();
    return this.view(r, room.recordingVisibility);
  }

  /**
   * Marks it deleted in the index: no listing shows it and playback refuses it at once. Its
   * files stay in storage as BBB keeps a deleted recording's (decision 106).
   */
  async remove(ownerId: string, roomId: string, recordId: string): Promise<void> {
    await this.owned(ownerId, roomId);
    const only = { meetingId: meetingIdOf(roomId), states: VISIBLE };
    if ((await this.recordings.setState([recordId], 'deleted', only)).length === 0) throw noRecording();
  }

  /**
   * A room being deleted takes its recordings with it (as Greenlight does): all marked
   * deleted, so none stays playable without an owner. Retry-safe: a batch done is not
   * listed again.
   */
  async forgetRoom(roomId: string): Promise<void> {
    const meetingId = meetingIdOf(roomId);
    for (;;) {
      const page = await this.recordings.list({ meetingIds: [meetingId], states: VISIBLE, offset: 0, limit: BATCH });
      if (page.recordings.length === 0) return;
      await this.recordings.setState(
        page.recordings.map((r) => r.recordId),
        'deleted',
        { meetingId },
      );
    }
  }

  /** The room's owner or a co-owner (decision 123); anyone else finds no room. */
  private async owned(userId: string, roomId: string): Promise<StoredRoom> {
    const room = await this.rooms.accessible(roomId, userId);
    if (!room) throw new DomainError('not-found', 'no such room');
    return room;
  }
}
