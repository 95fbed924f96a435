import { DynamicModule, Inject, Module, OnModuleInit, Optional } from '@nestjs/common';
import { CommandRunner } from '@app/event-store';
import { Clock, CLOCK, PersonalDataRegistry } from '@app/kernel';
import { CREDIT_PERSONAL_DATA } from './domain/credit-personal-data';
import { CREDIT_CONFIG, CreditConfig, loadCreditConfig } from './credit-config';
import { CreditCommands } from './write/credit-commands';
import { CreditHttpController } from './write/credit.http.controller';
import { CreditQueries } from './read/credit.queries';
import { CreditReadHttpController } from './read/credit.read.http.controller';
import { FileExportSharingPlatform, HttpSharingPlatform } from './upload/credit-sharing-platform';
import { creditUploadDeps } from './upload/credit-upload-deps';

/**
 * Credit information reporting (信用信息上报, issue 12 item 6, R6.01-R6.06): the records, their review, the upload
 * to the sharing platform (the credit-uploads reactor's effect, whose dependencies are bound here) and per-unit
 * statistics and compliance items. Registers the personal fields of personal records (CREDIT_PERSONAL_DATA) with
 * the PersonalDataRegistry when the event store module provides one.
 */
@Module({})
export class CreditModule implements OnModuleInit {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CREDIT_CONFIG) private readonly config: CreditConfig,
    @Optional() private readonly personalData?: PersonalDataRegistry,
  ) {}

  static forRoot(options: { dataDir: string; env?: NodeJS.ProcessEnv }): DynamicModule {
    const config = loadCreditConfig(options.env ?? process.env, options.dataDir);
    return {
      module: CreditModule,
      controllers: [CreditHttpController, CreditReadHttpController],
      providers: [{ provide: CREDIT_CONFIG, useValue: config }, CreditCommands, CreditQueries],
    };
  }

  onModuleInit(): void {
    this.personalData?.register(CREDIT_PERSONAL_DATA);
    const platform = this.config.platformUrl
      ? new HttpSharingPlatform(this.config.platformUrl, this.config.platformTimeoutMs, this.config.platformToken)
      : new FileExportSharingPlatform(this.config.uploadDir);
    creditUploadDeps.bind({ runner: this.runner, clock: this.clock, platform });
  }
}
