import { Module } from '@nestjs/common';
import { CallbackDeliveryService } from './callback-delivery.service.js';
import { RecordingReadyNotifier } from './recording-ready.notifier.js';

/**
 * Callbacks to integrations that Ensemble makes itself (decision 103): delivery
 * through the ENSEMBLE_CALLBACKS stream, and what each callback says.
 */
@Module({
  providers: [CallbackDeliveryService, RecordingReadyNotifier],
  exports: [RecordingReadyNotifier],
})
export class CallbacksModule {}
