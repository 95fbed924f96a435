import type { RecordedEvent } from '@app/event-store';
import type { DraftEvent } from '../../domain/draft.events';

type Draft = RecordedEvent & DraftEvent;

/** When the event's act happened, in business terms (the time the event states, not when it was stored). */
export function draftEventAt(e: DraftEvent): string {
  switch (e.type) {
    case 'DraftCreated':
      return e.data.createdAt;
    case 'DraftEdited':
      return e.data.editedAt;
    case 'DraftSubmitted':
      return e.data.submittedAt;
    case 'ReviewStepApproved':
      return e.data.approvedAt;
    case 'DraftReferredToSecrecyAuthority':
      return e.data.referredAt;
    case 'SecrecyAuthorityAnswerRecorded':
      return e.data.recordedAt;
    case 'DraftSignedOff':
      return e.data.signedOffAt;
    case 'DraftReturnedForRevision':
      return e.data.returnedAt;
    case 'DraftRejected':
      return e.data.rejectedAt;
    case 'DraftRetracted':
      return e.data.retractedAt;
    case 'DraftPublished':
      return e.data.publishedAt;
    case 'DraftAdopted':
      return e.data.adoptedAt;
    case 'DraftRatedExcellent':
      return e.data.ratedAt;
    case 'LeaderInstructionRecorded':
      return e.data.instructedAt;
  }
}

export interface DraftOutcome {
  readonly kind: 'publication' | 'adoption' | 'excellent' | 'instruction';
  readonly levelKey: string;
  /** The channel (publication) or the publication's name (adoption) or the leader (instruction). */
  readonly name: string | null;
  readonly issue: string | null;
  readonly at: string;
}

/** What an outcome event records in the register (登记), or undefined for the other events. */
export function draftOutcome(e: DraftEvent): DraftOutcome | undefined {
  switch (e.type) {
    case 'DraftPublished':
      return { kind: 'publication', levelKey: e.data.levelKey, name: e.data.channelId, issue: null, at: e.data.publishedAt };
    case 'DraftAdopted':
      return { kind: 'adoption', levelKey: e.data.levelKey, name: e.data.publicationName, issue: e.data.issue, at: e.data.adoptedAt };
    case 'DraftRatedExcellent':
      return { kind: 'excellent', levelKey: e.data.levelKey, name: null, issue: null, at: e.data.ratedAt };
    case 'LeaderInstructionRecorded':
      return { kind: 'instruction', levelKey: e.data.levelKey, name: e.data.leader, issue: null, at: e.data.instructedAt };
    case 'DraftCreated':
    case 'DraftEdited':
    case 'DraftSubmitted':
    case 'ReviewStepApproved':
    case 'DraftReferredToSecrecyAuthority':
    case 'SecrecyAuthorityAnswerRecorded':
    case 'DraftSignedOff':
    case 'DraftReturnedForRevision':
    case 'DraftRejected':
    case 'DraftRetracted':
      return undefined;
  }
}

/**
 * A draft's detail from its own stream: the history (who did what, when, with the event's data), its current
 * content (the last DraftCreated or DraftEdited), the chain of its last submission and its outcomes with their
 * data. The caller passes the events the read model has applied (revisions up to the drafts row's, skipped events
 * left out), so the detail is as of the build it reads: a shadow or as-of build shows its own past.
 */
export function draftTimeline(events: readonly RecordedEvent[]) {
  const history: { revision: string; type: string; actorId: string; at: string; data: unknown }[] = [];
  const outcomes: (DraftOutcome & { detail: unknown })[] = [];
  let content: unknown = null;
  let chain: unknown = null;
  for (const event of events as readonly Draft[]) {
    history.push({ revision: event.revision.toString(), type: event.type, actorId: event.metadata.actorId, at: iso(draftEventAt(event)), data: event.data });
    if (event.type === 'DraftCreated' || event.type === 'DraftEdited') content = event.data.content;
    if (event.type === 'DraftSubmitted') chain = event.data.chain;
    const outcome = draftOutcome(event);
    if (outcome) outcomes.push({ ...outcome, at: iso(outcome.at), detail: event.data });
  }
  return { history, outcomes, content, chain };
}

/** Times as the read models answer them (UTC, milliseconds), whatever offset the event wrote. */
const iso = (at: string): string => new Date(at).toISOString();
