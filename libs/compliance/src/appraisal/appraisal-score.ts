import { type AppraisalItem, type AppraisalRule, reaches } from '@app/policies';
import type { AppraisalPolicyRef, AppraisalScores } from './appraisal.decider';

/** A recorded entry (AppraisalItemRecorded, not retracted). */
export interface RecordedEntry {
  readonly itemId: string;
  readonly ruleItemId: string;
  readonly points: number | null;
  readonly reason: string;
  readonly evidence: readonly string[];
  readonly occurredOn: string | null;
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly eventId: string;
}

/** An occurrence counted from the log: an adoption, an instruction, a late report, with the event it came from. */
export interface LogOccurrence {
  readonly kind: 'adoption' | 'instruction' | 'late_report';
  readonly levelKey: string | null;
  readonly businessDate: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly draftId: string | null;
  readonly incidentId: string | null;
}

const OCCURRENCE_OF: Record<Exclude<AppraisalItem['kind'], 'recorded'>, LogOccurrence['kind']> = { per_adoption: 'adoption', per_instruction: 'instruction', per_late_report: 'late_report' };

export interface ItemLine {
  readonly ruleItemId: string;
  readonly part: AppraisalItem['part'];
  readonly name: string;
  readonly kind: AppraisalItem['kind'];
  readonly occurrences: number;
  readonly points: number;
  /** recorded: the entries (office, evidence); counted: the events of the log. */
  readonly provenance: { readonly entries: readonly RecordedEntry[]; readonly events: readonly LogOccurrence[] };
}

export interface AppraisalResult {
  readonly policy: AppraisalPolicyRef;
  readonly base: number;
  readonly items: readonly ItemLine[];
  readonly itemsTotal: number;
  /** base + items (日常考核). */
  readonly daily: number;
  readonly components: readonly { readonly key: string; readonly name: string; readonly weight: number; readonly score: number | null }[];
  /** The reviews not recorded yet: the composite is provisional while any is missing. */
  readonly missing: readonly string[];
  readonly status: 'complete' | 'provisional';
  /** sum(weight x component) / 100 over the components recorded (2 decimals). */
  readonly composite: number;
  /** The band the composite reaches; null while provisional. */
  readonly band: { readonly key: string; readonly name: string } | null;
}

/**
 * The points at n occurrences of an item: a schedule's entry with the most occurrences at or below n replaces
 * n x points (R8.01: 1 → −50, 2 → −150; R8.05: 3 or more → −300); beyond the last entry, the last entry's points.
 */
export function itemPoints(item: AppraisalItem, occurrences: number, entryPoints: readonly number[]): number {
  if (occurrences === 0) return 0;
  if (item.schedule && item.schedule.length > 0) {
    let points = 0;
    for (const s of [...item.schedule].sort((a, b) => a.occurrences - b.occurrences)) if (s.occurrences <= occurrences) points = s.points;
    return points;
  }
  if (item.kind === 'recorded') return entryPoints.reduce((s, p) => s + p, 0);
  return occurrences * (item.points ?? 0);
}

/** The band a score reaches: bands from the highest minimum down, the first whose minimum it reaches (inclusive: >=, exclusive: >). */
export function bandOf(rule: Pick<AppraisalRule, 'bands'>, score: number): { key: string; name: string } | null {
  for (const b of [...rule.bands].sort((x, y) => y.min - x.min)) {
    if (reaches(score, b.min, b.boundary)) return { key: b.key, name: b.name };
  }
  return null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * A person's appraisal for a period (R4.44, R8.12): daily = base + every item (recorded entries and occurrences
 * counted from the log), composite = sum(weight x component) / 100 with peer, panel and directors as recorded.
 */
export function appraisalResult(input: { rule: AppraisalRule; policy: AppraisalPolicyRef; scores: AppraisalScores; entries: readonly RecordedEntry[]; occurrences: readonly LogOccurrence[] }): AppraisalResult {
  const { rule } = input;
  const items: ItemLine[] = [];
  for (const item of rule.items) {
    if (item.kind === 'recorded') {
      const entries = input.entries.filter((e) => e.ruleItemId === item.id);
      if (entries.length === 0) continue;
      items.push({ ruleItemId: item.id, part: item.part, name: item.name, kind: item.kind, occurrences: entries.length, points: itemPoints(item, entries.length, entries.map((e) => e.points ?? 0)), provenance: { entries, events: [] } });
    } else {
      const kind = OCCURRENCE_OF[item.kind];
      const events = input.occurrences.filter((o) => o.kind === kind && (item.levelKey === undefined || o.levelKey === item.levelKey));
      if (events.length === 0) continue;
      items.push({ ruleItemId: item.id, part: item.part, name: item.name, kind: item.kind, occurrences: events.length, points: itemPoints(item, events.length, []), provenance: { entries: [], events } });
    }
  }
  const itemsTotal = items.reduce((s, i) => s + i.points, 0);
  const daily = rule.base + itemsTotal;
  const scores = input.scores as Record<string, number | undefined>;
  const components = rule.components.map((c) => ({ key: c.key, name: c.name, weight: c.weight, score: c.key === 'daily' ? daily : (scores[c.key] ?? null) }));
  const missing = components.filter((c) => c.score === null).map((c) => c.key);
  const exact = components.reduce((s, c) => s + c.weight * (c.score ?? 0), 0) / 100;
  return {
    policy: input.policy,
    base: rule.base,
    items,
    itemsTotal,
    daily,
    components,
    missing,
    status: missing.length === 0 ? 'complete' : 'provisional',
    composite: round2(exact),
    band: missing.length === 0 ? bandOf(rule, exact) : null,
  };
}
