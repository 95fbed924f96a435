import { DynamicModule, Module } from '@nestjs/common';
import { ChainHttpController } from './chain.http.controller';
import { CHAIN_OPTIONS, ChainOptions, ChainService } from './chain.service';
import { AuditModule } from '../audit.module';

/** The hash chain of the PostgreSQL event store (issue 12 item 3; docs/audit.md). Not served on EventStoreDB. */
@Module({})
export class ChainModule {
  static forRoot(options: ChainOptions): DynamicModule {
    return {
      module: ChainModule,
      imports: [AuditModule],
      controllers: [ChainHttpController],
      providers: [{ provide: CHAIN_OPTIONS, useValue: options }, ChainService],
      exports: [ChainService],
    };
  }
}
