import { Module } from '@nestjs/common';
import { CallbackDeliveryService } from './callback-delivery.service.js';
import { CallbackIntake } from './callback-intake.service.js';
import { CallbackReceiverController } from './callback-receiver.controller.js';
import { CallbackUrls } from './callback-urls.js';
import { RecordingReadyNotifier } from './recording-ready.notifier.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { DirectoryTenantSecrets, TenantSecretSource } from './tenant-secrets.port.js';

/**
 * Callbacks to integrations that Ensemble makes itself (decisions 103, 113): the create
 * parameters taken over (CallbackUrls), the receiver nodes call instead of the integration,
 * delivery through the ENSEMBLE_CALLBACKS stream, and what each callback says.
 */
@Module({
  imports: [TenantsModule],
  controllers: [CallbackReceiverController],
  providers: [
    CallbackDeliveryService,
    CallbackUrls,
    CallbackIntake,
    RecordingReadyNotifier,
    { provide: TenantSecretSource, useClass: DirectoryTenantSecrets },
  ],
  exports: [RecordingReadyNotifier, CallbackUrls, CallbackDeliveryService],
})
export class CallbacksModule {}
