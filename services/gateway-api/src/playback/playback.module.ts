import { Module } from '@nestjs/common';
import { PlaybackTokens } from './playback-tokens.js';
import { RecordingsModule } from '../recordings/recordings.module.js';
import { PlaybackRoutes } from './playback.routes.js';
import { PlaybackService } from './playback.service.js';

/** Stored recordings served from Ensemble's own host (issue 18, decision 104). */
@Module({
  imports: [RecordingsModule],
  providers: [PlaybackTokens, PlaybackService, PlaybackRoutes],
  // One key and one set of TTLs for every module that hands out playback links.
  exports: [PlaybackTokens],
})
export class PlaybackModule {}
