import type { RecordedEvent } from '@app/event-store';
import { BatchMapping, batchApplier, ProjectionDefinition, TableBuffer, TableSource, tableSpec } from '@app/projections';
import {
  checkPolicyWhatIf,
  foldPolicyVersions,
  PolicyFoldEvent,
  PolicySet,
  PolicyVersionRecord,
  PolicyVersions,
  PolicyWhatIf,
  policyVersionKey,
  publishedPolicyDocuments,
} from '@app/policies';
import { entitlementLines, EntitlementLine, RewardsEnvironment } from '../domain/entitlements';
import { businessDate, foldItem, ITEM_EVENT_TYPES, ItemEvent, ItemFacts, itemBusinessDates, itemIdOf } from '../domain/item-facts';

/**
 * The time zone business dates are taken in. A constant of the projection (changing it is a new version and a
 * rebuild), so the same log always gives the same dates; it is the default BUSINESS_TIME_ZONE of the scheduler.
 */
export const REWARDS_TIME_ZONE = 'Asia/Shanghai';

type PolicyRow = { policy_id: string; version: number; record: PolicyVersionRecord };
type UnitRow = { unit_id: string; unit_type: string; name: string };
type MemberRow = { member_id: string; name: string };
type ChannelRow = { channel_id: string; platform: string; owner_unit_id: string; name: string; followers: { asOf: string; count: number }[] };
type ItemRow = { draft_id: string; unit_id: string; facts: ItemFacts; first_date: string | null; last_date: string | null; channel_ids: string[]; line_keys: string[] };
export type EntitlementRow = {
  draft_id: string;
  line_key: string;
  family: string;
  payee_kind: string;
  payee_id: string;
  unit_id: string;
  business_date: string;
  points: number;
  amount_fen: number;
  reason: string;
  policy_id: string;
  policy_version: number;
  rule_id: string;
  parameters: unknown;
  event_ids: string[];
};

export const REWARD_TABLES = {
  policies: tableSpec<PolicyRow>({ name: 'reward_policy_versions', columns: { policy_id: 'text', version: 'int', record: 'jsonb' }, key: ['policy_id', 'version'] }),
  units: tableSpec<UnitRow>({ name: 'reward_units', columns: { unit_id: 'uuid', unit_type: 'text', name: 'text' }, key: ['unit_id'] }),
  members: tableSpec<MemberRow>({ name: 'reward_members', columns: { member_id: 'text', name: 'text' }, key: ['member_id'] }),
  channels: tableSpec<ChannelRow>({
    name: 'reward_channels',
    columns: { channel_id: 'text', platform: 'text', owner_unit_id: 'uuid', name: 'text', followers: 'jsonb' },
    key: ['channel_id'],
  }),
  items: tableSpec<ItemRow>({
    name: 'reward_items',
    columns: { draft_id: 'uuid', unit_id: 'uuid', facts: 'jsonb', first_date: 'date', last_date: 'date', channel_ids: 'text[]', line_keys: 'text[]' },
    key: ['draft_id'],
  }),
  entitlements: tableSpec<EntitlementRow>({
    name: 'entitlements',
    columns: {
      draft_id: 'uuid',
      line_key: 'text',
      family: 'text',
      payee_kind: 'text',
      payee_id: 'text',
      unit_id: 'uuid',
      business_date: 'date',
      points: 'int',
      amount_fen: 'bigint',
      reason: 'text',
      policy_id: 'text',
      policy_version: 'int',
      rule_id: 'text',
      parameters: 'jsonb',
      event_ids: 'text[]',
    },
    key: ['draft_id', 'line_key'],
  }),
};

const POLICY_TYPES = ['PolicyDrafted', 'PolicyValidated', 'PolicyPublished', 'PolicySuperseded'];
const ORG_TYPES = ['UnitRegistered', 'UnitRenamed', 'ChannelRegistered', 'FollowerCountRecorded', 'MemberRegistered', 'MemberDetailsUpdated'];
const ITEM_TYPES = new Set<string>(ITEM_EVENT_TYPES);

