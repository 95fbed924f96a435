import { Module, Provider, Type } from '@nestjs/common';
import { ComplianceHttpController } from './http/compliance.http.controller';
import { ComplianceQueries } from './read/compliance.queries';

/** Appendable: other parts of libs/compliance (appraisal, bulletins) may add their providers and controllers here. */
const CONTROLLERS: Type[] = [ComplianceHttpController];
const PROVIDERS: Provider[] = [ComplianceQueries];
const EXPORTS: (Provider | string | symbol)[] = [ComplianceQueries];

/** Compliance per unit and period (issue 11 item 4, docs/compliance.md). */
@Module({ controllers: CONTROLLERS, providers: PROVIDERS, exports: EXPORTS })
export class ComplianceModule {}
