import { Module, Provider, Type } from '@nestjs/common';

// Audit (issue 12): histories and the global log (./history), the hash chain, checkpoints and audit bundles (./chain).
const CONTROLLERS: Type[] = [];
const PROVIDERS: Provider[] = [];

@Module({ controllers: CONTROLLERS, providers: PROVIDERS, exports: PROVIDERS })
export class AuditModule {}