interface Tables {
  policies: TableBuffer<PolicyRow>;
  units: TableBuffer<UnitRow>;
  members: TableBuffer<MemberRow>;
  channels: TableBuffer<ChannelRow>;
  items: TableBuffer<ItemRow>;
  entitlements: TableBuffer<EntitlementRow>;
}

/** What a batch changed that re-evaluates items it did not touch: policy periods, follower counts. */
interface Batch {
  readonly t: Tables;
  readonly whatIf: PolicyWhatIf;
  versions?: PolicyVersions;
  readonly touched: Set<string>;
  readonly policyRanges: { from: string; to: string }[];
  readonly followerChanges: Map<string, string>;
}

const FAR_FUTURE = '9999-12-31';

function mapping(whatIf: PolicyWhatIf): BatchMapping<Batch> {
  return {
    tables(table: TableSource): Batch {
      const t: Tables = {
        policies: table(REWARD_TABLES.policies),
        units: table(REWARD_TABLES.units),
        members: table(REWARD_TABLES.members),
        channels: table(REWARD_TABLES.channels),
        items: table(REWARD_TABLES.items),
        entitlements: table(REWARD_TABLES.entitlements),
      };
      return { t, whatIf, touched: new Set(), policyRanges: [], followerChanges: new Map() };
    },
    want(events, b) {
      // Policies, units and channels number in the tens to thousands: each batch holds them whole.
      b.t.policies.wantAll();
      b.t.units.wantAll();
      b.t.channels.wantAll();
      const drafts = events.filter((e) => ITEM_TYPES.has(e.type)).map((e) => ({ draft_id: itemIdOf(e as unknown as ItemEvent) }));
      if (drafts.length > 0) b.t.items.want(...drafts);
    },
    apply(event, b) {
      const e = event as RecordedEvent & { data: Record<string, unknown> };
      const d = e.data;
      if (ITEM_TYPES.has(e.type)) {
        const draftId = d.draftId as string;
        const row = b.t.items.get({ draft_id: draftId });
        const facts = foldItem(row?.facts, { type: e.type, data: d, eventId: e.metadata.eventId });
        if (!facts || facts === row?.facts) return;
        b.t.items.put({ draft_id: draftId, unit_id: facts.unitId, facts, first_date: null, last_date: null, channel_ids: facts.publications.map((p) => p.channelId), line_keys: row?.line_keys ?? [] });
        b.touched.add(draftId);
        return;
      }
      switch (e.type) {
        case 'PolicyDrafted':
        case 'PolicyValidated':
        case 'PolicyPublished':
        case 'PolicySuperseded': {
          b.versions ??= new Map(b.t.policies.rows().map((r) => [policyVersionKey(r.policy_id, r.version), r.record]));
          const changed = foldPolicyVersions(b.versions, [{ type: e.type, data: d, recordedAt: e.metadata.recordedAt } as unknown as PolicyFoldEvent], b.whatIf);
          for (const key of changed) {
            const record = b.versions.get(key)!;
            b.t.policies.put({ policy_id: record.policyId, version: record.version, record });
            if (record.status !== 'draft' || e.type === 'PolicySuperseded') b.policyRanges.push({ from: record.document.effectiveFrom, to: record.document.effectiveTo ?? FAR_FUTURE });
          }
          return;
        }
        case 'UnitRegistered':
          b.t.units.put({ unit_id: d.unitId as string, unit_type: d.unitType as string, name: d.name as string });
          return;
        case 'UnitRenamed':
          b.t.units.patch({ unit_id: d.unitId as string }, { name: d.name as string });
          return;
        case 'MemberRegistered':
        case 'MemberDetailsUpdated':
          b.t.members.put({ member_id: d.memberId as string, name: d.name as string });
          return;
        case 'ChannelRegistered':
          b.t.channels.put({ channel_id: d.channelId as string, platform: d.platform as string, owner_unit_id: d.ownerUnitId as string, name: d.name as string, followers: [] });
          return;
        case 'FollowerCountRecorded': {
          const channel = b.t.channels.get({ channel_id: d.channelId as string });
          if (!channel) return;
          const asOf = new Date(d.asOf as string).toISOString();
          const followers = [...channel.followers.filter((f) => f.asOf !== asOf), { asOf, count: d.count as number }].sort((x, y) => (x.asOf < y.asOf ? -1 : 1));
          b.t.channels.put({ ...channel, followers });
          const earliest = b.followerChanges.get(channel.channel_id);
          if (!earliest || asOf < earliest) b.followerChanges.set(channel.channel_id, asOf);
          return;
        }
        default:
          return;
      }
    },
    finish: {
      // Items the batch did not touch but whose entitlements it changes: a policy version published, superseded
      // (or treated as published) re-evaluates the items with a business date in its period; a follower count
      // the items published on that channel since its date.
      want(_events, b) {
        if (b.policyRanges.length > 0) {
          b.t.items.wantSql({
            sql: () => `EXISTS (SELECT 1 FROM unnest($1::date[], $2::date[]) AS r(f, t) WHERE x.last_date >= r.f AND x.first_date <= r.t)`,
            params: [b.policyRanges.map((r) => r.from), b.policyRanges.map((r) => r.to)],
          });
        }
        if (b.followerChanges.size > 0) {
          const channels = [...b.followerChanges.keys()];
          b.t.items.wantSql({
            sql: () => `EXISTS (SELECT 1 FROM unnest($1::text[], $2::date[]) AS c(id, since) WHERE c.id = ANY(x.channel_ids) AND x.last_date >= c.since)`,
            params: [channels, channels.map((c) => businessDate(b.followerChanges.get(c)!, REWARDS_TIME_ZONE))],
          });
        }
      },
      apply(_events, b) {
        const env = environment(b.t);
        for (const row of b.t.items.rows()) {
          if (!b.touched.has(row.draft_id) && b.policyRanges.length === 0 && b.followerChanges.size === 0) continue;
          reevaluate(row, env, b.t);
        }
      },
    },
  };
}

