import { businessDateAt } from '@app/access';
import { charCount } from '@app/policies';

/**
 * What the rewards context knows of one reported item (a draft), folded from its events and the engagement
 * observations of its publications: everything its entitlements are computed from, and nothing else. Pure.
 */
export interface ItemFacts {
  readonly draftId: string;
  readonly unitId: string;
  readonly authors: readonly string[];
  readonly recommenderId: string | null;
  readonly contentType: string;
  readonly source: 'original' | 'repost';
  /** Characters of the body (字数, whitespace excluded): length bands of fee tables. */
  readonly length: number;
  /** The last submission: its time, the form's completeness at it (R3.14) and its event. */
  readonly submitted: { readonly at: string; readonly formComplete: boolean; readonly missingFields: readonly string[]; readonly eventId: string } | null;
  readonly publications: readonly PublicationFacts[];
  readonly adoptions: readonly { readonly adoptionId: string; readonly publicationName: string; readonly levelKey: string; readonly at: string; readonly eventId: string }[];
  readonly excellent: readonly { readonly levelKey: string; readonly at: string; readonly eventId: string }[];
  readonly instructions: readonly { readonly instructionId: string; readonly levelKey: string; readonly leader: string; readonly at: string; readonly eventId: string }[];
  /** 撤稿: a retracted item earns nothing (its lines are removed). */
  readonly retracted: { readonly at: string; readonly eventId: string } | null;
}

export interface PublicationFacts {
  readonly publicationId: string;
  readonly channelId: string;
  readonly platform: string;
  readonly levelKey: string;
  readonly publishedAt: string;
  readonly exclusiveFirstRelease: boolean;
  readonly eventId: string;
  /** The effective observation per (observedAt, source): a correction replaces the value, keeps the key. */
  readonly observations: readonly Observation[];
}

export interface Observation {
  readonly observedAt: string;
  readonly source: string;
  readonly reads: number;
  readonly reposts: number;
  readonly interactions: number;
  readonly followers: number | null;
  readonly eventId: string;
}

/** The events that change an item's facts. */
export const ITEM_EVENT_TYPES = [
  'DraftCreated',
  'DraftEdited',
  'DraftSubmitted',
  'DraftPublished',
  'DraftAdopted',
  'DraftRatedExcellent',
  'LeaderInstructionRecorded',
  'DraftRetracted',
  'MetricsRecorded',
] as const;

interface ContentData {
  readonly authors: readonly string[];
  readonly recommenderId: string | null;
  readonly contentType: string;
  readonly source: 'original' | 'repost';
  readonly body: string;
}

/** An item event as the fold reads it (the reporting and metrics events' data, loosely typed). */
export interface ItemEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly eventId: string;
}

const content = (c: ContentData) => ({ authors: [...c.authors], recommenderId: c.recommenderId ?? null, contentType: c.contentType, source: c.source, length: charCount(c.body) });

/** The draft id an item event belongs to. */
export function itemIdOf(event: ItemEvent): string {
  return event.data.draftId as string;
}

/**
 * Folds one event into an item's facts (undefined before DraftCreated). Answers the facts unchanged for an event
 * that adds nothing (a repeated publication, an observation already known with the same values).
 */
