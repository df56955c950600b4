import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { repositoryProvider } from '../db/repository.provider.js';
import { RoomsRepository } from '../rooms/rooms.repository.js';
import { LOGGER, type Logger } from '@ensemble/shared';
import { PlaybackTokens } from './playback-tokens.js';
import { RecordingsModule } from '../recordings/recordings.module.js';
import { TenantDirectory } from '../tenants/tenant-directory.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { PlaybackRoutes } from './playback.routes.js';
import { PlaybackService } from './playback.service.js';
import { RecordingProtection } from './recording-protection.js';

/** Stored recordings served from Ensemble's own host (issue 18, decision 104). */
@Module({
  imports: [RecordingsModule, TenantsModule, AccountsModule],
  providers: [
    // Its own reader of `rooms` (stateless): RoomsModule imports this module, not the reverse.
    // Playback reads a room's recording visibility and co-owners only (decision 125).
    repositoryProvider(RoomsRepository),
    PlaybackTokens,
    {
      provide: RecordingProtection,
      inject: [PlaybackTokens, TenantDirectory, LOGGER],
      useFactory: (tokens: PlaybackTokens, directory: TenantDirectory, logger: Logger) =>
        // The tenant's choice as the in-memory directory has it (decision 116): no table read per file.
        new RecordingProtection(
          tokens,
          (tenant) => directory.get(tenant)?.recordingsProtected,
          (tenant) =>
            logger.warn('recordings protected but RECORDINGS_PLAYBACK_SECRET is not set: they cannot be played', {
              tenant,
            }),
        ),
    },
    PlaybackService,
    PlaybackRoutes,
  ],
  // One key, one set of TTLs and one rule of what is protected for every module that hands out playback links.
  exports: [PlaybackTokens, RecordingProtection],
})
export class PlaybackModule {}