/** The policies, units and channels of the batch as evaluation sees them. */
function environment(t: Tables): RewardsEnvironment {
  const set = new PolicySet(publishedPolicyDocuments(new Map(t.policies.rows().map((r) => [policyVersionKey(r.policy_id, r.version), r.record]))));
  const cache = new Map<string, ReturnType<PolicySet['inForce']>>();
  const units = new Map(t.units.rows().map((u) => [u.unit_id, u.unit_type]));
  const channels = new Map(t.channels.rows().map((c) => [c.channel_id, c]));
  return {
    timeZone: REWARDS_TIME_ZONE,
    inForce(unitType, date) {
      const key = `${unitType}|${date}`;
      let policies = cache.get(key);
      if (!policies) cache.set(key, (policies = set.inForce(unitType, date)));
      return policies;
    },
    unitType: (unitId) => units.get(unitId),
    followersAt(channelId, at) {
      const followers = channels.get(channelId)?.followers ?? [];
      const instant = new Date(at).toISOString();
      let count: number | null = null;
      for (const f of followers) if (f.asOf <= instant) count = f.count;
      return count;
    },
    channelOwner: (channelId) => channels.get(channelId)?.owner_unit_id,
  };
}

/** Recomputes an item's lines: replaces them in entitlements and keeps their keys and dates on the item. */
function reevaluate(row: ItemRow, env: RewardsEnvironment, t: Tables): void {
  const lines = entitlementLines(row.facts, env);
  const keys = lines.map((l) => l.key);
  for (const old of row.line_keys) if (!keys.includes(old)) t.entitlements.delete({ draft_id: row.draft_id, line_key: old });
  for (const line of lines) t.entitlements.put(toRow(row.draft_id, line));
  const dates = itemBusinessDates(row.facts, REWARDS_TIME_ZONE);
  t.items.put({ ...row, first_date: dates[0] ?? null, last_date: dates[dates.length - 1] ?? null, line_keys: keys });
}

