import type { CommandRunner } from '@app/event-store';
import type { Clock } from '@app/kernel';
import type { CreditSharingPlatform } from './credit-sharing-platform';

/** What performing an upload needs: the runner (read the record, append the outcome), a clock, the platform. */
export interface CreditUploadDeps {
  readonly runner: CommandRunner;
  readonly clock: Clock;
  readonly platform: CreditSharingPlatform;
}

/**
 * The registered projections are a static list (apps/api/src/contexts.ts), so the upload reactor's effect gets
 * its dependencies late: CreditModule binds them at start-up, before the dispatcher runs (as notifications do).
 */
export class CreditUploadDepsHolder {
  private deps: CreditUploadDeps | undefined;
  bind(deps: CreditUploadDeps): void {
    this.deps = deps;
  }
  get(): CreditUploadDeps {
    if (!this.deps) throw new Error('credit-uploads: CreditModule has not bound its dependencies yet');
    return this.deps;
  }
}

export const creditUploadDeps = new CreditUploadDepsHolder();
