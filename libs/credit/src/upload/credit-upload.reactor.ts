import { deterministicUuid, fold } from '@app/kernel';
import type { EffectDelivery, ReactorDefinition } from '@app/projections';
import { creditRecordDecider, CreditRecordState } from '../domain/credit-record.decider';
import { creditIdempotencyKey, creditRecordStream, CreditRecordStreamEvent } from '../domain/credit-record.events';
import { CreditUploadDeps, creditUploadDeps } from './credit-upload-deps';

/** The effect's payload: which record and which upload round (no field: GET /v1/ops/effects shows payloads). */
export interface CreditUploadPayload {
  readonly recordId: string;
  readonly uploadRound: number;
  readonly [key: string]: unknown;
}

/** The outbox key of a record's upload round: recorded once per reactor, whatever replays and redeliveries. */
export const creditUploadEffectKey = (recordId: string, uploadRound: number): string => `credit-upload:${recordId}:${uploadRound}`;

/**
 * 上报 (R6.06 step 3): when a record is approved (upload round 1) or a failed upload is retried by hand (the next
 * round), records, live only, an `upload` effect for the dispatcher; the dispatcher performs it after the batch
 * commits, retrying with backoff (pg-boss, ADR 0014). The effect reads the record from its stream (clear fields),
 * hands it to the sharing-platform adapter and appends the outcome to the record's stream (CreditRecordUploaded,
 * or CreditRecordUploadFailed and a rethrow, so the outbox retries): the record's state and the statistics come
 * from the log. A rebuild or a shadow build records nothing; the reactor keeps no table.
 */
export function createCreditUploadsReactor(deps: () => CreditUploadDeps): ReactorDefinition {
  return {
    kind: 'reactor',
    name: 'credit-uploads',
    version: 1,
    startFrom: 'beginning',
    tables: [],
    eventTypes: ['CreditRecordApproved', 'CreditRecordUploadRequested'],
    async apply(event, ctx) {
      if (!ctx.live) return;
      const data = event.data as { recordId: string; uploadRound?: number };
      const uploadRound = event.type === 'CreditRecordUploadRequested' ? data.uploadRound! : 1;
      await ctx.effect(creditUploadEffectKey(data.recordId, uploadRound), { task: 'upload', payload: { recordId: data.recordId, uploadRound } });
    },
    effects: {
      upload: (payload: CreditUploadPayload, delivery: EffectDelivery) => performUpload(deps(), payload, delivery),
    },
  };
}

export const creditUploadsReactor: ReactorDefinition = createCreditUploadsReactor(() => creditUploadDeps.get());

async function performUpload(deps: CreditUploadDeps, p: CreditUploadPayload, delivery: EffectDelivery): Promise<void> {
  const stream = creditRecordStream(p.recordId);
  const events = (await deps.runner.store.readStream(stream)) as unknown as CreditRecordStreamEvent[];
  const state = fold(creditRecordDecider, events) as CreditRecordState;
  if (state.status !== 'approved' && state.status !== 'upload_failed') return; // uploaded already, or gone: nothing to send
  const idempotencyKey = creditIdempotencyKey(p.recordId);
  const approved = [...events].reverse().find((e) => e.type === 'CreditRecordApproved');
  const now = deps.clock.now().toISOString();
  const context = (outcome: string) => ({ commandId: deterministicUuid('credit-upload-outcome', delivery.key, String(delivery.attempt), outcome), actorId: 'system', correlationId: delivery.key, causationId: delivery.key });
  const common = { idempotencyKey, platform: deps.platform.name, attempt: delivery.attempt, uploadRound: p.uploadRound, actorId: 'system', now };
  let reference: string | null;
  try {
    const receipt = await deps.platform.upload({
      idempotencyKey,
      recordId: state.recordId,
      unitId: state.unitId,
      kind: state.kind,
      category: state.category,
      subjectPersonId: state.subjectPersonId,
      fields: state.fields,
      approvedAt: approved?.type === 'CreditRecordApproved' ? approved.data.approvedAt : now,
      uploadedAt: now,
    });
    reference = receipt.reference;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await deps.runner.run(stream, creditRecordDecider, { type: 'RecordCreditUploadFailed', ...common, error: message }, context('failed'));
    throw error;
  }
  await deps.runner.run(stream, creditRecordDecider, { type: 'RecordCreditUploaded', ...common, reference }, context('uploaded'));
}