export function foldItem(facts: ItemFacts | undefined, event: ItemEvent): ItemFacts | undefined {
  const d = event.data;
  if (event.type === 'DraftCreated') {
    if (facts) return facts;
    return {
      draftId: d.draftId as string,
      unitId: d.unitId as string,
      ...content(d.content as ContentData),
      submitted: null,
      publications: [],
      adoptions: [],
      excellent: [],
      instructions: [],
      retracted: null,
    };
  }
  if (!facts) return facts;
  switch (event.type) {
    case 'DraftEdited':
      return { ...facts, ...content(d.content as ContentData) };
    case 'DraftSubmitted': {
      const check = d.check as { formComplete: boolean; missingFields?: readonly string[] };
      return { ...facts, submitted: { at: d.submittedAt as string, formComplete: check.formComplete, missingFields: [...(check.missingFields ?? [])], eventId: event.eventId } };
    }
    case 'DraftPublished':
      if (facts.publications.some((p) => p.publicationId === d.publicationId)) return facts;
      return {
        ...facts,
        publications: [
          ...facts.publications,
          {
            publicationId: d.publicationId as string,
            channelId: d.channelId as string,
            platform: d.platform as string,
            levelKey: d.levelKey as string,
            publishedAt: d.publishedAt as string,
            exclusiveFirstRelease: Boolean(d.exclusiveFirstRelease),
            eventId: event.eventId,
            observations: [],
          },
        ],
      };
    case 'DraftAdopted':
      if (facts.adoptions.some((a) => a.adoptionId === d.adoptionId)) return facts;
      return { ...facts, adoptions: [...facts.adoptions, { adoptionId: d.adoptionId as string, publicationName: d.publicationName as string, levelKey: d.levelKey as string, at: d.adoptedAt as string, eventId: event.eventId }] };
    case 'DraftRatedExcellent':
      if (facts.excellent.some((x) => x.levelKey === d.levelKey)) return facts;
      return { ...facts, excellent: [...facts.excellent, { levelKey: d.levelKey as string, at: d.ratedAt as string, eventId: event.eventId }] };
    case 'LeaderInstructionRecorded':
      if (facts.instructions.some((x) => x.instructionId === d.instructionId)) return facts;
      return {
        ...facts,
        instructions: [...facts.instructions, { instructionId: d.instructionId as string, levelKey: d.levelKey as string, leader: d.leader as string, at: d.instructedAt as string, eventId: event.eventId }],
      };
    case 'DraftRetracted':
      return facts.retracted ? facts : { ...facts, retracted: { at: d.retractedAt as string, eventId: event.eventId } };
    case 'MetricsRecorded':
      return foldObservation(facts, event);
    default:
      return facts;
  }
}

/** An observation replaces the one with the same (observedAt, source); the list stays sorted by that key. */
function foldObservation(facts: ItemFacts, event: ItemEvent): ItemFacts {
  const d = event.data;
  const index = facts.publications.findIndex((p) => p.publicationId === d.publicationId);
  if (index < 0) return facts;
  const observation: Observation = {
    observedAt: new Date(d.observedAt as string).toISOString(),
    source: d.source as string,
    reads: d.reads as number,
    reposts: d.reposts as number,
    interactions: d.interactions as number,
    followers: (d.followers as number | null | undefined) ?? null,
    eventId: event.eventId,
  };
  const publication = facts.publications[index]!;
  const key = (o: Observation) => `${o.observedAt}\u0000${o.source}`;
  const observations = [...publication.observations.filter((o) => key(o) !== key(observation)), observation].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const publications = [...facts.publications];
  publications[index] = { ...publication, observations };
  return { ...facts, publications };
}

/** The business date of an instant (the shared helper of @app/access: offsets looked up once per UTC hour). */
export const businessDate = businessDateAt;

/** Every business date the item's entitlements can be dated at: what a policy's effective range is matched with. */
export function itemBusinessDates(facts: ItemFacts, timeZone: string): string[] {
  const instants = [
    ...(facts.submitted ? [facts.submitted.at] : []),
    ...facts.publications.map((p) => p.publishedAt),
    ...facts.adoptions.map((a) => a.at),
    ...facts.excellent.map((x) => x.at),
    ...facts.instructions.map((x) => x.at),
  ];
  return instants.map((at) => businessDate(at, timeZone)).sort();
}

/** What a leaderboard counts of an item (报送, 采用, 批示): one row per fact, dated in the business time zone. */
export interface ItemActivity {
  readonly kind: 'submitted' | 'adopted' | 'instructed';
  /** The fact's place among the item's facts of its kind. */
  readonly seq: number;
  readonly businessDate: string;
}

/** The item's activity: none unless it was submitted, and none once it is retracted (it no longer counts). */
export function itemActivity(facts: ItemFacts, timeZone: string): ItemActivity[] {
  if (!facts.submitted || facts.retracted) return [];
  return [
    { kind: 'submitted' as const, seq: 0, businessDate: businessDate(facts.submitted.at, timeZone) },
    ...facts.adoptions.map((a, seq) => ({ kind: 'adopted' as const, seq, businessDate: businessDate(a.at, timeZone) })),
    ...facts.instructions.map((x, seq) => ({ kind: 'instructed' as const, seq, businessDate: businessDate(x.at, timeZone) })),
  ];
}
