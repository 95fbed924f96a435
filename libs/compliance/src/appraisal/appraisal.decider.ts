import { Decider, DomainEvent, InvalidState, NotFound, RuleViolation } from '@app/kernel';
import type { AppraisalItem, AppraisalRule } from '@app/policies';

/**
 * The individual appraisal of one person for one period (R4.44, regulations §8.1), in the stream
 * `appraisal-<memberId>-<periodKey>`: the scores of the three reviews (群众评议 peer, 考评小组 panel, 主任办公会
 * directors) on the base scale, and the recorded deductions and bonuses. The items counted from the log
 * (adoptions, instructions, late reports) are not events of this stream: the `appraisals` projection counts them.
 */
export const appraisalStream = (memberId: string, periodKey: string): string => `appraisal-${memberId}-${periodKey}`;

/** The policy version whose appraisal rule governed a command. */
export interface AppraisalPolicyRef {
  readonly policyId: string;
  readonly policyVersion: number;
  readonly ruleId: string;
}

export type AppraisalScores = Partial<Record<'peer' | 'panel' | 'directors', number>>;

export type AppraisalScoresRecorded = DomainEvent<
  'AppraisalScoresRecorded',
  { memberId: string; periodKey: string; scores: AppraisalScores; policy: AppraisalPolicyRef; recordedBy: string; recordedAt: string }
>;
export type AppraisalItemRecorded = DomainEvent<
  'AppraisalItemRecorded',
  {
    memberId: string;
    periodKey: string;
    /** This entry's id. */
    itemId: string;
    /** The policy's item (R8.02-absence ...). */
    ruleItemId: string;
    part: AppraisalItem['part'];
    name: string;
    /** The entry's points; null for an item with an occurrence schedule (the schedule gives the points at n entries). */
    points: number | null;
    reason: string;
    evidence: string[];
    occurredOn: string | null;
    policy: AppraisalPolicyRef;
    recordedBy: string;
    recordedAt: string;
  }
>;
export type AppraisalItemRetracted = DomainEvent<'AppraisalItemRetracted', { memberId: string; periodKey: string; itemId: string; reason: string; retractedBy: string; retractedAt: string }>;
export type AppraisalEvent = AppraisalScoresRecorded | AppraisalItemRecorded | AppraisalItemRetracted;
export const APPRAISAL_EVENT_TYPES: readonly AppraisalEvent['type'][] = ['AppraisalScoresRecorded', 'AppraisalItemRecorded', 'AppraisalItemRetracted'];

/** The rule the handler found in force for the period's last day (null: none, and the command is refused). */
export interface RuleInForce {
  readonly rule: AppraisalRule;
  readonly policy: AppraisalPolicyRef;
}

export type AppraisalCommand =
  | { type: 'RecordAppraisalScores'; memberId: string; periodKey: string; scores: AppraisalScores; rule: RuleInForce | null; actorId: string; now: string }
  | {
      type: 'RecordAppraisalItem';
      memberId: string;
      periodKey: string;
      itemId: string;
      ruleItemId: string;
      points: number | null;
      reason: string;
      evidence: readonly string[];
      occurredOn: string | null;
      rule: RuleInForce | null;
      actorId: string;
      now: string;
    }
  | { type: 'RetractAppraisalItem'; memberId: string; periodKey: string; itemId: string; reason: string; actorId: string; now: string };

export interface AppraisalState {
  readonly scores: AppraisalScores;
  readonly items: ReadonlyMap<string, { readonly ruleItemId: string; readonly retracted: boolean }>;
}

function ruleOf(command: { rule: RuleInForce | null; periodKey: string }): RuleInForce {
  if (!command.rule) throw new RuleViolation('appraisal-rule-missing', `No policy in force has an appraisal rule for period ${command.periodKey}`, { periodKey: command.periodKey });
  return command.rule;
}

const outOfRange = (field: string, message: string, details: Record<string, unknown> = {}) => new RuleViolation('appraisal-value-out-of-range', message, { field, errors: [{ field, message }], ...details });

