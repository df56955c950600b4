import { Module } from '@nestjs/common';
import { NodeSigningService } from './node-signing.service.js';

/** Signing calls for a node: the one interface fleet and placement share for it. */
@Module({ providers: [NodeSigningService], exports: [NodeSigningService] })
export class SigningModule {}
