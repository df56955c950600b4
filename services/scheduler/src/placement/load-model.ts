import type { LoadSample } from '@ensemble/shared';

export interface LoadWeights {
  videoWeight: number;
  meetingWeight: number;
  newRoomSize: number;
  /** Rooms expected bigger than this steer by their own load (decision 052). */
  steerMinSize: number;
}

/**
 * How much of a node a sample says is used, in participant-equivalents:
 * participants + video streams x weight + meetings x weight. The placement
 * script divides it by the node's loadMultiplier.
 */
export class LoadModel {
  constructor(private readonly w: LoadWeights) {}

  sampleLoad(s: Pick<LoadSample, 'participants' | 'videoStreams' | 'meetings'>): number {
    return s.participants + s.videoStreams * this.w.videoWeight + s.meetings * this.w.meetingWeight;
  }

  /** The load a room adds before any poll has seen it. */
  expectedRoomLoad(expectedSize: number | undefined): number {
    return (expectedSize ?? this.w.newRoomSize) + this.w.meetingWeight;
  }

  /**
   * Whether a BBB room's own expected load enters the ranking: only for rooms
   * announced big. A small room's hint is too rough (2 or 4?) and steering by it
   * made small nodes collect the under-announced rooms.
   */
  steers(expectedSize: number | undefined): boolean {
    return (expectedSize ?? this.w.newRoomSize) > this.w.steerMinSize;
  }

  /** A Jitsi room's pending load: its expected participants (the script turns them into CPU). */
  expectedJitsiParticipants(expectedSize: number | undefined): number {
    return expectedSize ?? this.w.newRoomSize;
  }
}