function toRow(draftId: string, l: EntitlementLine): EntitlementRow {
  return {
    draft_id: draftId,
    line_key: l.key,
    family: l.family,
    payee_kind: l.payee.kind,
    payee_id: l.payee.id,
    unit_id: l.unitId,
    business_date: l.businessDate,
    points: l.points,
    amount_fen: l.amountFen,
    reason: l.reason,
    policy_id: l.policyId,
    policy_version: l.policyVersion,
    rule_id: l.ruleId,
    parameters: l.parameters,
    event_ids: [...l.eventIds],
  };
}

/**
 * Entitlements (issue 10, docs/rewards.md): every line an item earns under the policies in force, folded from the
 * log alone. The projection folds what evaluation needs into its own tables (policy versions through the same
 * foldPolicyVersions as the policies projection, with the `policies` what-if parameter; units, channels with their
 * follower counts, members' names; each item's facts), and after each batch re-evaluates the items it touched
 * and those a policy or follower change reaches. An item's lines are a pure function of its facts and those
 * tables, so a live build equals a rebuild and a shadow build with a what-if differs exactly where the policy does.
 */
export const rewardsProjection: ProjectionDefinition = {
  name: 'rewards',
  version: 1,
  tables: Object.values(REWARD_TABLES).map((s) => s.name),
  eventTypes: [...ITEM_EVENT_TYPES, ...POLICY_TYPES, ...ORG_TYPES],
  parameters: { policies: checkPolicyWhatIf },
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('reward_policy_versions')} (policy_id text NOT NULL, version int NOT NULL, record jsonb NOT NULL, PRIMARY KEY (policy_id, version));
      CREATE TABLE ${t('reward_units')} (unit_id uuid PRIMARY KEY, unit_type text NOT NULL, name text NOT NULL);
      CREATE TABLE ${t('reward_members')} (member_id text PRIMARY KEY, name text NOT NULL);
      CREATE TABLE ${t('reward_channels')} (channel_id text PRIMARY KEY, platform text NOT NULL, owner_unit_id uuid NOT NULL, name text NOT NULL, followers jsonb NOT NULL);
      CREATE TABLE ${t('reward_items')} (
        draft_id uuid PRIMARY KEY, unit_id uuid NOT NULL, facts jsonb NOT NULL, first_date date, last_date date,
        channel_ids text[] NOT NULL, line_keys text[] NOT NULL);
      CREATE INDEX ON ${t('reward_items')} (last_date);
      CREATE TABLE ${t('entitlements')} (
        draft_id uuid NOT NULL, line_key text NOT NULL, family text NOT NULL, payee_kind text NOT NULL, payee_id text NOT NULL,
        unit_id uuid NOT NULL, business_date date NOT NULL, points int NOT NULL, amount_fen bigint NOT NULL, reason text NOT NULL,
        policy_id text NOT NULL, policy_version int NOT NULL, rule_id text NOT NULL, parameters jsonb, event_ids text[] NOT NULL,
        PRIMARY KEY (draft_id, line_key));
      CREATE INDEX ON ${t('entitlements')} (business_date);
      CREATE INDEX ON ${t('entitlements')} (payee_id, business_date);
      CREATE INDEX ON ${t('entitlements')} (unit_id, business_date);
    `);
  },
  applyBatch(events, ctx) {
    return batchApplier(mapping((ctx.parameters.policies ?? {}) as PolicyWhatIf))(events, ctx);
  },
};

/** The mapping, for unit specs (mapInMemory). */
export const rewardsMapping = mapping;
