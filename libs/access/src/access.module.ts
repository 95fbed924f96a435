import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessPolicy } from './access-policy';
import { ACTOR_LOADER, ActorLoader, UNIT_TREE, UnitTree } from './actor';
import { AuthGuard } from './auth.guard';
import { TokenService } from './tokens';
import { BusinessDates } from './business-dates';
import { MeHttpController } from './me.http.controller';

export interface AccessModuleOptions {
  readonly tokens: TokenService;
  readonly actorLoader: Type<ActorLoader>;
  readonly unitTree: Type<UnitTree>;
  /** IANA zone of business dates (config BUSINESS_TIME_ZONE). */
  readonly businessTimeZone: string;
}

@Global()
@Module({})
export class AccessModule {
  static forRoot(options: AccessModuleOptions): DynamicModule {
    return {
      module: AccessModule,
      controllers: [MeHttpController],
      providers: [
        { provide: TokenService, useValue: options.tokens },
        { provide: ACTOR_LOADER, useClass: options.actorLoader },
        { provide: UNIT_TREE, useClass: options.unitTree },
        AccessPolicy,
        { provide: BusinessDates, useValue: new BusinessDates(options.businessTimeZone) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TokenService, AccessPolicy, ACTOR_LOADER, UNIT_TREE, BusinessDates],
    };
  }
}