export const appraisalDecider: Decider<AppraisalCommand, AppraisalState, AppraisalEvent> = {
  initialState: () => ({ scores: {}, items: new Map() }),
  evolve(state, event) {
    switch (event.type) {
      case 'AppraisalScoresRecorded':
        return { ...state, scores: { ...state.scores, ...event.data.scores } };
      case 'AppraisalItemRecorded':
        return { ...state, items: new Map(state.items).set(event.data.itemId, { ruleItemId: event.data.ruleItemId, retracted: false }) };
      case 'AppraisalItemRetracted': {
        const item = state.items.get(event.data.itemId);
        return item ? { ...state, items: new Map(state.items).set(event.data.itemId, { ...item, retracted: true }) } : state;
      }
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'RecordAppraisalScores': {
        const { rule, policy } = ruleOf(command);
        for (const [key, value] of Object.entries(command.scores)) {
          // the three reviews are scored on the base scale (R8.12: 1000)
          if (value < 0 || value > rule.base) throw outOfRange(`scores.${key}`, `scores.${key} is on the base scale: 0 to ${rule.base}`, { min: 0, max: rule.base });
          if (!rule.components.some((c) => c.key === key)) throw outOfRange(`scores.${key}`, `the appraisal rule ${rule.id} has no component ${key}`);
        }
        return [{ type: 'AppraisalScoresRecorded', data: { memberId: command.memberId, periodKey: command.periodKey, scores: { ...command.scores }, policy, recordedBy: command.actorId, recordedAt: command.now } }];
      }
      case 'RecordAppraisalItem': {
        const { rule, policy } = ruleOf(command);
        const item = rule.items.find((i) => i.id === command.ruleItemId);
        if (!item) throw new RuleViolation('appraisal-item-unknown', `The appraisal rule ${rule.id} has no item ${command.ruleItemId}`, { field: 'ruleItemId', errors: [{ field: 'ruleItemId', message: `not an item of ${rule.id}` }], items: rule.items.filter((i) => i.kind === 'recorded').map((i) => i.id) });
        if (item.kind !== 'recorded') throw new RuleViolation('appraisal-item-counted', `Item ${item.id} is counted from the log (${item.kind}), not recorded`, { field: 'ruleItemId', errors: [{ field: 'ruleItemId', message: `${item.id} is counted from the log` }] });
        let points: number | null = null;
        if (item.schedule && item.schedule.length > 0) {
          if (command.points !== null) throw outOfRange('points', `item ${item.id} has an occurrence schedule: give no points, each entry is one occurrence`);
        } else {
          const min = item.min ?? item.points;
          const max = item.max ?? item.points;
          if (command.points === null) throw outOfRange('points', `points are required for item ${item.id}: ${min} to ${max}`, { min, max });
          if ((min !== undefined && command.points < min) || (max !== undefined && command.points > max)) throw outOfRange('points', `points of item ${item.id} are ${min} to ${max}`, { min, max });
          points = command.points;
        }
        // R4.44: bonus points need a written reason and evidence
        if ((item.evidenceRequired || item.part === 'bonus') && command.evidence.length === 0) {
          throw new RuleViolation('appraisal-evidence-required', `Item ${item.id} needs evidence (R4.44: bonuses need a written reason and evidence)`, { field: 'evidence', errors: [{ field: 'evidence', message: 'at least one evidence reference is required' }] });
        }
        if (state.items.has(command.itemId)) return [];
        return [
          {
            type: 'AppraisalItemRecorded',
            data: {
              memberId: command.memberId,
              periodKey: command.periodKey,
              itemId: command.itemId,
              ruleItemId: item.id,
              part: item.part,
              name: item.name,
              points,
              reason: command.reason,
              evidence: [...command.evidence],
              occurredOn: command.occurredOn,
              policy,
              recordedBy: command.actorId,
              recordedAt: command.now,
            },
          },
        ];
      }
      case 'RetractAppraisalItem': {
        const item = state.items.get(command.itemId);
        if (!item) throw new NotFound('appraisal item', command.itemId);
        if (item.retracted) throw new InvalidState('appraisal-item-retracted', `Appraisal item ${command.itemId} is already retracted`, { itemId: command.itemId });
        return [{ type: 'AppraisalItemRetracted', data: { memberId: command.memberId, periodKey: command.periodKey, itemId: command.itemId, reason: command.reason, retractedBy: command.actorId, retractedAt: command.now } }];
      }
    }
  },
};
