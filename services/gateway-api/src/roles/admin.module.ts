import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AdminController } from './admin.controller.js';

/**
 * A tenant's administration in the web app (decision 124): users, rooms, roles, site
 * settings. The tables (`roles`, `site_settings`, `users.role`) are read through
 * RolesRepository, which AccountsModule provides (sign-in and registration read them too).
 */
@Module({
  imports: [AccountsModule],
  controllers: [AdminController],
})
export class AdminModule {}
