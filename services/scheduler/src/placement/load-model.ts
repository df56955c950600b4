import type { LoadSample } from '@ensemble/shared';

export interface LoadWeights {
  videoWeight: number;
  meetingWeight: number;
  newRoomSize: number;
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

  /** The participants a room is expected to bring: its size hint, else `NEW_ROOM_SIZE`. */
  roomSize(expectedSize: number | undefined): number {
    return expectedSize ?? this.w.newRoomSize;
  }

  /** The load a BBB room adds before any poll has seen it. */
  expectedRoomLoad(expectedSize: number | undefined): number {
    return this.roomSize(expectedSize) + this.w.meetingWeight;
  }
}
