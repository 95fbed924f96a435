import type { RecordedEvent } from '@app/event-store';
import { incidentStream } from '@app/incidents';
import { channelStream, memberStream, unitStream } from '@app/organization';
import { policyStream } from '@app/policies';
import { commissionStream, draftStream } from '@app/reporting';
import { metricsStream, PAYOUTS_STREAM } from '@app/rewards';

/**
 * The aggregates whose history an auditor asks for by kind and id, each with the stream-naming function of its
 * context (never the naming repeated here). A payout period has no stream of its own: the payout ledger is one
 * stream (PAYOUTS_STREAM) and a period's history is its events there (`select`). Every other stream (the payout
 * ledger as a whole, org configuration, appraisals, bulletins, comparisons, time facts) is read by its stream id
 * through GET /v1/audit/streams/:streamId/events.
 */
export interface AggregateKind {
  /** The stream that holds the aggregate's events. */
  readonly stream: (id: string) => string;
  /** The events of that stream that belong to the aggregate (all when absent). */
  readonly select?: (event: RecordedEvent, id: string) => boolean;
  /** What an id looks like (the 400 names `id` otherwise). */
  readonly id: RegExp;
  readonly description: string;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const KEY = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;

export const AGGREGATE_KINDS = {
  draft: { stream: draftStream, id: UUID, description: 'a draft (报送稿件) and its review, sign-off, publications and adoptions' },
  commission: { stream: commissionStream, id: UUID, description: 'a commission (约稿) and its deadline' },
  incident: { stream: incidentStream, id: UUID, description: 'an incident report and its follow-ups and deadlines' },
  unit: { stream: unitStream, id: UUID, description: 'a unit of the institution' },
  member: { stream: memberStream, id: UUID, description: 'a member: registration, details, status, appointments' },
  channel: { stream: channelStream, id: UUID, description: 'a publication channel and its follower counts' },
  policy: { stream: policyStream, id: KEY, description: 'a policy and its versions' },
  'publication-metrics': { stream: metricsStream, id: KEY, description: "a publication's observed metrics (id: the publication id)" },
  'payout-period': {
    stream: () => PAYOUTS_STREAM,
    select: (event, id) => (event.data as { periodId?: unknown } | null)?.periodId === id,
    id: /^[A-Za-z0-9_-]{1,40}$/,
    description: 'a payout period: opened, closed with its statement, payouts recorded (its events in the payout ledger stream)',
  },
} satisfies Record<string, AggregateKind>;

export type AggregateKindName = keyof typeof AGGREGATE_KINDS;
export const AGGREGATE_KIND_NAMES = Object.keys(AGGREGATE_KINDS) as AggregateKindName[];

export function aggregateKind(name: string): AggregateKind | undefined {
  return Object.prototype.hasOwnProperty.call(AGGREGATE_KINDS, name) ? AGGREGATE_KINDS[name as AggregateKindName] : undefined;
}
